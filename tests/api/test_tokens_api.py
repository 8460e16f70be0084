"""/api/v1/tokens: managers and admins create, list and revoke API tokens of the users they
administer. Admins: anyone of their tenant. Managers: themselves, operators and client users,
never an admin or another manager. Operators and client users: nothing. A refusal writes
nothing; a revoked token stops working at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from tests.api.conftest import Api, error_of
from tests.factories import UserFactory
from wms.accounts.models import ApiToken
from wms.accounts.services import create_api_token
from wms.idempotency.models import IdempotencyRecord

TOKEN_ROUTES = {
    "/api/v1/tokens": {"get", "post"},
    "/api/v1/tokens/{pk}": {"get"},
    "/api/v1/tokens/{pk}/revoke": {"post"},
}
CALLERS = ("admin_user", "manager", "operator", "client_user")
SUBJECTS = ("admin_user", "manager", "other_manager", "operator", "client_user")
# caller -> the subjects it may make tokens for
ALLOWED = {
    "admin_user": set(SUBJECTS),
    "manager": {"manager", "operator", "client_user"},
    "operator": set(),
    "client_user": set(),
}


@pytest.fixture
def people(admin_user: Any, manager: Any, operator: Any, client_user: Any) -> dict[str, Any]:
    other_manager = UserFactory(role="manager", email="other.manager@acme.test")
    return {
        "admin_user": admin_user,
        "manager": manager,
        "other_manager": other_manager,
        "operator": operator,
        "client_user": client_user,
    }


def written() -> tuple[list[tuple[Any, ...]], int]:
    """Every token (with its revocation) and idempotency record: what a refusal must not change."""
    tokens = list(ApiToken.objects.order_by("pk").values_list("pk", "user_id", "revoked_at"))
    return tokens, IdempotencyRecord.objects.count()


def me(secret: str) -> int:
    return (
        HttpClient(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
        .get("/api/v1/me")
        .status_code
    )


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("caller", CALLERS)
def test_who_may_make_a_token_for_whom(
    api_as: Any, people: dict[str, Any], caller: str, subject: str
) -> None:
    api = api_as(people[caller])
    target = people[subject]
    before = written()

    response = api.post("/tokens", {"name": "ERP sync", "user_id": target.pk})

    if subject in ALLOWED[caller]:
        assert response.status_code == 201, response.content
        body = response.json()
        token = ApiToken.objects.get(pk=body["id"])
        assert (token.user, token.created_by, token.name) == (target, people[caller], "ERP sync")
        assert body["user"] == {"id": target.pk, "email": target.email, "role": target.role}
        assert body["secret"].startswith(f"fv_{token.key_prefix}_")
        assert token.key_digest == ApiToken.digest(body["secret"])
        assert me(body["secret"]) == 200
    else:
        assert response.status_code == 403
        assert error_of(response)["code"] == "forbidden"
        assert written() == before


@pytest.mark.parametrize("caller", ["operator", "client_user"])
def test_operators_and_client_users_may_not_list_read_or_revoke(
    api_as: Any, people: dict[str, Any], caller: str
) -> None:
    api = api_as(people[caller])
    own = ApiToken.objects.get(user=people[caller])
    before = written()
    assert api.get("/tokens").status_code == 403
    assert api.get(f"/tokens/{own.pk}").status_code == 403
    assert api.post(f"/tokens/{own.pk}/revoke", {}).status_code == 403
    assert api.post("/tokens", {"name": "mine"}).status_code == 403
    assert written() == before


def test_manager_lists_only_tokens_of_users_they_administer(
    api_as: Any, people: dict[str, Any]
) -> None:
    admin = people["admin_user"]
    for subject in SUBJECTS:
        create_api_token(by=admin, user=people[subject], name=f"for {subject}")
    api = api_as(people["manager"])  # makes the manager's own "integration" token too

    listed = api.get("/tokens").json()
    owners = sorted({item["user"]["email"] for item in listed["items"]})

    assert owners == ["client@acme.test", "manager@acme.test", "operator@acme.test"]
    assert listed["count"] == len(listed["items"]) == 4
    assert all("secret" not in item for item in listed["items"])
    everything = api_as(admin).get("/tokens").json()
    assert everything["count"] == ApiToken.objects.count()


def test_list_filters_by_user_and_activity(api_as: Any, people: dict[str, Any]) -> None:
    api = api_as(people["manager"])
    made = [
        create_api_token(by=people["manager"], user=people["operator"], name=n)[0] for n in "ab"
    ]
    api.post(f"/tokens/{made[0].pk}/revoke", {})
    rows = api.get("/tokens", user_id=people["operator"].pk).json()["items"]
    assert [row["name"] for row in rows] == ["b", "a"]
    active = api.get("/tokens", user_id=people["operator"].pk, active="true").json()["items"]
    assert [(row["name"], row["active"]) for row in active] == [("b", True)]
    revoked = api.get("/tokens", user_id=people["operator"].pk, active="false").json()["items"]
    assert [(row["name"], row["revoked_at"] is not None) for row in revoked] == [("a", True)]


def test_revoke_stops_the_token_at_once_and_keeps_the_first_time(
    api_as: Any, people: dict[str, Any]
) -> None:
    api = api_as(people["manager"])
    created = api.post("/tokens", {"name": "scanner 7", "email": "operator@acme.test"}).json()
    assert me(created["secret"]) == 200

    revoked = api.post(f"/tokens/{created['id']}/revoke", {})

    assert revoked.status_code == 200
    assert revoked.json()["active"] is False
    assert me(created["secret"]) == 401
    again = api.post(f"/tokens/{created['id']}/revoke", {})
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
    assert api.get(f"/tokens/{created['id']}").json()["active"] is False


def test_manager_cannot_see_or_revoke_an_admins_token(api_as: Any, people: dict[str, Any]) -> None:
    admin_token, admin_secret = create_api_token(
        by=people["admin_user"], user=people["admin_user"], name="admin's"
    )
    api = api_as(people["manager"])
    before = written()
    assert api.get(f"/tokens/{admin_token.pk}").status_code == 404
    response = api.post(f"/tokens/{admin_token.pk}/revoke", {})
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert written() == before
    assert me(admin_secret) == 200


def test_a_user_of_another_tenant_is_nobody_here(
    api_as: Any, people: dict[str, Any], globex: Any, use_tenant: Any, acme: Any
) -> None:
    use_tenant(globex)
    stranger = UserFactory(role="admin", email="boss@globex.test", is_staff=True, is_superuser=True)
    _, stranger_secret = create_api_token(by=stranger, user=stranger, name="globex")
    use_tenant(acme)
    api = api_as(people["manager"])
    before = written()

    # Their token means nothing at acme, and acme has no user with their e-mail.
    assert Api(stranger_secret).post("/tokens", {"name": "x"}).status_code == 401
    assert Api(stranger_secret).get("/tokens").status_code == 401
    response = api.post("/tokens", {"name": "x", "email": "boss@globex.test"})
    assert response.status_code == 422
    assert error_of(response)["field_errors"] == {
        "email": ["No user with e-mail boss@globex.test."]
    }
    assert written() == before


def test_bad_bodies_are_field_errors_and_write_nothing(api_as: Any, people: dict[str, Any]) -> None:
    api = api_as(people["manager"])
    before = written()
    for body, field in [
        ({"name": ""}, "name"),
        ({"name": "x", "user_id": 999999}, "user_id"),
        ({"name": "x", "user_id": "5"}, "user_id"),
        ({"name": "x", "user_id": people["operator"].pk, "email": "operator@acme.test"}, "user_id"),
        ({"name": "x", "role": "admin"}, "role"),
    ]:
        response = api.post("/tokens", body)
        assert response.status_code == 422, (body, response.content)
        assert field in error_of(response)["field_errors"], (body, response.json())
    assert written() == before


def test_a_deactivated_user_gets_no_token(api_as: Any, people: dict[str, Any]) -> None:
    api = api_as(people["manager"])
    people["operator"].is_active = False
    people["operator"].save()
    before = written()
    response = api.post("/tokens", {"name": "x", "user_id": people["operator"].pk})
    assert response.status_code == 400
    assert error_of(response)["message"] == "This user is deactivated."
    assert written() == before


def test_no_user_means_yourself(api_as: Any, people: dict[str, Any]) -> None:
    response = api_as(people["manager"]).post("/tokens", {"name": "my script"})
    assert response.status_code == 201
    assert response.json()["user"]["email"] == "manager@acme.test"


def test_idempotency_key_makes_one_token_and_never_shows_its_secret_twice(
    api_as: Any, people: dict[str, Any]
) -> None:
    api = api_as(people["manager"])
    body = {"name": "ERP", "user_id": people["operator"].pk}
    first = api.post("/tokens", body, **{"Idempotency-Key": "tok-1"})
    repeat = api.post("/tokens", body, **{"Idempotency-Key": "tok-1"})

    assert (first.status_code, repeat.status_code) == (201, 201)
    assert repeat.json()["id"] == first.json()["id"]
    assert first.json()["secret"] and repeat.json()["secret"] is None
    assert ApiToken.objects.filter(user=people["operator"], name="ERP").count() == 1
    other = api.post("/tokens", {**body, "name": "CRM"}, **{"Idempotency-Key": "tok-1"})
    assert other.status_code == 409
    assert ApiToken.objects.filter(user=people["operator"]).count() == 1


def test_openapi_lists_the_token_routes_and_the_idempotency_key(acme: Any) -> None:
    paths = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json").json()["paths"]
    listed = {path: set(methods) for path, methods in paths.items() if "/tokens" in path}
    assert listed == TOKEN_ROUTES
    headers = [
        p["name"] for p in paths["/api/v1/tokens"]["post"]["parameters"] if p["in"] == "header"
    ]
    assert headers == ["Idempotency-Key"]
