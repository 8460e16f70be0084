"""A double-submitted scan counts once: the same idempotency key returns the first receipt and
writes nothing; the same key for a different scan is refused."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Event, StockMove
from receiving import services
from receiving.exceptions import OverReceipt
from receiving.models import Asn, Receipt
from tests.receiving.conftest import WIDGET_UPC, line_of
from wms.idempotency.services import IdempotencyConflict

pytestmark = pytest.mark.usefixtures("barcodes")


def test_the_same_key_twice_is_one_receipt(asn: Asn, operator: Any, widget: Any) -> None:
    first = services.receive_scan(
        asn=asn, code_or_product=WIDGET_UPC, quantity=2, user=operator, idempotency_key="scan-1"
    )
    again = services.receive_scan(
        asn=asn, code_or_product=WIDGET_UPC, quantity=2, user=operator, idempotency_key="scan-1"
    )

    assert again.pk == first.pk
    assert Receipt.objects.count() == 1
    assert StockMove.objects.count() == 1
    assert Event.objects.filter(type="stock.received").count() == 1
    assert line_of(asn, widget).received_qty == 2


def test_the_same_key_for_another_scan_is_refused(asn: Asn, operator: Any, widget: Any) -> None:
    services.receive_scan(
        asn=asn, code_or_product=WIDGET_UPC, user=operator, idempotency_key="scan-1"
    )

    with pytest.raises(IdempotencyConflict):
        services.receive_scan(
            asn=asn, code_or_product=WIDGET_UPC, quantity=5, user=operator, idempotency_key="scan-1"
        )

    assert line_of(asn, widget).received_qty == 1


def test_a_refused_scan_does_not_burn_its_key(asn: Asn, operator: Any, widget: Any) -> None:
    with pytest.raises(OverReceipt):
        services.receive_scan(
            asn=asn, code_or_product=WIDGET_UPC, quantity=50, user=operator, idempotency_key="k"
        )

    receipt = services.receive_scan(
        asn=asn, code_or_product=WIDGET_UPC, quantity=10, user=operator, idempotency_key="k"
    )

    assert receipt.quantity == 10
