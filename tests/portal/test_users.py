"""A client admin keeps their own client's people in the portal: invites client users of their
client, deactivates them (their tokens revoked), and makes API tokens shown once. A client user
who is no admin, and any other client's admin, cannot touch them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client as HttpClient

from inventory.selectors import client_of
from tests.factories import UserFactory
from tests.helpers import assert_nothing_written, table_records, text_by_id
from wms.accounts.models import ApiToken, Role, User


@pytest.fixture
def client_admin(acme, acme_outdoor):
    return UserFactory(
        role="client", email="boss@outdoor.test", client=acme_outdoor, is_client_admin=True
    )


def test_a_client_admin_invites_a_user_of_their_own_client(
    world, http_for, client_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = http_for(client_admin).post(
            "/portal/users/invite/", {"email": "new@outdoor.test", "first_name": "Nu"}
        )
    assert response.status_code == 302
    invited = User.objects.get(email="new@outdoor.test")
    assert (invited.role, client_of(invited), invited.is_client_admin) == (
        Role.CLIENT,
        world.mine.client,
        False,
    )
    assert mail.outbox[-1].to == ["new@outdoor.test"]


def test_a_client_admin_deactivates_their_user_and_the_tokens_stop(
    world, http_for, client_admin, client_user, admin_user
):
    from wms.accounts.services import create_api_token

    _, secret = create_api_token(by=admin_user, user=client_user, name="shop")
    http = http_for(client_admin)
    with assert_nothing_written(except_tables=["django_session"]):
        http.get(f"/portal/users/{client_user.pk}/deactivate/")
    http.post(f"/portal/users/{client_user.pk}/deactivate/")
    assert not User.objects.get(pk=client_user.pk).is_active
    api = HttpClient(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/me").status_code == 401


def test_a_token_is_shown_once_and_acts_as_its_client_user(world, http_for, client_admin):
    http = http_for(client_admin)
    html = http.post("/portal/tokens/", {"user": client_admin.pk, "name": "Shopify"}).content
    secret = text_by_id(html, "new-token")
    token = ApiToken.objects.get(name="Shopify")
    assert token.user_id == client_admin.pk
    assert secret not in http.get("/portal/tokens/").content.decode()
    api = HttpClient(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
    orders = api.get("/api/v1/orders").json()
    references = {o["reference"] for o in orders["items"]}
    assert references == {"SO-1"}
    http.post(f"/portal/tokens/{token.pk}/revoke/")
    assert api.get("/api/v1/orders").status_code == 401
    rows = table_records(http.get("/portal/tokens/").content.decode(), with_column="Status")
    assert rows[0]["Status"].startswith("Revoked")


def test_a_client_admin_cannot_make_tokens_for_another_clients_user(
    world, http_for, client_admin, other_client_user
):
    with assert_nothing_written(except_tables=["django_session"]):
        response = http_for(client_admin).post(
            "/portal/tokens/", {"user": other_client_user.pk, "name": "x"}
        )
    assert "Select a valid choice" in response.content.decode()


def test_a_client_user_who_is_no_admin_keeps_no_users(world, http_for, client_user, client_admin):
    http = http_for(client_user)
    with assert_nothing_written(except_tables=["django_session"]):
        for path in ("/portal/users/", "/portal/users/invite/", "/portal/tokens/"):
            assert http.get(path).status_code == 403
            assert http.post(path, {"email": "x@y.test", "name": "x"}).status_code == 403
        assert http.post(f"/portal/users/{client_admin.pk}/deactivate/").status_code == 403
    assert 'href="/portal/users/"' not in http.get("/portal/").content.decode()


def test_the_3pls_admin_makes_a_client_user_their_clients_admin(
    http_for, admin_user, client_user, acme_outdoor
):
    http = http_for(admin_user)
    edit = {"role": "client", "client": acme_outdoor.pk, "first_name": "Pat"}
    http.post(f"/users/{client_user.pk}/", edit | {"is_client_admin": "on"})
    assert User.objects.get(pk=client_user.pk).is_client_admin
    assert http_for(client_user).get("/portal/users/").status_code == 200
    with assert_nothing_written(except_tables=["django_session"]):
        refused = http.post(
            "/users/invite/", {"email": "m@acme.test", "role": "manager", "is_client_admin": "on"}
        )
    assert "Only client users can be client admins." in refused.content.decode()
