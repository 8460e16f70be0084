"""Webhooks' Celery entry points, run in their tenant's schema and safe to run twice.

`dispatch` (beat, every WEBHOOK_DISPATCH_SECONDS, and after a test message or a replay) records
the outbox's new events as deliveries, then leases the due ones and sends one `deliver` task
each, so a slow receiver holds one worker slot, not the whole queue. A delivery whose worker died
is leased again once its lease ends."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import connection

from shipping.services.shipments import send_task
from webhooks.services import delivery

WEBHOOK_TASK: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": int(settings.WEBHOOK_LEASE_SECONDS),
    "time_limit": int(settings.WEBHOOK_LEASE_SECONDS) + 10,
}


@shared_task(name="webhooks.dispatch", **WEBHOOK_TASK)
def dispatch() -> dict[str, int]:
    """Records new events as deliveries, then hands each due delivery to a `deliver` task."""
    recorded = delivery.record_from_outbox()
    due = delivery.claim_due()
    schema = connection.schema_name  # type: ignore[attr-defined]
    for delivery_id in due:
        send_task("webhooks.deliver", [delivery_id], {"_schema_name": schema})
    return {"recorded": recorded, "sent": len(due)}


@shared_task(name="webhooks.deliver", **WEBHOOK_TASK)
def deliver(delivery_id: int) -> str:
    """Posts one leased delivery; returns its state after the attempt."""
    return delivery.send(delivery_id=delivery_id)
