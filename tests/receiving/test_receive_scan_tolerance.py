"""Over-receipt tolerance and unexpected products: refused with the numbers, or recorded as
unexpected when the client's policy and the user allow it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from receiving import services
from receiving.exceptions import NotPermitted, OverReceipt, ReceiptRefused
from receiving.models import Asn, Receipt, ReceivingPolicy
from tests.factories import ProductFactory
from tests.receiving.conftest import WIDGET_UPC, line_of

pytestmark = pytest.mark.usefixtures("barcodes")


def test_receipts_up_to_the_tolerance_are_accepted(
    asn: Asn, operator: Any, widget: Any, policy: Any
) -> None:
    services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, quantity=11, user=operator)

    assert line_of(asn, widget).received_qty == 11


def test_over_receipt_beyond_the_tolerance_is_refused_with_the_numbers(
    asn: Asn, operator: Any, widget: Any, policy: Any, unchanged: Callable[..., Any]
) -> None:
    services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, quantity=9, user=operator)
    check = unchanged(asn)

    with pytest.raises(OverReceipt) as refused:
        services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, quantity=3, user=operator)

    assert refused.value.message == (
        "Over-receipt of WIDGET on ASN PO-1000: expected 10, received 9, this scan 3, "
        "tolerance 10% allows at most 11."
    )
    assert refused.value.field_errors == {"quantity": ["At most 2 more."]}
    check()


def test_without_a_policy_nothing_above_the_expected_quantity_is_received(
    asn: Asn, operator: Any, unchanged: Callable[..., Any]
) -> None:
    services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, quantity=10, user=operator)
    check = unchanged(asn)

    with pytest.raises(OverReceipt, match="tolerance 0% allows at most 10"):
        services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, user=operator)

    check()


def test_damaged_units_count_towards_the_tolerance(
    asn: Asn, operator: Any, unchanged: Callable[..., Any]
) -> None:
    services.receive_scan(
        asn=asn, code_or_product=WIDGET_UPC, quantity=10, damaged=True, user=operator
    )

    with pytest.raises(OverReceipt, match="expected 10, received 10, this scan 1"):
        services.receive_scan(asn=asn, code_or_product=WIDGET_UPC, user=operator)


@pytest.fixture
def gadget(acme_outdoor: Any) -> Any:
    return ProductFactory(client=acme_outdoor, sku="GADGET")


def test_a_product_not_on_the_asn_is_refused_by_default(
    asn: Asn, manager: Any, gadget: Any, unchanged: Callable[..., Any]
) -> None:
    check = unchanged(asn)

    with pytest.raises(ReceiptRefused) as refused:
        services.receive_scan(asn=asn, code_or_product="GADGET", user=manager)

    assert refused.value.message == (
        "GADGET is not on ASN PO-1000, and acme-outdoor does not accept unexpected products."
    )
    check()


def test_an_operator_may_not_receive_unexpected_products(
    asn: Asn, operator: Any, gadget: Any, acme_outdoor: Any, unchanged: Callable[..., Any]
) -> None:
    ReceivingPolicy.objects.create(client=acme_outdoor, allow_unexpected=True)
    check = unchanged(asn)

    with pytest.raises(NotPermitted) as refused:
        services.receive_scan(asn=asn, code_or_product="GADGET", user=operator)

    assert refused.value.message == (
        "GADGET is not on ASN PO-1000; only a manager may receive unexpected products."
    )
    check()


def test_a_manager_receives_an_unexpected_product_when_the_client_allows_it(
    asn: Asn, manager: Any, gadget: Any, acme_outdoor: Any
) -> None:
    ReceivingPolicy.objects.create(client=acme_outdoor, allow_unexpected=True)

    receipt = services.receive_scan(asn=asn, code_or_product="GADGET", quantity=2, user=manager)

    assert (receipt.is_unexpected, receipt.line, receipt.asn) == (True, None, asn)
    assert receipt.stock_move is not None
    assert (receipt.stock_move.reference_type, receipt.stock_move.reference_id) == (
        "asn",
        str(asn.pk),
    )
    assert list(Receipt.objects.values_list("quantity", flat=True)) == [2]
