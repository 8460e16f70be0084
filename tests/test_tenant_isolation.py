"""A user, session cookie or API token of one tenant gets nothing from another, by page, by API
and by guessed ids; inside a tenant, operators and client users see only their scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from tests.factories import UserFactory, WarehouseFactory
from wms.accounts.services import create_api_token


def bearer(secret: str, host: str) -> HttpClient:
    return HttpClient(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def globex_data(globex: Any, use_tenant: Any, acme: Any) -> dict[str, Any]:
    """A warehouse and an admin (with a token) in globex; the connection returns to acme."""
    use_tenant(globex)
    warehouse = WarehouseFactory(code="GLOBEX-ONLY", name="Globex secret DC")
    admin = UserFactory(email="boss@globex.test", role="admin", is_staff=True, is_superuser=True)
    _, secret = create_api_token(by=admin, user=admin, name="t")
    use_tenant(acme)
    return {"warehouse": warehouse, "admin": admin, "secret": secret}


def test_acme_session_cookie_is_nothing_at_globex(
    http_for: Any, admin_user: Any, globex_data: Any
) -> None:
    http = http_for(admin_user)
    assert http.get("/dashboard/").status_code == 200
    session_cookie = http.cookies["sessionid"].value
    intruder = HttpClient(HTTP_HOST="globex.localhost")
    intruder.cookies["sessionid"] = session_cookie
    response = intruder.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_acme_token_is_refused_at_globex(admin_user: Any, globex_data: Any) -> None:
    _, secret = create_api_token(by=admin_user, user=admin_user, name="t")
    assert bearer(secret, "acme.localhost").get("/api/v1/me").status_code == 200
    response = bearer(secret, "globex.localhost").get("/api/v1/warehouses")
    assert response.status_code == 401


def test_globex_token_never_shows_acme_data_and_vice_versa(
    acme: Any, use_tenant: Any, admin_user: Any, east: Any, globex_data: Any
) -> None:
    globex_list = bearer(globex_data["secret"], "globex.localhost").get("/api/v1/warehouses").json()
    assert [w["code"] for w in globex_list] == ["GLOBEX-ONLY"]
    use_tenant(acme)  # the request left the connection on globex
    _, acme_secret = create_api_token(by=admin_user, user=admin_user, name="t")
    acme_api = bearer(acme_secret, "acme.localhost")
    assert [w["code"] for w in acme_api.get("/api/v1/warehouses").json()] == ["EAST"]
    # Guessing globex's id at acme's host reaches only acme's own rows, never globex's.
    guessed = acme_api.get(f"/api/v1/warehouses/{globex_data['warehouse'].pk}")
    assert b"GLOBEX" not in guessed.content
    assert b"Globex secret" not in guessed.content


def test_globex_user_cannot_sign_in_at_acme(acme: Any, globex_data: Any) -> None:
    from tests.conftest import PASSWORD

    response = HttpClient(HTTP_HOST="acme.localhost").post(
        "/accounts/login/", {"username": "boss@globex.test", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_guessed_user_id_of_another_tenant_is_404(
    http_for: Any, admin_user: Any, globex_data: Any
) -> None:
    from wms.accounts.models import User

    missing = User.objects.order_by("-pk").first().pk + 1000
    assert http_for(admin_user).get(f"/users/{missing}/").status_code == 404


def test_operator_sees_only_assigned_warehouses(
    admin_user: Any, operator: Any, east: Any, west: Any
) -> None:
    _, secret = create_api_token(by=admin_user, user=operator, name="t")
    api = bearer(secret, "acme.localhost")
    assert [w["code"] for w in api.get("/api/v1/warehouses").json()] == ["EAST"]
    assert api.get(f"/api/v1/warehouses/{east.pk}").status_code == 200
    assert api.get(f"/api/v1/warehouses/{west.pk}").status_code == 404


def test_client_user_sees_only_their_client(
    admin_user: Any, client_user: Any, acme_outdoor: Any, other_client: Any
) -> None:
    _, secret = create_api_token(by=admin_user, user=client_user, name="t")
    api = bearer(secret, "acme.localhost")
    assert [c["code"] for c in api.get("/api/v1/clients").json()] == ["acme-outdoor"]
    assert api.get(f"/api/v1/clients/{acme_outdoor.pk}").status_code == 200
    assert api.get(f"/api/v1/clients/{other_client.pk}").status_code == 404


def test_permission_scope_predicate_for_objects(
    operator: Any, client_user: Any, east: Any, west: Any, acme_outdoor: Any, other_client: Any
) -> None:
    from types import SimpleNamespace

    from wms.permissions import in_scope

    assert in_scope(operator, SimpleNamespace(warehouse_id=east.pk, client_id=None))
    assert not in_scope(operator, SimpleNamespace(warehouse_id=west.pk, client_id=None))
    assert in_scope(client_user, SimpleNamespace(warehouse_id=west.pk, client_id=acme_outdoor.pk))
    assert not in_scope(client_user, SimpleNamespace(warehouse_id=None, client_id=other_client.pk))
    assert not in_scope(client_user, SimpleNamespace(warehouse_id=east.pk, client_id=None))
