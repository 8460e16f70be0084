"""Lots, expiry and GS1 on receipt: a GS1-128 scan fills GTIN, lot, expiry, count and pallet;
lot-tracked products need their lot (and expiry when tracked); expired goods are refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from inventory.gs1 import GS1Error
from inventory.models import Lot, Tracking
from receiving import services
from receiving.exceptions import ReceiptRefused
from receiving.models import Asn
from tests.factories import LotFactory, ProductFactory
from tests.receiving.conftest import SERUM_EAN, WIDGET_UPC, future, gs1_date, line_of

pytestmark = pytest.mark.usefixtures("barcodes")
SSCC = "106141411234567897"


def test_a_gs1_scan_fills_lot_expiry_count_and_pallet(asn: Asn, operator: Any, serum: Any) -> None:
    expiry = future()
    code = f"(00){SSCC}(01)0{SERUM_EAN}(17){gs1_date(expiry)}(10)S-9(37)3"

    receipt = services.receive_scan(asn=asn, code_or_product=code, user=operator)

    assert receipt.product == serum
    assert receipt.quantity == 3
    assert receipt.lot is not None
    assert (receipt.lot.number, receipt.lot.expiry_date) == ("S-9", expiry)
    assert receipt.lpn is not None and receipt.lpn.code == SSCC
    assert receipt.scanned_code == code
    assert line_of(asn, serum).received_qty == 3


def test_a_raw_gs1_scan_with_fnc1_separators_is_read_the_same(
    asn: Asn, operator: Any, serum: Any
) -> None:
    code = f"]C1010{SERUM_EAN}17{gs1_date(future())}10S-9\x1d372"

    receipt = services.receive_scan(asn=asn, code_or_product=code, user=operator)

    assert (receipt.quantity, receipt.lot.number if receipt.lot else None) == (2, "S-9")


def test_a_gs1_count_of_cases_is_multiplied_by_the_pack_quantity(
    asn: Asn, manager: Any, widget: Any, policy: Any
) -> None:
    policy.over_receipt_tolerance_percent = 200
    policy.save()

    # AI 02 (contained GTIN, the case) with AI 37 (two cases): 24 eaches.
    receipt = services.receive_scan(
        asn=asn, code_or_product="(02)10614141000033(37)2", user=manager
    )

    assert receipt.quantity == 24


def test_a_gs1_lot_on_an_untracked_product_is_ignored(asn: Asn, operator: Any, widget: Any) -> None:
    receipt = services.receive_scan(
        asn=asn, code_or_product=f"(01)00{WIDGET_UPC}(10)BATCH-1", user=operator
    )

    assert receipt.lot is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"quantity": 5}, "The GS1 barcode says count 3, but 5 was typed;"),
        ({"lot_number": "OTHER"}, "The GS1 barcode says lot S-9, but OTHER was typed;"),
    ],
)
def test_a_typed_value_that_contradicts_the_gs1_scan_is_refused(
    typed: dict[str, Any], message: str, asn: Asn, operator: Any, unchanged: Callable[..., Any]
) -> None:
    code = f"(01)0{SERUM_EAN}(17){gs1_date(future())}(10)S-9(37)3"
    check = unchanged(asn)

    with pytest.raises(ReceiptRefused) as refused:
        services.receive_scan(asn=asn, code_or_product=code, user=operator, **typed)

    assert refused.value.message == (f"{message} clear the typed value or scan the right label.")
    check()


def test_a_gs1_string_with_a_bad_check_digit_is_refused(
    asn: Asn, operator: Any, unchanged: Callable[..., Any]
) -> None:
    check = unchanged(asn)

    with pytest.raises(GS1Error) as refused:
        services.receive_scan(asn=asn, code_or_product="(01)09501101530004", user=operator)

    assert "check digit" in refused.value.message
    check()


def test_a_gtin_no_product_has_is_refused(
    asn: Asn, operator: Any, unchanged: Callable[..., Any]
) -> None:
    check = unchanged(asn)

    with pytest.raises(ReceiptRefused) as refused:
        services.receive_scan(asn=asn, code_or_product="(01)95012345678903", user=operator)

    assert refused.value.message == "No product of acme-outdoor has GTIN 95012345678903."
    check()


def test_a_lot_tracked_product_needs_its_lot(
    asn: Asn, operator: Any, unchanged: Callable[..., Any]
) -> None:
    check = unchanged(asn)

    with pytest.raises(ReceiptRefused) as refused:
        services.receive_scan(asn=asn, code_or_product=SERUM_EAN, user=operator)

    assert refused.value.message == "SERUM is lot-tracked: scan or type the lot number."
    check()


def test_an_expiry_tracked_product_needs_its_expiry(
    asn: Asn, operator: Any, unchanged: Callable[..., Any]
) -> None:
    check = unchanged(asn)

    with pytest.raises(ReceiptRefused) as refused:
        services.receive_scan(asn=asn, code_or_product=SERUM_EAN, lot_number="S-NEW", user=operator)

    assert (
        refused.value.message == "SERUM tracks expiry: scan or type the expiry date of lot S-NEW."
    )
    check()


def test_a_known_lot_brings_its_own_expiry(asn: Asn, operator: Any, serum: Any) -> None:
    lot = LotFactory(product=serum, number="S-OLD", expiry_date=future(30))

    receipt = services.receive_scan(
        asn=asn, code_or_product=SERUM_EAN, lot_number="S-OLD", user=operator
    )

    assert receipt.lot == lot


def test_an_expiry_other_than_the_known_lots_is_refused(
    asn: Asn, operator: Any, serum: Any, unchanged: Callable[..., Any]
) -> None:
    LotFactory(product=serum, number="S-OLD", expiry_date=dt.date(2031, 1, 31))
    check = unchanged(asn)

    with pytest.raises(ReceiptRefused) as refused:
        services.receive_scan(
            asn=asn,
            code_or_product=SERUM_EAN,
            lot_number="S-OLD",
            expiry=dt.date(2031, 2, 28),
            user=operator,
        )

    assert refused.value.message == (
        "Lot S-OLD of SERUM expires 2031-01-31, not 2031-02-28; check the label."
    )
    check()


def test_an_expiry_in_the_past_is_refused(
    asn: Asn, operator: Any, unchanged: Callable[..., Any]
) -> None:
    check = unchanged(asn)

    with pytest.raises(ReceiptRefused) as refused:
        services.receive_scan(
            asn=asn,
            code_or_product=SERUM_EAN,
            lot_number="S-1",
            expiry=dt.date(2020, 5, 31),
            user=operator,
        )

    assert refused.value.message == (
        "Lot S-1 of SERUM expired on 2020-05-31; expired goods are not received."
    )
    check()
    assert not Lot.objects.filter(number="S-1").exists()


def test_a_lot_only_product_needs_no_expiry(
    asn: Asn, operator: Any, acme_outdoor: Any, manager: Any
) -> None:
    cream = ProductFactory(client=acme_outdoor, sku="CREAM", tracking=Tracking.LOT)
    other = services.mark_expected(
        asn=services.create_asn(
            client=acme_outdoor,
            warehouse=asn.warehouse,
            reference="PO-2",
            lines=[services.AsnLineSpec(cream, 4)],
        ),
        user=manager,
    )

    receipt = services.receive_scan(
        asn=other, code_or_product="CREAM", lot_number="C-1", user=operator
    )

    assert receipt.lot is not None
    assert (receipt.lot.number, receipt.lot.expiry_date) == ("C-1", None)


def test_a_typed_lot_on_an_untracked_product_is_refused(
    asn: Asn, operator: Any, unchanged: Callable[..., Any]
) -> None:
    check = unchanged(asn)

    with pytest.raises(ReceiptRefused) as refused:
        services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, lot_number="L-1", user=operator)

    assert refused.value.message == "WIDGET is not lot-tracked; lot L-1 was given."
    check()


def test_the_asn_lines_lot_and_expiry_are_the_default(
    wh: Any, dock: Any, acme_outdoor: Any, serum: Any, manager: Any, operator: Any
) -> None:
    expiry = future(200)
    asn = services.mark_expected(
        asn=services.create_asn(
            client=acme_outdoor,
            warehouse=wh,
            reference="PO-3",
            lines=[services.AsnLineSpec(serum, 6, "S-ASN", expiry)],
        ),
        user=manager,
    )

    receipt = services.receive_scan(asn=asn, code_or_product=SERUM_EAN, user=operator)

    assert receipt.lot is not None
    assert (receipt.lot.number, receipt.lot.expiry_date) == ("S-ASN", expiry)
