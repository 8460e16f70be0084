"""A purchase order confirmed in Tryton becomes an expected ASN; the floor receives 8 of 10 (and
all of the other line) and closes; the closed ASN goes back as Tryton's incoming shipment with
8 received, and Tryton keeps its own backorder of 2. Pulls and pushes repeated change nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from erp import tasks
from erp.models import Direction, ErpLink, SyncKind, SyncRecord, SyncState
from erp.services import inbound
from receiving.models import Asn, AsnLine, AsnStatus
from receiving.services.asn import close_asn
from receiving.services.receipts import receive_scan
from tests.factories import ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.erp]


def pulled_asn(client_erp: Any, purchase: int) -> Asn:
    number = client_erp.side.number("purchase.purchase", purchase)
    return Asn.objects.get(client=client_erp.client, reference=number)


def test_a_confirmed_purchase_becomes_an_expected_asn_once(client_erp: Any) -> None:
    a = ProductFactory(client=client_erp.client, sku="PO-A")
    b = ProductFactory(client=client_erp.client, sku="PO-B")
    purchase = client_erp.side.purchase({"PO-A": 10, "PO-B": 4})

    summary = inbound.pull(connection_id=client_erp.connection.pk)

    assert summary.counts == {"created": 1}
    asn = pulled_asn(client_erp, purchase)
    assert (asn.status, asn.warehouse) == (AsnStatus.EXPECTED, client_erp.east)
    lines = {line.product: line.expected_qty for line in AsnLine.objects.filter(asn=asn)}
    assert lines == {a: 10, b: 4}
    link = ErpLink.objects.get(connection=client_erp.connection)
    assert (link.erp_model, link.erp_id, link.document_id) == (
        "purchase.purchase",
        purchase,
        asn.pk,
    )
    record = SyncRecord.objects.get(direction=Direction.INBOUND)
    assert (record.kind, record.state, record.erp_id) == (
        SyncKind.PURCHASE,
        SyncState.DONE,
        purchase,
    )

    # A repeat pull, and a pull from scratch (cursor lost), change nothing.
    assert inbound.pull(connection_id=client_erp.connection.pk).counts == {"unchanged": 1}
    type(client_erp.connection).objects.update(pull_cursors={})
    assert inbound.pull(connection_id=client_erp.connection.pk).counts == {"unchanged": 1}
    assert Asn.objects.filter(client=client_erp.client).count() == 1
    assert SyncRecord.objects.count() == 1


def test_a_short_receipt_posts_8_of_10_and_tryton_keeps_its_backorder_of_2(
    client_erp: Any, dock: Any, manager: Any
) -> None:
    a = ProductFactory(client=client_erp.client, sku="RCV-A")
    b = ProductFactory(client=client_erp.client, sku="RCV-B")
    side = client_erp.side
    purchase = side.purchase({"RCV-A": 10, "RCV-B": 4})
    inbound.pull(connection_id=client_erp.connection.pk)
    asn = pulled_asn(client_erp, purchase)

    receive_scan(asn=asn, code_or_product=a, quantity=8, user=manager)
    receive_scan(asn=asn, code_or_product=b, quantity=4, user=manager)
    close_asn(asn=asn, user=manager)
    outcome = tasks.sync_outbound.apply().get()

    assert outcome == {"recorded": 1, "done": 1, "failed": 0, "waiting": 0}
    record = SyncRecord.objects.get(kind=SyncKind.RECEIPT)
    assert (record.state, record.attempts, record.erp_model) == (
        SyncState.DONE,
        1,
        "stock.shipment.in",
    )
    [shipment] = side.incoming_shipments(f"WMS-ASN-{asn.pk}")
    assert (shipment["state"], shipment["number"]) == ("done", record.erp_number)
    assert side.move_quantities(shipment["incoming_moves"]) == {"RCV-A": 8, "RCV-B": 4}
    # Tryton's own backorder rule: a new draft move for the 2 still to come.
    waiting = [
        (m["product."]["code"], m["quantity"])
        for m in side.moves_of_purchase(purchase)
        if m["state"] == "draft"
    ]
    assert waiting == [("RCV-A", Decimal("2"))]
    assert "still expects RCV-A 2" in record.message
    assert side.on_hand("RCV-A") == 8

    # Run again: the event is not recorded twice and nothing is pushed twice.
    assert tasks.sync_outbound.apply().get() == {
        "recorded": 0,
        "done": 0,
        "failed": 0,
        "waiting": 0,
    }
    assert len(side.incoming_shipments(f"WMS-ASN-{asn.pk}")) == 1


def test_an_over_receipt_is_posted_as_received(client_erp: Any, dock: Any, manager: Any) -> None:
    a = ProductFactory(client=client_erp.client, sku="OVER-A")
    from receiving.models import ReceivingPolicy

    ReceivingPolicy.objects.create(client=client_erp.client, over_receipt_tolerance_percent=50)
    side = client_erp.side
    purchase = side.purchase({"OVER-A": 10})
    inbound.pull(connection_id=client_erp.connection.pk)
    asn = pulled_asn(client_erp, purchase)

    receive_scan(asn=asn, code_or_product=a, quantity=12, user=manager)
    close_asn(asn=asn, user=manager)
    tasks.sync_outbound.apply().get()

    record = SyncRecord.objects.get(kind=SyncKind.RECEIPT)
    assert record.state == SyncState.DONE, record.message
    [shipment] = side.incoming_shipments(f"WMS-ASN-{asn.pk}")
    assert side.move_quantities(shipment["incoming_moves"]) == {"OVER-A": 12}
    assert [m for m in side.moves_of_purchase(purchase) if m["state"] == "draft"] == []


def test_pull_now_through_the_api_brings_the_purchase_in(client_erp: Any, manager_api: Any) -> None:
    """The API's "pull now" (the desk's button sends the same task): a worker pulls at once
    instead of waiting for the beat. The test settings run tasks eagerly, here and now."""
    ProductFactory(client=client_erp.client, sku="NOW-A")
    purchase = client_erp.side.purchase({"NOW-A": 3})

    answer = manager_api.post(f"/erp-connections/{client_erp.connection.pk}/sync", {})

    assert answer.status_code == 202
    assert answer.json() == {"queued": True, "task": "erp.pull"}
    asn = pulled_asn(client_erp, purchase)
    assert list(AsnLine.objects.filter(asn=asn).values_list("expected_qty", flat=True)) == [3]
    assert ErpLink.objects.get(connection=client_erp.connection).document_id == asn.pk
