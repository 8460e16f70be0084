"""Label data from the inventory models: what an LPN holds (through the scoped balance selector)
and a location's code and barcode, ready for receiving.labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from inventory.models import Tracking
from inventory.services import ledger
from inventory.services.master import ensure_virtual_locations
from receiving.label_data import location_labels_for, lpn_label_for, product_gtin
from receiving.labels import LocationLabel, LpnLabel
from tests.factories import (
    ClientFactory,
    LocationFactory,
    LotFactory,
    LpnFactory,
    ProductBarcodeFactory,
    ProductFactory,
)

SSCC = "106141411234567897"


@pytest.fixture
def dock(east: Any) -> Any:
    ensure_virtual_locations(east)
    return LocationFactory(warehouse=east, code="DOCK-1", barcode="LOC-DOCK-1", kind="dock")


@pytest.fixture
def serum(acme_outdoor: Any) -> Any:
    product = ProductFactory(
        client=acme_outdoor, sku="SERUM", name="Face serum 50 ml", tracking=Tracking.LOT_EXPIRY
    )
    ProductBarcodeFactory(product=product, barcode="10614141000415", pack_quantity=1)
    return product


@pytest.fixture
def pallet(east: Any) -> Any:
    return LpnFactory(code="PAL-000001", warehouse=east)


def test_lpn_label_for_one_product_and_lot(
    manager: Any, acme_outdoor: Any, dock: Any, serum: Any, pallet: Any
) -> None:
    lot = LotFactory(product=serum, number="S-2027-01", expiry_date=dt.date(2027, 1, 31))
    ledger.receive(user=manager, product=serum, quantity=300, location=dock, lot=lot, lpn=pallet)
    ledger.receive(user=manager, product=serum, quantity=180, location=dock, lot=lot, lpn=pallet)

    label = lpn_label_for(manager, pallet, sscc=SSCC)

    assert label == LpnLabel(
        sscc=SSCC,
        lpn_code="PAL-000001",
        client_name=acme_outdoor.name,
        sku="SERUM",
        description="Face serum 50 ml",
        lot="S-2027-01",
        expiry=dt.date(2027, 1, 31),
        quantity=480,
        warehouse_code="EAST",
        gtin="10614141000415",
    )


def test_lpn_label_for_a_mixed_lpn_says_mixed_and_totals(
    manager: Any, acme_outdoor: Any, dock: Any, serum: Any, pallet: Any
) -> None:
    other = ClientFactory(code="other-brand")
    tent = ProductFactory(client=other, sku="TENT")
    ledger.receive(
        user=manager,
        product=serum,
        quantity=5,
        location=dock,
        lpn=pallet,
        lot=LotFactory(product=serum, number="L1", expiry_date=dt.date(2027, 1, 31)),
    )
    ledger.receive(user=manager, product=tent, quantity=7, location=dock, lpn=pallet)

    label = lpn_label_for(manager, pallet, sscc=SSCC)

    assert (label.client_name, label.sku, label.description, label.quantity) == (
        "MIXED",
        "MIXED",
        "2 SKUs",
        12,
    )
    assert (label.lot, label.expiry, label.gtin) == ("", None, "")


def test_lpn_label_for_an_empty_lpn_prints_blanks(manager: Any, pallet: Any) -> None:
    label = lpn_label_for(manager, pallet, sscc=SSCC)

    assert (label.client_name, label.sku, label.quantity, label.lot) == ("", "", 0, "")


def test_lpn_label_for_a_client_user_shows_only_their_stock(
    manager: Any, client_user: Any, dock: Any, serum: Any, pallet: Any
) -> None:
    other_product = ProductFactory(client=ClientFactory(code="other-brand"), sku="TENT")
    ledger.receive(user=manager, product=other_product, quantity=7, location=dock, lpn=pallet)

    label = lpn_label_for(client_user, pallet, sscc=SSCC)

    assert (label.sku, label.quantity) == ("", 0)


def test_product_gtin_skips_case_codes_and_bad_check_digits(acme_outdoor: Any) -> None:
    product = ProductFactory(client=acme_outdoor, sku="CUP")
    ProductBarcodeFactory(product=product, barcode="10614141000415", pack_quantity=12)
    ProductBarcodeFactory(product=product, barcode="0614141000410", pack_quantity=1)
    ProductBarcodeFactory(product=product, barcode="614141000418", pack_quantity=1)

    assert product_gtin(product) == "00614141000418"


def test_location_labels_for_keeps_the_order_given(east: Any) -> None:
    locations = [
        LocationFactory(warehouse=east, code=code, barcode=f"LOC-{code}")
        for code in ("B-02", "A-01")
    ]

    assert location_labels_for(locations) == [
        LocationLabel("EAST", "B-02", "LOC-B-02"),
        LocationLabel("EAST", "A-01", "LOC-A-01"),
    ]
