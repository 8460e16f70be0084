"""Billing's Celery entry points, each run in its tenant's schema (beat sends them once per
ready tenant), each safe to run twice at once."""

from __future__ import annotations

from celery import shared_task

from billing.services.rating import rate_pending
from billing.services.storage import record_storage


@shared_task(name="billing.rate_pending")
def rate_pending_task() -> int:
    """Rates the outbox up to now (every few minutes, and on demand). Returns the lines written."""
    return rate_pending().lines


@shared_task(name="billing.record_storage")
def record_storage_task() -> int:
    """Records every warehouse night that has ended since the last one recorded (hourly: each
    warehouse reaches its midnight at its own time), then rates the new snapshots."""
    snapshots = record_storage().snapshots
    rate_pending()
    return snapshots
