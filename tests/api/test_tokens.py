from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from tests.helpers import text_by_id
from wms.accounts.models import ApiToken


def api(token: str | None, host: str = "acme.localhost") -> HttpClient:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return HttpClient(HTTP_HOST=host, **headers)


def test_admin_creates_a_token_shown_once_and_stored_as_a_digest(
    http_for: Any, admin_user: Any, operator: Any
) -> None:
    http = http_for(admin_user)
    response = http.post(f"/users/{operator.pk}/tokens/", {"name": "Scanner gun 7"})
    secret = text_by_id(response.content, "new-token")
    token = ApiToken.objects.get(user=operator)
    assert secret.startswith(f"fv_{token.key_prefix}_")
    assert token.key_digest == ApiToken.digest(secret)
    assert secret not in token.key_digest
    again = http.get(f"/users/{operator.pk}/tokens/").content.decode()
    assert secret not in again
    assert token.key_prefix in again


def test_me_shows_the_tokens_user_role_and_tenant(
    admin_user: Any, operator: Any, east: Any
) -> None:
    from wms.accounts.services import create_api_token

    token, secret = create_api_token(by=admin_user, user=operator, name="t")
    response = api(secret).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "email": "operator@acme.test",
        "name": "Pat",
        "role": "operator",
        "tenant": "acme",
        "warehouses": ["EAST"],
        "client": None,
    }
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_refused_at_once(admin_user: Any, http_for: Any) -> None:
    from wms.accounts.services import create_api_token

    token, secret = create_api_token(by=admin_user, user=admin_user, name="t")
    assert api(secret).get("/api/v1/me").status_code == 200
    http_for(admin_user).post(f"/tokens/{token.pk}/revoke/")
    response = api(secret).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_token_of_a_deactivated_user_is_refused(admin_user: Any, manager: Any) -> None:
    from wms.accounts.services import create_api_token

    _, secret = create_api_token(by=admin_user, user=manager, name="t")
    manager.is_active = False
    manager.save()
    assert api(secret).get("/api/v1/me").status_code == 401


def test_tampered_or_malformed_tokens_are_refused(admin_user: Any) -> None:
    from wms.accounts.services import create_api_token

    _, secret = create_api_token(by=admin_user, user=admin_user, name="t")
    for bad in (secret[:-1] + ("A" if secret[-1] != "A" else "B"), "fv_nothing", "garbage", ""):
        assert api(bad).get("/api/v1/me").status_code == 401


def test_token_page_is_for_admins_only(http_for: Any, manager: Any, operator: Any) -> None:
    response = http_for(manager).post(f"/users/{operator.pk}/tokens/", {"name": "sneaky"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
