"""Scanning goods against an ASN: what a code adds, where the stock lands, what the first
receipt does to the ASN, and refusals that write nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from inventory.exceptions import LpnRefused
from inventory.models import Balance, Event, InventoryStatus, LocationKind, StockMove
from inventory.services import ledger
from receiving import services
from receiving.exceptions import NotPermitted, ReceiptRefused
from receiving.models import Asn, AsnStatus, Receipt
from tests.factories import LocationFactory, LpnFactory, UserFactory, give_scope
from tests.receiving.conftest import WIDGET_CASE_GTIN, WIDGET_UPC, line_of

pytestmark = pytest.mark.usefixtures("barcodes")


def test_a_product_barcode_adds_one_onto_a_new_lpn_at_the_dock(
    asn: Asn, operator: Any, widget: Any, dock: Any
) -> None:
    receipt = services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, user=operator)

    assert receipt.quantity == 1
    assert receipt.line == line_of(asn, widget)
    assert receipt.location == dock
    assert receipt.lpn is not None and receipt.lpn.code.startswith("LPN-")
    assert receipt.status == InventoryStatus.AVAILABLE
    assert not receipt.is_unexpected
    move = receipt.stock_move
    assert move is not None
    assert (move.reason, move.reference_type, move.reference_id) == (
        "receipt",
        "asn_line",
        str(receipt.line.pk),
    )
    assert move.from_location.kind == LocationKind.SUPPLIER
    balance = Balance.objects.get(product=widget, location=dock)
    assert (balance.on_hand, balance.lpn) == (1, receipt.lpn)
    assert line_of(asn, widget).received_qty == 1


def test_a_typed_quantity_multiplies_the_scanned_unit(asn: Asn, operator: Any, widget: Any) -> None:
    receipt = services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, quantity=4, user=operator)

    assert receipt.quantity == 4


def test_a_case_barcode_adds_its_pack_quantity(
    asn: Asn, manager: Any, widget: Any, policy: Any
) -> None:
    # 10 expected; the case holds 12 and the 10 % tolerance allows 11: raise it for this test.
    policy.over_receipt_tolerance_percent = 20
    policy.save()

    receipt = services.receive_scan(asn=asn, code_or_product=WIDGET_CASE_GTIN, user=manager)

    assert receipt.quantity == 12
    assert line_of(asn, widget).received_qty == 12


def test_a_sku_and_a_product_are_accepted_too(asn: Asn, operator: Any, widget: Any) -> None:
    services.receive_scan(asn=asn, code_or_product="widget", user=operator)
    services.receive_scan(asn=asn, code_or_product=widget, quantity=2, user=operator)

    assert line_of(asn, widget).received_qty == 3


def test_the_first_receipt_moves_the_asn_to_receiving_once(
    asn: Asn, operator: Any, widget: Any
) -> None:
    services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, user=operator)
    services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, user=operator)

    assert Asn.objects.get(pk=asn.pk).status == AsnStatus.RECEIVING
    assert Event.objects.filter(type="asn.receiving_started").count() == 1
    # One stock.received event per receipt, written by the ledger; nothing duplicated.
    assert Event.objects.filter(type="stock.received").count() == 2


def test_a_scanned_lpn_collects_several_scans(
    asn: Asn, operator: Any, widget: Any, wh: Any, dock: Any
) -> None:
    pallet = LpnFactory(code="PAL-7", warehouse=wh)
    services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, lpn=pallet, user=operator)
    services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, lpn=pallet, user=operator)

    balance = Balance.objects.get(product=widget, lpn=pallet)
    assert (balance.on_hand, balance.location) == (2, dock)


def test_damaged_units_are_received_damaged_and_counted(
    asn: Asn, operator: Any, widget: Any
) -> None:
    services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, quantity=3, user=operator)
    receipt = services.receive_scan(
        asn=asn, code_or_product=WIDGET_UPC, quantity=2, damaged=True, user=operator
    )

    assert receipt.status == InventoryStatus.DAMAGED
    assert Balance.objects.get(lpn=receipt.lpn).status == "damaged"
    line = line_of(asn, widget)
    assert (line.received_qty, line.damaged_qty) == (5, 2)


def test_the_asn_dock_door_is_used(asn: Asn, operator: Any, widget: Any, wh: Any) -> None:
    door = LocationFactory(warehouse=wh, code="DOCK-9", kind=LocationKind.DOCK)
    Asn.objects.filter(pk=asn.pk).update(dock_door=door)

    receipt = services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, user=operator)

    assert receipt.location == door


def test_an_unknown_code_is_refused_and_nothing_written(
    asn: Asn, operator: Any, unchanged: Callable[..., Any]
) -> None:
    check = unchanged(asn)

    with pytest.raises(ReceiptRefused) as refused:
        services.receive_scan(asn=asn, code_or_product="NOPE-1", user=operator)

    assert (
        refused.value.message == "“NOPE-1” is not a barcode or SKU of any product of acme-outdoor."
    )
    check()


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("draft", "it is still a draft; mark it expected first"),
        ("received", "it is closed"),
        ("cancelled", "it is cancelled"),
    ],
)
def test_an_asn_not_open_for_receiving_is_refused(
    status: str, reason: str, asn: Asn, operator: Any, unchanged: Callable[..., Any]
) -> None:
    Asn.objects.filter(pk=asn.pk).update(status=status)
    check = unchanged(asn)

    with pytest.raises(ReceiptRefused) as refused:
        services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, user=operator)

    assert refused.value.message == f"ASN PO-1000 cannot be received against: {reason}."
    check()


def test_a_warehouse_without_a_dock_is_refused(
    asn: Asn, operator: Any, dock: Any, unchanged: Callable[..., Any]
) -> None:
    type(dock).objects.filter(pk=dock.pk).update(is_blocked=True)
    check = unchanged(asn)

    with pytest.raises(ReceiptRefused) as refused:
        services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, user=operator)

    assert refused.value.message == (
        "Warehouse EAST has no dock location to receive into; add a location of kind dock."
    )
    check()


@pytest.mark.parametrize("quantity", [0, -2])
def test_a_typed_quantity_must_be_positive(
    quantity: int, asn: Asn, operator: Any, unchanged: Callable[..., Any]
) -> None:
    check = unchanged(asn)

    with pytest.raises(ReceiptRefused) as refused:
        services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, quantity=quantity, user=operator)

    assert refused.value.message == f"Quantity must be a whole number above zero; got {quantity}."
    check()


def test_an_operator_of_another_warehouse_may_not_receive(
    asn: Asn, west: Any, unchanged: Callable[..., Any]
) -> None:
    outsider = UserFactory(role="operator")
    give_scope(outsider, warehouses=[west])
    check = unchanged(asn)

    with pytest.raises(NotPermitted) as refused:
        services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, user=outsider)

    assert refused.value.message == "You may not receive in warehouse EAST."
    check()


def test_an_lpn_elsewhere_in_the_building_is_refused(
    asn: Asn, operator: Any, widget: Any, wh: Any, bin_a: Any, unchanged: Callable[..., Any]
) -> None:
    pallet = LpnFactory(code="PAL-8", warehouse=wh)
    ledger.receive(user=operator, product=widget, quantity=1, location=bin_a, lpn=pallet)
    check = unchanged(asn)

    with pytest.raises(LpnRefused) as refused:
        services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, lpn=pallet, user=operator)

    assert refused.value.message == (
        "LPN PAL-8 is at another location; scan it there or move it first."
    )
    check()
    assert not Receipt.objects.exists()
    assert StockMove.objects.count() == 1
