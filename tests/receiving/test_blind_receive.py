"""Blind receiving (no ASN): managers only, same scan rules, the move names the receipt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from receiving import services
from receiving.exceptions import NotPermitted
from receiving.models import Receipt
from tests.receiving.conftest import WIDGET_CASE_GTIN

pytestmark = pytest.mark.usefixtures("barcodes")


def test_a_manager_receives_without_an_asn(
    wh: Any, dock: Any, acme_outdoor: Any, widget: Any, manager: Any
) -> None:
    receipt = services.blind_receive(
        warehouse=wh, client=acme_outdoor, code_or_product=WIDGET_CASE_GTIN, user=manager
    )

    assert (receipt.asn, receipt.line, receipt.quantity, receipt.location) == (None, None, 12, dock)
    receipt.refresh_from_db()
    assert receipt.stock_move is not None
    assert (receipt.stock_move.reference_type, receipt.stock_move.reference_id) == (
        "receipt",
        str(receipt.pk),
    )


def test_an_operator_may_not_receive_blind(
    wh: Any, dock: Any, acme_outdoor: Any, operator: Any, unchanged: Callable[..., Any]
) -> None:
    check = unchanged()

    with pytest.raises(NotPermitted) as refused:
        services.blind_receive(
            warehouse=wh, client=acme_outdoor, code_or_product=WIDGET_CASE_GTIN, user=operator
        )

    assert refused.value.message == "Only a manager may receive without an ASN."
    check()


def test_a_blind_receipt_is_idempotent(
    wh: Any, dock: Any, acme_outdoor: Any, widget: Any, manager: Any
) -> None:
    for _ in range(2):
        services.blind_receive(
            warehouse=wh,
            client=acme_outdoor,
            code_or_product="WIDGET",
            quantity=3,
            user=manager,
            idempotency_key="blind-1",
        )

    assert list(Receipt.objects.values_list("quantity", flat=True)) == [3]
