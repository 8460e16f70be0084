"""The desk's sidebar: grouped by process, the current place marked, shipments, manifests and the
attention queue one click away, and only what the role may use."""

from __future__ import annotations

from typing import Any

from tests.helpers import page


def sidebar(html: bytes) -> dict[str, list[str]]:
    nav = page(html).find("nav", attrs={"aria-label": "Main"})
    return {
        group["aria-label"]: [a.get_text(strip=True) for a in group.find_all("a")]
        for group in nav.find_all("section")
    }


def current(html: bytes) -> list[str]:
    nav = page(html).find("nav", attrs={"aria-label": "Main"})
    return [a.get_text(strip=True) for a in nav.find_all("a", attrs={"aria-current": "page"})]


def test_the_sidebar_groups_pages_by_process(http_for: Any, manager: Any) -> None:
    groups = sidebar(http_for(manager).get("/dashboard/").content)
    assert list(groups) == [
        "Today",
        "Inbound",
        "Inventory",
        "Outbound",
        "Shipping",
        "Billing",
        "Setup",
    ]
    assert groups["Shipping"][:3] == ["Shipments", "Needs attention", "Manifests"]


def test_shipments_manifests_and_the_attention_queue_are_one_click_away(
    http_for: Any, manager: Any
) -> None:
    links = {
        a.get_text(strip=True): a["href"]
        for a in page(http_for(manager).get("/outbound/orders/").content).select("nav a")
    }
    assert links["Shipments"] == "/shipping/shipments/"
    assert links["Manifests"] == "/shipping/manifests/"
    assert links["Needs attention"] == "/shipping/shipments/?status=needs_attention"
    for url in (links["Shipments"], links["Manifests"], links["Needs attention"]):
        assert http_for(manager).get(url).status_code == 200


def test_the_current_place_is_marked(http_for: Any, manager: Any) -> None:
    http = http_for(manager)
    assert current(http.get("/outbound/orders/").content) == ["Orders"]
    assert current(http.get("/receiving/putaway/").content) == ["Putaway"]
    assert current(http.get("/receiving/").content) == ["ASNs"]
    assert current(http.get("/shipping/shipments/?status=needs_attention").content) == [
        "Needs attention"
    ]
    assert current(http.get("/shipping/shipments/?status=shipped").content) == ["Shipments"]


def test_the_sidebar_shows_only_what_the_role_may_use(http_for: Any, operator: Any) -> None:
    groups = sidebar(http_for(operator).get("/account/").content)
    assert "Billing" not in groups
    assert "Shipments" not in groups.get("Shipping", [])
    assert groups["Setup"] == ["Floor (handheld)", "API docs"]
