from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from inventory.selectors import assigned_warehouses, client_of
from wms.accounts.models import Role, User
from wms.permissions import client_id_of, warehouse_ids_for


def test_admin_invites_an_operator_who_sets_a_password_from_the_mail(
    http_for: Any, admin_user: Any, east: Any, django_capture_on_commit_callbacks: Any
) -> None:
    http = http_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            "/users/invite/",
            {
                "email": "New.Picker@acme.test",
                "first_name": "Nia",
                "role": "operator",
                "warehouses": [east.pk],
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.picker@acme.test")
    assert (user.role, list(assigned_warehouses(user)), user.has_usable_password()) == (
        Role.OPERATOR,
        [east],
        False,
    )
    assert len(mail.outbox) == 1
    assert "as Floor operator" in mail.outbox[0].body
    assert "http://acme.localhost/accounts/reset/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"role": "client"}, "client", "A client user must belong to a client."),
        ({"role": "operator"}, "warehouses", "Assign an operator at least one warehouse."),
        ({"role": "manager", "email": "admin@acme.test"}, "__all__", "already exists"),
        ({"role": "boss"}, "role", "Select a valid choice"),
    ],
)
def test_invite_with_bad_input_explains_and_creates_nothing(
    http_for: Any, admin_user: Any, data: dict[str, str], field: str, message: str
) -> None:
    payload = {"email": "someone@acme.test", **data}
    before = User.objects.count()
    response = http_for(admin_user).post("/users/invite/", payload)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    assert User.objects.count() == before
    assert mail.outbox == []


def test_admin_changes_role_and_scope(
    http_for: Any, admin_user: Any, operator: Any, acme_outdoor: Any
) -> None:
    response = http_for(admin_user).post(
        f"/users/{operator.pk}/",
        {"role": "client", "client": acme_outdoor.pk, "first_name": "Cleo"},
    )
    assert response.status_code == 302
    operator = User.objects.get(pk=operator.pk)
    assert (operator.role, client_of(operator), list(assigned_warehouses(operator))) == (
        Role.CLIENT,
        acme_outdoor,
        [],
    )
    assert operator.first_name == "Cleo"
    # The new scope is what the permission checks read: only the client's own orders now.
    assert (client_id_of(operator), warehouse_ids_for(operator)) == (acme_outdoor.pk, frozenset())


def test_admin_cannot_demote_themselves(http_for: Any, admin_user: Any) -> None:
    response = http_for(admin_user).post(f"/users/{admin_user.pk}/", {"role": "manager"})
    assert response.status_code == 200
    assert "You cannot take the admin role from yourself." in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN


def test_deactivation_asks_first_then_revokes_tokens(
    http_for: Any, admin_user: Any, manager: Any
) -> None:
    from wms.accounts.services import create_api_token

    token, _ = create_api_token(by=admin_user, user=manager, name="ERP")
    http = http_for(admin_user)
    confirm = http.get(f"/users/{manager.pk}/deactivate/")
    assert "all their API tokens are revoked" in confirm.content.decode()
    manager.refresh_from_db()
    assert manager.is_active  # the GET changed nothing
    response = http.post(f"/users/{manager.pk}/deactivate/")
    assert response.status_code == 302
    manager.refresh_from_db()
    token.refresh_from_db()
    assert (manager.is_active, token.is_active) == (False, False)


def test_admin_cannot_deactivate_themselves(http_for: Any, admin_user: Any) -> None:
    http_for(admin_user).post(f"/users/{admin_user.pk}/deactivate/")
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_user_list_searches_and_paginates(http_for: Any, admin_user: Any) -> None:
    from tests.factories import UserFactory

    for n in range(30):
        UserFactory(email=f"picker{n:02d}@acme.test", role="manager")
    http = http_for(admin_user)
    first = http.get("/users/")
    assert "Page 1 of 2 (32 in all)" in first.content.decode()
    found = http.get("/users/", {"q": "picker07"}, HTTP_HX_REQUEST="true")
    body = found.content.decode()
    assert body.lstrip().startswith("<table")  # the htmx partial, not the page
    assert "picker07@acme.test" in body
    assert "picker08@acme.test" not in body


def test_user_list_query_count_does_not_grow_with_rows(
    http_for: Any, admin_user: Any, east: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    http = http_for(admin_user)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert http.get("/users/").status_code == 200
        return len(ctx.captured_queries)

    UserFactory(email="first@acme.test", role="operator", warehouses=[east])
    few = queries_for_page()
    for n in range(20):
        UserFactory(email=f"m{n}@acme.test", role="operator", warehouses=[east])
    assert queries_for_page() == few
