"""Close-out: expected against received, short, over and damaged per line, stored on the ASN,
carried by the asn.closed event and exported as CSV."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Event
from receiving import selectors, services
from receiving.models import Asn, AsnStatus, ReceivingPolicy
from tests.factories import ProductFactory
from tests.receiving.conftest import SERUM_EAN, WIDGET_UPC, future
from wms.exceptions import InvalidTransition

pytestmark = pytest.mark.usefixtures("barcodes")


@pytest.fixture
def received(asn: Asn, manager: Any, acme_outdoor: Any) -> Asn:
    """11 widgets (2 damaged) of 10, 3 serum of 5, 4 unexpected gadgets."""
    ReceivingPolicy.objects.create(
        client=acme_outdoor, over_receipt_tolerance_percent=10, allow_unexpected=True
    )
    ProductFactory(client=acme_outdoor, sku="GADGET")
    scan = {"asn": asn, "user": manager}
    services.receive_scan(code_or_product=WIDGET_UPC, quantity=9, **scan)
    services.receive_scan(code_or_product=WIDGET_UPC, quantity=2, damaged=True, **scan)
    services.receive_scan(
        code_or_product=SERUM_EAN, quantity=3, lot_number="S-1", expiry=future(), **scan
    )
    services.receive_scan(code_or_product="GADGET", quantity=4, **scan)
    return asn


EXPECTED_NUMBERS = [
    ("WIDGET", 10, 11, 2, 0, 1, False),
    ("SERUM", 5, 3, 0, 2, 0, False),
    ("GADGET", 0, 4, 0, 0, 4, True),
]


def test_close_returns_the_discrepancy_per_line(received: Asn, manager: Any) -> None:
    rows = services.close_asn(asn=received, user=manager)

    numbers = [
        (r.sku, r.expected, r.received, r.damaged, r.short, r.over, r.unexpected) for r in rows
    ]
    assert numbers == EXPECTED_NUMBERS
    asn = Asn.objects.get(pk=received.pk)
    assert asn.status == AsnStatus.RECEIVED
    assert asn.closed_at is not None
    assert [(line["sku"], line["short"], line["over"]) for line in asn.discrepancy] == [
        ("WIDGET", 0, 1),
        ("SERUM", 2, 0),
        ("GADGET", 0, 4),
    ]


def test_close_writes_an_asn_closed_event_with_the_numbers(received: Asn, manager: Any) -> None:
    services.close_asn(asn=received, user=manager)

    event = Event.objects.get(type="asn.closed")
    assert event.payload["asn"] == received.pk
    assert event.payload["reference"] == "PO-1000"
    assert [
        (
            line["sku"],
            line["expected"],
            line["received"],
            line["damaged"],
            line["short"],
            line["over"],
            line["unexpected"],
        )
        for line in event.payload["lines"]
    ] == EXPECTED_NUMBERS
    assert event.user == manager


def test_the_report_is_exported_as_csv(received: Asn) -> None:
    assert selectors.discrepancy_csv(received) == (
        "sku,lot_number,expected,received,damaged,short,over,unexpected\n"
        "WIDGET,,10,11,2,0,1,no\n"
        "SERUM,,5,3,0,2,0,no\n"
        "GADGET,,0,4,0,0,4,yes\n"
    )


def test_an_asn_nothing_was_received_on_cannot_be_closed(asn: Asn, manager: Any) -> None:
    with pytest.raises(InvalidTransition) as refused:
        services.close_asn(asn=asn, user=manager)

    assert refused.value.message == (
        "ASN PO-1000 is expected and cannot become received; it can become cancelled or receiving."
    )
    stored = Asn.objects.get(pk=asn.pk)
    assert (stored.status, stored.discrepancy, stored.closed_at) == ("expected", [], None)
    assert not Event.objects.filter(type="asn.closed").exists()


def test_a_closed_asn_cannot_be_closed_again(received: Asn, manager: Any) -> None:
    services.close_asn(asn=received, user=manager)

    with pytest.raises(InvalidTransition, match="is received and cannot become received"):
        services.close_asn(asn=received, user=manager)

    assert Event.objects.filter(type="asn.closed").count() == 1
