"""Sales channels' Celery entry points, run in their tenant's schema and safe to run twice.
`sync` (beat, every CHANNEL_SYNC_SECONDS) marks what the outbox's new events touched and pushes
every due SKU; `drift_all` is the nightly comparison."""

from __future__ import annotations

from celery import shared_task

from channels.services import sync as channel_sync


@shared_task(name="channels.sync", acks_late=True, soft_time_limit=120, time_limit=150)
def sync() -> dict[str, int]:
    """Marks changed SKUs, then pushes the due ones; returns what happened."""
    marked = channel_sync.mark_from_outbox()
    summary = channel_sync.push_due()
    return {
        "marked": marked,
        "pushed": summary.pushed,
        "unchanged": summary.unchanged,
        "waiting": summary.waiting,
    }


@shared_task(name="channels.drift_all", acks_late=True, soft_time_limit=1800, time_limit=1860)
def drift_all() -> dict[int, int]:
    """The nightly drift report of every enabled channel: differences per channel."""
    return {
        pk: len(channel_sync.drift(channel_id=pk).differences)
        for pk in channel_sync.enabled_channel_ids()
    }
