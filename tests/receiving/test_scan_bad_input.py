"""Receiving and putaway scans with bad input: a control character in the scan, in a typed field
beside it or in the idempotency key, a full-width or out-of-range quantity, a non-ASCII lot.
Each answered 500 (or, for the full-width quantity, received 12 units); now each is the usual
error line and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from receiving.models import Asn, PutawayStatus, PutawayTask, Receipt
from tests.helpers import assert_nothing_written, scan_outcome
from tests.receiving.conftest import WIDGET_UPC


def scan(client: Any, asn: Asn, **data: str) -> str:
    response = client.post(f"/floor/receive/{asn.pk}/scan/", {"mode": "receive", **data})
    assert response.status_code == 200
    body = response.content.decode()
    assert scan_outcome(body) == "error", body
    return body


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"code": f"{WIDGET_UPC}\x00"}, "holds a control character (NUL"),
        ({"code": WIDGET_UPC, "quantity": "\uff11\uff12"}, "Quantity: Enter a whole number"),
        ({"code": WIDGET_UPC, "quantity": "2147483648"}, "Quantity: Ensure this value"),
        ({"code": WIDGET_UPC, "lot": "L\u00d61"}, "printable ASCII"),
        ({"code": WIDGET_UPC, "lot": "L\x00"}, "Lot:"),
        ({"code": WIDGET_UPC, "idempotency_key": "k\x00"}, "control character"),
    ],
)
def test_a_bad_receiving_scan_is_an_error_line_and_receives_nothing(
    http_for: Any,
    operator: Any,
    asn: Asn,
    dock: Any,
    barcodes: None,
    data: dict[str, str],
    says: str,
) -> None:
    with assert_nothing_written():
        body = scan(http_for(operator), asn, **data)
    assert says in body
    assert not Receipt.objects.exists()


def test_full_width_digits_are_not_read_as_a_quantity_of_twelve(
    http_for: Any, operator: Any, asn: Asn, dock: Any, barcodes: None
) -> None:
    with assert_nothing_written():
        scan(http_for(operator), asn, code=WIDGET_UPC, quantity="\uff11\uff12")


def test_a_gs1_scan_keeps_its_gs_separator(
    http_for: Any, operator: Any, asn: Asn, dock: Any, barcodes: None
) -> None:
    """GS (FNC1) is the one control character a scan may carry: it reaches the GS1 parser,
    which names what is wrong with this string instead of the scan being refused as garbled."""
    body = scan(http_for(operator), asn, code="]C110LOT\x1d99X")
    assert "holds a control character" not in body


def test_a_nul_in_the_destination_scan_or_reason_is_an_error_line_and_moves_nothing(
    http_for: Any, operator: Any, received_pallet: Any, dock: Any
) -> None:
    http = http_for(operator)
    http.post("/floor/putaway/scan/", {"code": "PAL-1"})
    task = PutawayTask.objects.get(lpn=received_pallet)
    for data in (
        {"code": "A-01-01\x00"},
        {"code": "A-01-01", "override_reason": "x\x00"},
        {"code": "A-01-01", "idempotency_key": "\x00"},
    ):
        with assert_nothing_written():
            response = http.post(f"/floor/putaway/{task.pk}/confirm/", data)
        body = response.content.decode()
        assert response.status_code == 200
        assert 'data-ok="0"' in body, data
        assert "control character" in body, data
    assert PutawayTask.objects.get(pk=task.pk).status == PutawayStatus.IN_PROGRESS
