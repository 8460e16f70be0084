"""Delivering the outbox's events to webhook endpoints, in two steps, as every consumer of the
outbox does (docs/architecture.md):

1. `record_from_outbox`, one transaction: the next committed events (inventory.outbox.take_next,
   consumer "webhooks"; a rolled-back action's events never appear) become one `Delivery` per
   subscribed endpoint, unique per (endpoint, message id), with the body fixed now; the cursor
   moves in the same transaction.
2. `claim_due` and `send`, outside any transaction: a due delivery is leased by a conditional
   UPDATE (SKIP LOCKED), posted once with the Standard Webhooks headers, and its outcome
   recorded. A 2xx within WEBHOOK_TIMEOUT is delivered; anything else is tried again after
   WEBHOOK_RETRY_SECONDS[n] (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), then failed. An endpoint
   whose attempts have all failed for WEBHOOK_DISABLE_AFTER_SECONDS is disabled and its owner
   told. Redirects are not followed; at most WEBHOOK_RESPONSE_LIMIT bytes of an answer are read.

Every message of an event carries the event's id as `webhook-id` (`evt_<id>`), so a retry or a
replay is recognisably the same message and a receiver can drop duplicates by id."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inventory.models import Product, Warehouse
from inventory.outbox import OutboxEvent, take_next
from inventory.selectors import sellable_units
from picking.selectors import products_of_orders
from shipping.services.shipments import send_after_commit
from webhooks.addresses import url_problem
from webhooks.exceptions import ReplayRefused
from webhooks.models import (
    Attempt,
    AvailableLevel,
    Delivery,
    DeliveryState,
    Endpoint,
    Outcome,
)
from webhooks.services.endpoints import CONSUMER, DISPATCH_TASK, live_secrets
from webhooks.signing import headers as signed_headers
from webhooks.topics import (
    ASN_RECEIVED,
    AVAILABILITY_EVENTS,
    AVAILABLE_CHANGED,
    DIRECT,
    EVENT_TYPES,
    ORDER_AVAILABILITY_EVENTS,
)

logger = logging.getLogger(__name__)

EXCERPT_BYTES = 1024


def _body(topic: str, at: dt.datetime, data: dict[str, Any]) -> str:
    return json.dumps(
        {"type": topic, "timestamp": at.isoformat(), "data": data}, separators=(",", ":")
    )


def _subscribed(endpoints: list[Endpoint], topic: str, client_id: int | None) -> list[Endpoint]:
    return [
        e
        for e in endpoints
        if topic in e.topics and (e.client_id is None or e.client_id == client_id)
    ]


def _topic_of(event: OutboxEvent) -> str | None:
    if event.type == "stock.received":
        receipt = event.payload.get("receipt") or {}
        return ASN_RECEIVED if isinstance(receipt, dict) and receipt.get("asn") else None
    return DIRECT.get(event.type)


def _data(event: OutboxEvent) -> dict[str, Any]:
    data = dict(event.payload)
    data.setdefault("client_id", event.client_id)
    data.setdefault("warehouse_id", event.warehouse_id)
    return data


@transaction.atomic
def record_from_outbox(*, limit: int = 1000) -> int:
    """Turns the next outbox events into deliveries (in this transaction, with the consumer's
    cursor). Returns how many deliveries were recorded."""
    events = take_next(CONSUMER, types=EVENT_TYPES, limit=limit, from_now=True)
    endpoints = list(Endpoint.objects.filter(is_enabled=True))
    if not events or not endpoints:
        return 0
    rows: list[Delivery] = []
    # (client, warehouse, product) -> the last event that may have changed its count
    marks: dict[tuple[int, int, int], OutboxEvent] = {}
    for event in events:
        topic = _topic_of(event)
        if topic:
            body = _body(topic, event.created_at, _data(event))
            rows.extend(
                Delivery(
                    endpoint=endpoint,
                    message_id=f"evt_{event.pk}",
                    event_id=event.pk,
                    topic=topic,
                    client_id=event.client_id,
                    body=body,
                )
                for endpoint in _subscribed(endpoints, topic, event.client_id)
            )
        product_id = event.payload.get("product_id")
        if (
            event.type in AVAILABILITY_EVENTS
            and isinstance(product_id, int)
            and event.client_id is not None
            and event.warehouse_id is not None
        ):
            marks[(event.client_id, event.warehouse_id, product_id)] = event
    if any(AVAILABLE_CHANGED in e.topics for e in endpoints):
        _mark_orders(events, marks)
    if marks and any(AVAILABLE_CHANGED in e.topics for e in endpoints):
        rows.extend(_available_changes(marks, endpoints))
    created = Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def _mark_orders(events: list[OutboxEvent], marks: dict[tuple[int, int, int], OutboxEvent]) -> None:
    """Marks the products of orders whose allocation changed (those events name no product)."""
    orders = [e for e in events if e.type in ORDER_AVAILABILITY_EVENTS]
    lines = products_of_orders(
        int(e.payload["order_id"]) for e in orders if isinstance(e.payload.get("order_id"), int)
    )
    for event in orders:
        if event.client_id is None or event.warehouse_id is None:
            continue
        for product_id in lines.get(event.payload.get("order_id") or 0, ()):
            key = (event.client_id, event.warehouse_id, product_id)
            if key not in marks or marks[key].pk < event.pk:
                marks[key] = event


def _available_changes(
    marks: dict[tuple[int, int, int], OutboxEvent], endpoints: list[Endpoint]
) -> list[Delivery]:
    """One message per marked (client, warehouse, SKU) whose available count differs from the
    last one announced: the count as it is now, so a burst of changes is announced once."""
    product_ids = {product_id for (_c, _w, product_id) in marks}
    warehouse_ids = {warehouse_id for (_c, warehouse_id, _p) in marks}
    units = sellable_units(warehouse_ids, product_ids)
    counts = {key: units.get((key[1], key[2]), 0) for key in marks}
    known = {
        (level.client_id, level.warehouse_id, level.product_id): level
        for level in AvailableLevel.objects.select_for_update().filter(
            product_id__in=product_ids, warehouse_id__in=warehouse_ids
        )
    }
    skus = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "sku"))
    codes = dict(Warehouse.objects.filter(pk__in=warehouse_ids).values_list("pk", "code"))
    now = timezone.now()
    rows: list[Delivery] = []
    for key, event in marks.items():
        client_id, warehouse_id, product_id = key
        available = max(counts.get(key, 0), 0)
        level = known.get(key)
        if level is not None and level.available == available:
            continue
        if level is None:
            AvailableLevel.objects.create(
                client_id=client_id,
                warehouse_id=warehouse_id,
                product_id=product_id,
                available=available,
                updated_at=now,
            )
        else:
            AvailableLevel.objects.filter(pk=level.pk).update(available=available, updated_at=now)
        data = {
            "sku": skus.get(product_id, ""),
            "product_id": product_id,
            "warehouse": codes.get(warehouse_id, ""),
            "warehouse_id": warehouse_id,
            "client_id": client_id,
            "available": available,
        }
        body = _body(AVAILABLE_CHANGED, event.created_at, data)
        rows.extend(
            Delivery(
                endpoint=endpoint,
                message_id=f"evt_{event.pk}_available_{warehouse_id}_{product_id}",
                event_id=event.pk,
                topic=AVAILABLE_CHANGED,
                client_id=client_id,
                body=body,
            )
            for endpoint in _subscribed(endpoints, AVAILABLE_CHANGED, client_id)
        )
    return rows


def claim_due(*, limit: int = 200) -> list[int]:
    """Leases up to `limit` due deliveries of enabled endpoints (committed before return), oldest
    due first; another dispatcher skips them until the lease ends."""
    now = timezone.now()
    lease = now + dt.timedelta(seconds=float(settings.WEBHOOK_LEASE_SECONDS))
    with transaction.atomic():
        due = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(
                state=DeliveryState.PENDING, next_attempt_at__lte=now, endpoint__is_enabled=True
            )
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .order_by("next_attempt_at", "pk")
        )
        ids = list(due.values_list("pk", flat=True)[:limit])
        Delivery.objects.filter(pk__in=ids).update(lease_until=lease)
    return ids


@dataclass(frozen=True)
class Answer:
    outcome: str
    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int


def _read_limited(response: requests.Response, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=4096):
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)[:limit]


def _post(url: str, body: str, headers: dict[str, str]) -> Answer:
    timeout = float(settings.WEBHOOK_TIMEOUT)
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    problem = url_problem(url)
    if problem:
        return Answer(Outcome.REFUSED_URL, None, "", problem, 0)
    try:
        with requests.post(
            url,
            data=body.encode(),
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        ) as response:
            content = _read_limited(response, int(settings.WEBHOOK_RESPONSE_LIMIT))
            code = response.status_code
    except requests.Timeout as exc:
        return Answer(Outcome.TIMEOUT, None, "", f"No answer within {timeout:g} s: {exc}", took())
    except requests.RequestException as exc:
        return Answer(Outcome.CONNECTION, None, "", str(exc)[:500], took())
    excerpt = content[:EXCERPT_BYTES].decode("utf-8", errors="replace")
    duration = took()
    if duration > timeout * 1000:
        return Answer(Outcome.TIMEOUT, code, excerpt, f"Answered after {timeout:g} s.", duration)
    if 200 <= code < 300:
        return Answer(Outcome.OK, code, excerpt, "", duration)
    error = f"Answered {code}" + (" (redirects are not followed)" if 300 <= code < 400 else "")
    return Answer(Outcome.HTTP_ERROR, code, excerpt, error, duration)


def send(*, delivery_id: int) -> str:
    """Posts one leased delivery and records the outcome; returns the delivery's state. Safe to
    run twice: a delivery no longer pending is left alone."""
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != DeliveryState.PENDING:
        return delivery.state if delivery else "missing"
    endpoint = delivery.endpoint
    if not endpoint.is_enabled:
        Delivery.objects.filter(pk=delivery.pk).update(lease_until=None)
        return delivery.state
    now = timezone.now()
    headers = signed_headers(
        live_secrets(endpoint, now), delivery.message_id, int(now.timestamp()), delivery.body
    )
    started_at = timezone.now()
    answer = _post(endpoint.url, delivery.body, headers)
    return _record(delivery.pk, started_at, answer, was_failing=endpoint.failing_since is not None)


def _retry_after(attempts: int) -> float | None:
    schedule = list(settings.WEBHOOK_RETRY_SECONDS)
    return float(schedule[attempts - 1]) if attempts <= len(schedule) else None


@transaction.atomic
def _record(delivery_id: int, started_at: dt.datetime, answer: Answer, *, was_failing: bool) -> str:
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    now = timezone.now()
    delivery.attempts += 1
    Attempt.objects.create(
        delivery=delivery,
        number=delivery.log.count() + 1,
        started_at=started_at,
        duration_ms=answer.duration_ms,
        outcome=answer.outcome,
        status_code=answer.status_code,
        response_excerpt=answer.excerpt,
        error=answer.error,
    )
    delivery.last_status_code = answer.status_code
    delivery.last_error = answer.error
    delivery.lease_until = None
    delivery.updated_at = now
    if answer.outcome == Outcome.OK:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = now
        if was_failing:  # the common case, a healthy endpoint, costs no endpoint query
            Endpoint.objects.filter(pk=delivery.endpoint_id).update(failing_since=None)
    else:
        wait = _retry_after(delivery.attempts)
        if wait is None:
            delivery.state = DeliveryState.FAILED
        else:
            delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
        _note_failure(Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id), now)
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "last_error",
            "lease_until",
            "updated_at",
            "state",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return str(delivery.state)


def _note_failure(endpoint: Endpoint, now: dt.datetime) -> None:
    """Remembers since when the endpoint fails; past the limit it is disabled and its owner
    told (after commit)."""
    if endpoint.failing_since is None:
        Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=now)
        return
    limit = dt.timedelta(seconds=float(settings.WEBHOOK_DISABLE_AFTER_SECONDS))
    if not endpoint.is_enabled or now - endpoint.failing_since < limit:
        return
    reason = (
        f"Disabled on {now:%Y-%m-%d %H:%M} UTC: every delivery failed since "
        f"{endpoint.failing_since:%Y-%m-%d %H:%M} UTC."
    )
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_enabled=False, disabled_reason=reason, updated_at=now
    )
    owner = endpoint.created_by
    if owner is not None and owner.email:
        address, url = owner.email, endpoint.url
        transaction.on_commit(
            lambda: send_mail(
                "A webhook endpoint was disabled",
                f"{url}\n\n{reason}\nFix the receiver, then enable the endpoint again; "
                "replay what it missed from its page or the API.",
                None,
                [address],
                fail_silently=True,
            )
        )


@transaction.atomic
def replay(*, deliveries: Iterable[Delivery]) -> int:
    """Sends the given delivered or failed deliveries again (same id, same body) from their
    first attempt; pending ones are already on their way. Returns how many were queued."""
    ids = [d.pk for d in deliveries]
    now = timezone.now()
    return (
        Delivery.objects.filter(pk__in=ids)
        .exclude(state=DeliveryState.PENDING)
        .update(
            state=DeliveryState.PENDING,
            attempts=0,
            next_attempt_at=now,
            lease_until=None,
            updated_at=now,
        )
    )


@transaction.atomic
def replay_one(*, delivery: Delivery) -> Delivery:
    """One delivery sent again (409 while it is still pending), by a worker after commit."""
    if replay(deliveries=[delivery]) == 0:
        raise ReplayRefused(
            f"Delivery {delivery.pk} is still pending; it is sent at its next attempt."
        )
    send_after_commit(DISPATCH_TASK, [])
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def replay_since(*, endpoint: Endpoint, since: dt.datetime) -> int:
    """Every delivery of the endpoint recorded since `since` sent again; returns how many."""
    count = replay(deliveries=Delivery.objects.filter(endpoint=endpoint, created_at__gte=since))
    if count:
        send_after_commit(DISPATCH_TASK, [])
    return count
