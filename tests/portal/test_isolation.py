"""Isolation, the first thing a 3PL will test: every page under /portal/ has a case here in which
client A's login meets client B's records, and the test fails when a pattern is added without
one. A record of B's answers 404 (GET and POST alike, writing nothing); a page, htmx fragment,
CSV or PDF of A's shows nothing of B's. Client users reach no page of the floor or the managers' desk."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.helpers import assert_nothing_written

# B's marks: none of them may appear on any page, CSV or PDF client A's user opens.
THEIR_MARKS = ("XMUG", "XBALM", "XSO-1", "XASN-", "Other Brand", "XL1")


def walk(patterns: Any, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def portal_patterns() -> dict[str, str]:
    return {
        pattern.name: route
        for route, pattern in walk(get_resolver("wms.urls").url_patterns)
        if route.startswith("portal/") and pattern.name
    }


Theirs = Callable[[SimpleNamespace], dict[str, int]]


def their(attribute: str) -> Theirs:
    """The URL's pk: B's record of that kind."""
    return lambda world: {"pk": getattr(world.theirs, attribute).pk}


# name -> None (a page of A's own: B's marks must not appear) or how to point it at B's record.
CASES: dict[str, Theirs | None] = {
    "portal_home": None,
    "portal_logo": None,
    "portal_inventory": None,
    "portal_inventory_csv": None,
    "portal_sku": their("mug"),
    "portal_product_create": None,
    "portal_product_import": None,
    "portal_product_edit": their("mug"),
    "portal_orders": None,
    "portal_order_create": None,
    "portal_order_import": None,
    "portal_order_import_template": None,
    "portal_order": their("order"),
    "portal_order_cancel": their("order"),
    "portal_asns": None,
    "portal_asn_create": None,
    "portal_asn_import": None,
    "portal_asn": their("asn"),
    "portal_asn_submit": their("asn"),
    "portal_asn_closeout_csv": their("asn"),
    "portal_billing": None,
    "portal_charges": None,
    "portal_charge_dispute": their("charge"),
    "portal_dispute": lambda world: {"pk": world.their_dispute.pk},
    "portal_invoice": their("invoice"),
    "portal_invoice_pdf": their("invoice"),
    "portal_invoice_csv": their("invoice"),
    "portal_users": None,
    "portal_user_invite": None,
    "portal_user_deactivate": lambda world: {"pk": world.their_user.pk},
    "portal_user_reactivate": lambda world: {"pk": world.their_user.pk},
    "portal_tokens": None,
    "portal_token_revoke": lambda world: {"pk": world.their_token.pk},
    "portal_reports": None,
    "portal_report_stock": None,
    "portal_report_shipments": None,
    "portal_report_receipts": None,
}


def test_every_portal_page_has_an_isolation_case() -> None:
    assert set(portal_patterns()) == {name for name in CASES if name in portal_patterns()}
    missing = set(portal_patterns()) - set(CASES)
    assert not missing, f"add an isolation case for {sorted(missing)}"


@pytest.fixture
def both(
    world: SimpleNamespace,
    their_dispute: Any,
    other_client_user: Any,
    admin_user: Any,
    client_user: Any,
):
    from portal.services import save_logo
    from tests.portal.test_branding import PNG
    from wms.accounts.models import User
    from wms.accounts.services import create_api_token

    save_logo(user=admin_user, data=PNG)
    # A's user keeps their client's users and tokens: the strongest client login there is.
    User.objects.filter(pk=client_user.pk).update(is_client_admin=True)
    token, _ = create_api_token(by=admin_user, user=other_client_user, name="theirs")
    world.their_dispute = their_dispute
    world.their_user = other_client_user
    world.their_token = token
    return world


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    content = response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        import io

        from pypdf import PdfReader

        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode(errors="replace")


def _reverse(name: str, kwargs: dict[str, int]) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize("name", sorted(CASES))
def test_client_a_never_sees_client_bs_records(name, both, http_for, client_user) -> None:
    if name not in portal_patterns():
        pytest.skip(f"{name} is not built")
    http = http_for(client_user)
    case = CASES[name]
    if case is None:
        # The page, and the fragment htmx asks for when a list is searched.
        for headers in ({}, {"HX-Request": "true"}):
            response = http.get(_reverse(name, {}), headers=headers)
            assert response.status_code == 200, (name, response.status_code)
            body = _body(response)
            for mark in THEIR_MARKS:
                assert mark not in body, (name, mark)
        return
    url = _reverse(name, case(both))
    with assert_nothing_written(except_tables=["django_session"]):
        assert http.get(url).status_code in (404, 405), name
        assert http.post(url, {"note": "x", "answer": "x"}).status_code in (404, 405), name


def desk_and_floor_pages() -> list[str]:
    """Every page that is not the portal's, the sign-in pages, the account page, the
    role-sending home, the API or the carrier's webhook (which checks EasyPost's signature),
    with 1 for any id."""
    open_to_all = ("portal/", "accounts/", "account/", "api/", "webhooks/", "admin/")
    pages = []
    for route, _pattern in walk(get_resolver("wms.urls").url_patterns):
        if route == "" or route.startswith(open_to_all):
            continue
        pages.append(re.sub(r"<int:\w+>", "1", re.sub(r"<(str|slug):\w+>", "x", route)))
    return sorted(set(pages))


def test_the_list_of_desk_and_floor_pages_is_not_empty() -> None:
    pages = desk_and_floor_pages()
    assert "floor/" in pages and "dashboard/" in pages and "billing/disputes/" in pages


@pytest.mark.parametrize("path", desk_and_floor_pages())
def test_client_users_reach_no_floor_or_desk_page(path, world, http_for, client_user) -> None:
    assert "<" not in path, f"give {path} a value for its parameter"
    http = http_for(client_user)
    with assert_nothing_written(except_tables=["django_session"]):
        assert http.get(f"/{path}").status_code in (403, 404), path
        # A page that serves no POST may say so (405) before asking who is there.
        assert http.post(f"/{path}", {}).status_code in (403, 404, 405), path
