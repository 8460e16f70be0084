"""Each role against each page and API route. A denied request is 403 (or a redirect to sign-in
for anonymous visitors) and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from wms.accounts.models import ApiToken, User

ROLES = ("admin_user", "manager", "operator", "client_user", "anonymous")
OK, DENIED, SIGN_IN = 200, 403, 302

# page -> expected status for admin, manager, operator, client user, anonymous
PAGES: dict[str, tuple[int, int, int, int, int]] = {
    "/dashboard/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/search/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/account/": (OK, OK, OK, OK, SIGN_IN),
    "/floor/": (OK, OK, OK, DENIED, SIGN_IN),
    "/users/": (OK, DENIED, DENIED, DENIED, SIGN_IN),
    "/users/invite/": (OK, DENIED, DENIED, DENIED, SIGN_IN),
    "/users/{subject}/": (OK, DENIED, DENIED, DENIED, SIGN_IN),
    "/users/{subject}/deactivate/": (OK, DENIED, DENIED, DENIED, SIGN_IN),
    "/users/{subject}/tokens/": (OK, DENIED, DENIED, DENIED, SIGN_IN),
    "/admin/": (OK, DENIED, DENIED, DENIED, SIGN_IN),
    "/admin/accounts/user/": (OK, DENIED, DENIED, DENIED, SIGN_IN),
    "/shipping/boxes/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/shipping/boxes/new/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/shipping/materials/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/shipping/materials/new/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/shipping/carriers/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/shipping/carriers/new/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/shipping/pack/": (OK, OK, OK, DENIED, SIGN_IN),
    "/floor/pack/": (OK, OK, OK, DENIED, SIGN_IN),
    "/outbound/orders/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/outbound/orders/new/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/outbound/orders/import/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/outbound/orders/import/template.csv": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/outbound/waves/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/outbound/waves/plan/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/outbound/waves/rules/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/outbound/waves/defaults/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/outbound/waves/rules/new/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/outbound/monitor/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/shipping/shipments/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/shipping/manifests/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/floor/ship/": (OK, OK, OK, DENIED, SIGN_IN),
    "/billing/disputes/": (OK, OK, DENIED, DENIED, SIGN_IN),
    # The client portal: client users only (staff have the desk, operators the floor).
    "/portal/": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    "/portal/inventory/": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    "/portal/inventory/export.csv": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    "/portal/orders/": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    "/portal/orders/new/": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    "/portal/orders/import/": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    "/portal/inbound/": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    "/portal/inbound/new/": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    "/portal/inbound/import/": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    "/portal/billing/": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    "/portal/billing/charges/": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    "/portal/reports/": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    "/portal/reports/stock/": (DENIED, DENIED, DENIED, OK, SIGN_IN),
    # A client user who is not their client's admin keeps no users or tokens.
    "/portal/users/": (DENIED, DENIED, DENIED, DENIED, SIGN_IN),
    "/portal/tokens/": (DENIED, DENIED, DENIED, DENIED, SIGN_IN),
    "/floor/clock/": (OK, OK, OK, DENIED, SIGN_IN),
    "/labour/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/floor/count/": (OK, OK, OK, DENIED, SIGN_IN),
    "/floor/move/": (OK, OK, OK, DENIED, SIGN_IN),
    "/floor/work/": (OK, OK, OK, DENIED, SIGN_IN),
    "/control/work/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/control/alerts/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/control/holds/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/control/lingering/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/control/counts/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/control/counts/plans/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/control/counts/plans/new/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/control/counts/thresholds/": (OK, OK, DENIED, DENIED, SIGN_IN),
    "/control/accuracy/": (OK, OK, DENIED, DENIED, SIGN_IN),
}

# POSTs that change something: (path, data) -> which roles may
ACTIONS: dict[str, tuple[dict[str, Any], tuple[bool, bool, bool, bool, bool]]] = {
    "/users/invite/": (
        {"email": "x@acme.test", "role": "manager"},
        (True, False, False, False, False),
    ),
    "/users/{subject}/deactivate/": ({}, (True, False, False, False, False)),
    "/users/{subject}/tokens/": ({"name": "t"}, (True, False, False, False, False)),
    "/portal/users/invite/": ({"email": "y@acme.test"}, (False, False, False, False, False)),
    "/portal/tokens/": ({"name": "t"}, (False, False, False, False, False)),
}


@pytest.fixture
def personas(admin_user: Any, manager: Any, operator: Any, client_user: Any) -> dict[str, Any]:
    return {
        "admin_user": admin_user,
        "manager": manager,
        "operator": operator,
        "client_user": client_user,
    }


@pytest.fixture
def subject(acme: Any) -> Any:
    from tests.factories import UserFactory

    return UserFactory(email="subject@acme.test", role="manager")


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_page_access(
    http_for: Any, personas: dict[str, Any], subject: Any, page: str, role_index: int
) -> None:
    role = ROLES[role_index]
    http = http_for(personas.get(role))
    response = http.get(page.format(subject=subject.pk))
    expected = PAGES[page][role_index]
    assert response.status_code == expected, (role, page, response.status_code)
    if expected == SIGN_IN:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_denied_actions_change_nothing(
    http_for: Any, personas: dict[str, Any], subject: Any, action: str, role_index: int
) -> None:
    role = ROLES[role_index]
    data, allowed = ACTIONS[action]
    before = (
        User.objects.count(),
        User.objects.filter(is_active=True).count(),
        ApiToken.objects.count(),
    )
    response = http_for(personas.get(role)).post(action.format(subject=subject.pk), data)
    after = (
        User.objects.count(),
        User.objects.filter(is_active=True).count(),
        ApiToken.objects.count(),
    )
    if allowed[role_index]:
        assert response.status_code in (200, 302)
        assert after != before
    else:
        assert response.status_code in (DENIED, SIGN_IN)
        assert after == before


@pytest.mark.parametrize("role", ["admin_user", "manager", "operator", "client_user"])
def test_every_role_reaches_the_api_with_its_own_token(personas: dict[str, Any], role: str) -> None:
    from django.test import Client as HttpClient

    from wms.accounts.services import create_api_token

    user = personas[role]
    _, secret = create_api_token(by=personas["admin_user"], user=user, name="t")
    response = HttpClient(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {secret}").get(
        "/api/v1/me"
    )
    assert response.status_code == 200
    assert response.json()["role"] == user.role


def test_admin_sees_raw_ledger_read_only(http_for: Any, admin_user: Any) -> None:
    http = http_for(admin_user)
    assert http.get("/admin/inventory/stockmove/").status_code == 200
    assert http.get("/admin/inventory/stockmove/add/").status_code == 403
