"""Pushing to ERPs what the floor and billing committed: a closed ASN's received quantities to
the client's ERP, a shipped order's quantities and tracking, a finalised invoice to our books.

In two steps, as docs/architecture.md asks of anything that talks to another system:
1. `record_from_outbox`, in one transaction: the next outbox events (inventory.outbox.take_next,
   consumer "erp-sync") become pending SyncRecords, one per (connection, event, direction),
   unique, so an event is never recorded twice; the cursor moves in the same transaction.
2. `push_pending`, outside any transaction: each due row is claimed by a conditional UPDATE
   (attempts + 1 and a lease, committed), pushed, and its outcome recorded. The ERP down, slow or
   busy: the row stays pending and is due again after base * 2**(attempts-1) s, up to
   ERP_PUSH_MAX_ATTEMPTS, then failed. The ERP refusing (a UserError): failed at once with its
   message, never retried by itself. Done and skipped rows are never pushed again, and each
   push first looks in the ERP for what an interrupted attempt did (by our reference), so a
   crash between the ERP's answer and our commit makes no duplicate."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from erp import selectors
from erp.adapters.base import ErpAdapter, PushResult
from erp.adapters.registry import adapter_for
from erp.exceptions import ErpError
from erp.models import (
    ConnectionScope,
    Direction,
    DocumentType,
    ErpConnection,
    ErpLink,
    SyncKind,
    SyncRecord,
    SyncState,
)
from inventory.models import Event
from inventory.outbox import OutboxEvent, take_next

logger = logging.getLogger(__name__)

CONSUMER = "erp-sync"
EVENT_TYPES = ("asn.closed", "order.shipped", "invoice.finalized")


@transaction.atomic
def record_from_outbox(*, limit: int = 500) -> int:
    """Turns the next outbox events into pending sync rows (in this transaction, with the
    consumer's cursor). Events of documents no ERP knows are read and left. Returns the rows
    recorded."""
    events = take_next(CONSUMER, types=EVENT_TYPES, limit=limit, from_now=True)
    rows = [row for event in events for row in _rows_for(event)]
    created = SyncRecord.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def _rows_for(event: OutboxEvent) -> list[SyncRecord]:
    if event.type == "invoice.finalized":
        books = ErpConnection.objects.filter(scope=ConnectionScope.BOOKS).first()
        if books is None:
            return []
        return [
            SyncRecord(
                connection=books,
                direction=Direction.OUTBOUND,
                kind=SyncKind.INVOICE,
                event_id=event.pk,
                document_type=DocumentType.INVOICE,
                document_id=int(event.payload["invoice_id"]),
                reference=str(event.payload.get("number") or ""),
            )
        ]
    if event.type == "asn.closed":
        document_type, kind, key = DocumentType.ASN, SyncKind.RECEIPT, "asn"
    else:
        document_type, kind, key = DocumentType.ORDER, SyncKind.SHIPMENT, "order_id"
    if not isinstance(event.payload.get(key), int):
        return []  # not a document of ours (an event written by hand, a test's)
    document_id = int(event.payload[key])
    links = ErpLink.objects.filter(document_type=document_type, document_id=document_id)
    return [
        SyncRecord(
            connection_id=link.connection_id,
            direction=Direction.OUTBOUND,
            kind=kind,
            event_id=event.pk,
            erp_model=link.erp_model,
            erp_id=link.erp_id,
            erp_number=link.erp_number,
            document_type=document_type,
            document_id=document_id,
            reference=str(event.payload.get("reference") or ""),
        )
        for link in links
    ]


def backoff_seconds(attempts: int) -> float:
    """base * 2**(attempts-1), capped: 30 s, 60 s, 120 s… with the defaults."""
    base = float(settings.ERP_RETRY_SECONDS)
    return min(base * 2 ** max(attempts - 1, 0), float(settings.ERP_RETRY_MAX_SECONDS))


def due_records(*, limit: int = 100) -> list[int]:
    """Pending outbound rows whose time has come, of enabled connections, oldest first."""
    now = timezone.now()
    rows = SyncRecord.objects.filter(
        direction=Direction.OUTBOUND,
        state=SyncState.PENDING,
        connection__is_enabled=True,
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return list(rows.order_by("pk").values_list("pk", flat=True)[:limit])


@dataclass(frozen=True)
class PushSummary:
    done: int = 0
    failed: int = 0
    waiting: int = 0


def push_pending(*, limit: int = 100) -> PushSummary:
    """Pushes every due row (never inside a transaction). An ERP found unreachable once is not
    asked again in this run: its other rows wait for their next turn without an attempt."""
    done = failed = waiting = 0
    unreachable: set[int] = set()
    for record_id in due_records(limit=limit):
        connection_id = (
            SyncRecord.objects.filter(pk=record_id).values_list("connection_id", flat=True).first()
        )
        if connection_id in unreachable:
            continue
        state = push_record(record_id=record_id)
        if state == SyncState.DONE:
            done += 1
        elif state == SyncState.FAILED:
            failed += 1
        elif state == SyncState.PENDING:
            waiting += 1
            if connection_id is not None:
                unreachable.add(connection_id)
    return PushSummary(done=done, failed=failed, waiting=waiting)


def _claim(record_id: int) -> SyncRecord | None:
    """Takes the row for one attempt (committed before any call): a concurrent worker's
    conditional UPDATE then matches nothing. A claimant that dies leaves a lease that expires."""
    now = timezone.now()
    lease = now + dt.timedelta(seconds=float(settings.ERP_PUSH_LEASE_SECONDS))
    with transaction.atomic():
        record = (
            SyncRecord.objects.select_for_update(skip_locked=True)
            .select_related("connection")
            .filter(pk=record_id, state=SyncState.PENDING, direction=Direction.OUTBOUND)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .first()
        )
        if record is None:
            return None
        record.attempts += 1
        record.next_attempt_at = lease
        record.last_attempt_at = now
        record.save(update_fields=["attempts", "next_attempt_at", "last_attempt_at"])
    return record


def push_record(*, record_id: int) -> str:
    """One attempt at one row; returns its state afterwards ("" when another worker holds it)."""
    record = _claim(record_id)
    if record is None:
        return ""
    try:
        with adapter_for(record.connection) as adapter:
            result = _push(adapter, record)
    except ErpError as exc:
        return _failed_attempt(record, exc)
    _finish(record.pk, state=SyncState.DONE, message=result.message, result=result)
    if record.kind == SyncKind.INVOICE:
        _link_invoice(record, result)
    return SyncState.DONE


def _push(adapter: ErpAdapter, record: SyncRecord) -> PushResult:
    if record.kind == SyncKind.RECEIPT:
        received: dict[str, int] = {}
        for line in _event_lines(record):
            received[str(line["sku"])] = received.get(str(line["sku"]), 0) + int(line["received"])
        return adapter.post_receipt(
            purchase_id=int(record.erp_id or 0),
            reference=f"WMS-ASN-{record.document_id}",
            received=received,
        )
    if record.kind == SyncKind.SHIPMENT:
        order_id = int(record.document_id or 0)
        return adapter.complete_shipment(
            sale_id=int(record.erp_id or 0),
            reference=f"WMS-ORDER-{order_id}",
            shipped=selectors.shipped_by_sku(order_id),
            tracking=selectors.tracking_codes(order_id),
        )
    if record.kind == SyncKind.INVOICE:
        return adapter.post_invoice(
            selectors.invoice_to_post(int(record.document_id or 0)),
            dict(record.connection.service_products),
        )
    raise ValueError(f"not an outbound kind: {record.kind}")


def _event_lines(record: SyncRecord) -> list[dict[str, Any]]:
    """The close-out's lines as the `asn.closed` event recorded them (the fact, never re-read
    from the ASN)."""
    payload = Event.objects.filter(pk=record.event_id or 0).values_list("payload", flat=True)
    return list((payload.first() or {}).get("lines") or [])


def _failed_attempt(record: SyncRecord, exc: ErpError) -> str:
    if exc.retryable and record.attempts < int(settings.ERP_PUSH_MAX_ATTEMPTS):
        delay = backoff_seconds(record.attempts)
        logger.info("erp push %s: %s; again in %.0f s", record.pk, exc.message, delay)
        _finish(
            record.pk,
            state=SyncState.PENDING,
            message=f"{exc.message} Trying again in {delay:.0f} s (attempt {record.attempts}).",
            next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
        )
        return SyncState.PENDING
    message = exc.message
    if exc.retryable:
        message = f"Gave up after {record.attempts} attempts: {message}"
    _finish(record.pk, state=SyncState.FAILED, message=message)
    return SyncState.FAILED


def _finish(
    record_id: int,
    *,
    state: str,
    message: str,
    result: PushResult | None = None,
    next_attempt_at: dt.datetime | None = None,
) -> None:
    now = timezone.now()
    fields: dict[str, object] = {
        "state": state,
        "message": message,
        "next_attempt_at": next_attempt_at,
        "updated_at": now,
    }
    if result is not None:
        fields |= {
            "erp_model": result.erp_model,
            "erp_id": result.erp_id,
            "erp_number": result.number,
        }
    if state == SyncState.DONE:
        fields["done_at"] = now
    SyncRecord.objects.filter(pk=record_id).update(**fields)


def _link_invoice(record: SyncRecord, result: PushResult) -> None:
    """The ERP's invoice number, stored back beside our invoice (which is immutable)."""
    ErpLink.objects.update_or_create(
        connection_id=record.connection_id,
        document_type=DocumentType.INVOICE,
        document_id=int(record.document_id or 0),
        defaults={
            "erp_model": result.erp_model,
            "erp_id": result.erp_id,
            "erp_number": result.number,
        },
    )
