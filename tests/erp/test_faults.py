"""Faults against the real Tryton: the ERP stopped mid-sync (the floor keeps working, the push
waits with backoff and catches up with no duplicate), a crash between the ERP's answer and our
commit (the retry finds what the ERP did), and documents changed in Tryton after they were
pulled (applied while the warehouse allows it, flagged when it no longer can)."""

from __future__ import annotations

from typing import Any

import pytest

from erp import tasks
from erp.adapters.registry import adapter_for
from erp.models import ErpLink, SyncKind, SyncRecord, SyncState
from erp.services import inbound
from receiving.models import Asn, AsnLine, AsnStatus
from receiving.services.asn import close_asn
from receiving.services.receipts import receive_scan
from tests.factories import ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.erp]


def pulled(client_erp: Any, purchase: int) -> Asn:
    inbound.pull(connection_id=client_erp.connection.pk)
    return Asn.objects.get(
        client=client_erp.client, reference=client_erp.side.number("purchase.purchase", purchase)
    )


def test_tryton_stopped_mid_sync_the_push_waits_and_catches_up_once(
    client_erp: Any, dock: Any, manager: Any, tryton_server: Any, settings: Any
) -> None:
    settings.ERP_RETRY_SECONDS = 0  # due again at once: the test does not wait for backoff
    a = ProductFactory(client=client_erp.client, sku="DOWN-A")
    purchases = [client_erp.side.purchase({"DOWN-A": 5}) for _ in range(2)]
    asns = [pulled(client_erp, purchase) for purchase in purchases]

    tryton_server.stop()
    try:
        # The floor keeps working while the ERP is down.
        for asn in asns:
            receive_scan(asn=asn, code_or_product=a, quantity=5, user=manager)
            close_asn(asn=asn, user=manager)
        first = tasks.sync_outbound.apply().get()
        second = tasks.sync_outbound.apply().get()
        assert inbound.pull(connection_id=client_erp.connection.pk).error.startswith(
            "The ERP cannot be reached"
        )
    finally:
        tryton_server.start()

    # One attempt per run for the whole connection, not one per row: no storm on a dead ERP.
    assert (first["recorded"], first["waiting"], second["waiting"]) == (2, 1, 1)
    rows = list(SyncRecord.objects.filter(kind=SyncKind.RECEIPT).order_by("pk"))
    assert [r.state for r in rows] == [SyncState.PENDING, SyncState.PENDING]
    assert "cannot be reached" in rows[0].message and "Trying again" in rows[0].message
    assert rows[0].attempts == 2

    caught_up = tasks.sync_outbound.apply().get()

    assert caught_up == {"recorded": 0, "done": 2, "failed": 0, "waiting": 0}
    for asn in asns:
        assert len(client_erp.side.incoming_shipments(f"WMS-ASN-{asn.pk}")) == 1
    assert client_erp.side.on_hand("DOWN-A") == 10


def test_a_crash_after_tryton_answered_leaves_no_duplicate(
    client_erp: Any, dock: Any, manager: Any
) -> None:
    a = ProductFactory(client=client_erp.client, sku="CRASH-A")
    purchase = client_erp.side.purchase({"CRASH-A": 6})
    asn = pulled(client_erp, purchase)
    receive_scan(asn=asn, code_or_product=a, quantity=6, user=manager)
    close_asn(asn=asn, user=manager)
    from erp.services import outbound

    outbound.record_from_outbox()
    # A worker pushed, Tryton answered, and the worker died before recording it.
    with adapter_for(client_erp.connection) as adapter:
        adapter.post_receipt(
            purchase_id=purchase, reference=f"WMS-ASN-{asn.pk}", received={"CRASH-A": 6}
        )

    assert tasks.sync_outbound.apply().get()["done"] == 1

    [shipment] = client_erp.side.incoming_shipments(f"WMS-ASN-{asn.pk}")
    assert shipment["state"] == "done"
    assert client_erp.side.on_hand("CRASH-A") == 6
    assert SyncRecord.objects.get(kind=SyncKind.RECEIPT).erp_number == shipment["number"]


def test_a_purchase_changed_in_tryton_updates_an_expected_asn(client_erp: Any) -> None:
    a = ProductFactory(client=client_erp.client, sku="CHG-A")
    ProductFactory(client=client_erp.client, sku="CHG-B")
    purchase = client_erp.side.purchase({"CHG-A": 10, "CHG-B": 3})
    asn = pulled(client_erp, purchase)

    client_erp.side.cancel_moves(purchase, "CHG-B")  # the supplier dropped B
    summary = inbound.pull(connection_id=client_erp.connection.pk)

    assert summary.counts == {"updated": 1}
    assert [(line.product, line.expected_qty) for line in AsnLine.objects.filter(asn=asn)] == [
        (a, 10)
    ]
    latest = SyncRecord.objects.order_by("-pk").first()
    assert latest is not None and latest.state == SyncState.DONE
    assert latest.message == f"ASN {asn.reference} now expects CHG-A 10."

    client_erp.side.cancel_moves(purchase, "CHG-A")  # and then the whole order
    assert inbound.pull(connection_id=client_erp.connection.pk).counts == {"cancelled": 1}
    asn.refresh_from_db()
    assert asn.status == AsnStatus.CANCELLED


def test_a_purchase_changed_after_receiving_started_is_flagged_not_applied(
    client_erp: Any, dock: Any, manager: Any
) -> None:
    a = ProductFactory(client=client_erp.client, sku="LATE-A")
    ProductFactory(client=client_erp.client, sku="LATE-B")
    purchase = client_erp.side.purchase({"LATE-A": 10, "LATE-B": 3})
    asn = pulled(client_erp, purchase)
    receive_scan(asn=asn, code_or_product=a, quantity=4, user=manager)

    client_erp.side.cancel_moves(purchase, "LATE-B")
    summary = inbound.pull(connection_id=client_erp.connection.pk)

    assert summary.counts == {"flagged": 1}
    assert AsnLine.objects.filter(asn=asn).count() == 2  # unchanged
    link = ErpLink.objects.get(document_id=asn.pk)
    assert "receiving has started" in link.flag
    record = SyncRecord.objects.order_by("-pk").first()
    assert record is not None and (record.state, record.message) == (SyncState.FAILED, link.flag)
    # Pulled again, the same revision is not flagged twice.
    assert inbound.pull(connection_id=client_erp.connection.pk).counts == {"unchanged": 1}
    assert SyncRecord.objects.filter(state=SyncState.FAILED).count() == 1
