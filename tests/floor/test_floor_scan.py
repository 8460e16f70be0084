from __future__ import annotations

from typing import Any

from tests.helpers import element, scan_outcome, text_by_id


def test_operator_home_shows_the_scan_box_and_assigned_warehouse(
    http_for: Any, operator: Any, east: Any
) -> None:
    body = http_for(operator).get("/floor/").content.decode()
    assert element(body, "#scan-input") is not None
    assert "autofocus" in body
    assert text_by_id(body, "active-warehouse") == "EAST"


def test_scanning_an_assigned_warehouse_switches_to_it(
    http_for: Any, manager: Any, east: Any, west: Any
) -> None:
    http = http_for(manager)
    response = http.post("/floor/scan/", {"code": " west "}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert scan_outcome(body) == "ok"
    assert "Now working in WEST" in body
    assert text_by_id(http.get("/floor/").content, "active-warehouse") == "WEST"


def test_scanning_a_warehouse_outside_the_operators_scope_is_refused(
    http_for: Any, operator: Any, east: Any, west: Any
) -> None:
    http = http_for(operator)
    body = http.post("/floor/scan/", {"code": "WEST"}).content.decode()
    assert scan_outcome(body) == "error"
    assert "Unknown code “WEST”: expected a bin, LPN, product barcode or SKU in EAST." in body
    assert text_by_id(http.get("/floor/").content, "active-warehouse") == "EAST"


def test_empty_scan_says_what_is_expected(http_for: Any, operator: Any) -> None:
    body = http_for(operator).post("/floor/scan/", {"code": ""}).content.decode()
    assert "Nothing was scanned. Scan a bin, LPN, product or warehouse." in body


def test_operator_without_warehouse_is_told_to_ask_a_manager(http_for: Any, acme: Any) -> None:
    from tests.factories import UserFactory

    lonely = UserFactory(role="operator", email="lonely@acme.test")
    body = http_for(lonely).get("/floor/").content.decode()
    assert "You are not assigned to any warehouse" in body
    assert element(body, "#scan-input") is None
