from __future__ import annotations

from typing import Any

import pytest

from inventory.models import ProductBarcode
from inventory.services import ledger
from inventory.services.master import ensure_virtual_locations
from tests.factories import LocationFactory, LpnFactory, ProductFactory
from tests.helpers import element, scan_outcome, table_rows


@pytest.fixture
def floor(
    manager: Any, east: Any, west: Any, acme_outdoor: Any, other_client: Any
) -> dict[str, Any]:
    ensure_virtual_locations(east)
    ensure_virtual_locations(west)
    bin_ = LocationFactory(warehouse=east, code="A-01-01", barcode="LOC-A0101")
    west_bin = LocationFactory(warehouse=west, code="W-01", barcode="LOC-W01")
    tent = ProductFactory(client=acme_outdoor, sku="TENT-2P", name="Two-person tent")
    ProductBarcode.objects.create(product=tent, barcode="0012345678905", pack_quantity=1)
    ProductBarcode.objects.create(product=tent, barcode="10012345678902", pack_quantity=6)
    pallet = LpnFactory(code="PAL-1", warehouse=east)
    ledger.receive(user=manager, product=tent, quantity=7, location=bin_)
    ledger.receive(user=manager, product=tent, quantity=12, location=bin_, lpn=pallet)
    ledger.receive(user=manager, product=tent, quantity=99, location=west_bin)
    return {"bin": bin_, "tent": tent}


def scan(http: Any, code: str) -> str:
    return http.post(
        "/floor/scan/", {"code": code, "mode": "lookup"}, HTTP_HX_REQUEST="true"
    ).content.decode()


def test_scanning_a_bin_shows_its_contents(http_for: Any, operator: Any, floor: Any) -> None:
    body = scan(http_for(operator), "LOC-A0101")
    assert scan_outcome(body) == "ok"
    assert "Bin A-01-01" in body
    assert body.count("TENT-2P") == 2  # loose and on the pallet
    quantities = {row[-1] for row in table_rows(body)}
    assert {"7", "12"} <= quantities


def test_scanning_an_lpn_shows_where_it_is_and_what_it_holds(
    http_for: Any, operator: Any, floor: Any
) -> None:
    body = scan(http_for(operator), "pal-1")
    assert "LPN PAL-1 at A-01-01" in body
    assert "12" in {row[-1] for row in table_rows(body)}


def test_scanning_a_case_barcode_names_the_pack_and_where_the_product_is_in_this_warehouse(
    http_for: Any, operator: Any, floor: Any
) -> None:
    body = scan(http_for(operator), "10012345678902")
    assert "TENT-2P (case of 6)" in body
    assert "A-01-01" in body
    assert "W-01" not in body  # the west warehouse is not the operator's


def test_unknown_code_says_what_was_expected(http_for: Any, operator: Any, floor: Any) -> None:
    body = scan(http_for(operator), "XYZ-404")
    assert scan_outcome(body) == "error"
    assert "Unknown code “XYZ-404”: expected a bin, LPN, product barcode or SKU in EAST." in body


def test_a_bin_of_another_warehouse_is_not_found(http_for: Any, operator: Any, floor: Any) -> None:
    assert "Unknown code “LOC-W01”" in scan(http_for(operator), "LOC-W01")


def test_lookup_page_has_the_scan_box(http_for: Any, operator: Any, floor: Any) -> None:
    body = http_for(operator).get("/floor/lookup/").content.decode()
    assert (
        element(body, '[data-scan-mode="lookup"]') is not None
        and element(body, "#scan-input") is not None
    )
