"""Sales channels' Celery entry points, run in their tenant's schema and safe to run twice.
`sync` (beat, every CHANNEL_SYNC_SECONDS) marks what the outbox's new events touched, pushes
every due SKU and posts owed fulfilments; `pull_orders` (every CHANNEL_PULL_SECONDS) brings the
stores' new and changed orders in; `drift_all` is the nightly comparison."""

from __future__ import annotations

from celery import shared_task

from channels.services import orders as channel_orders
from channels.services import sync as channel_sync


@shared_task(name="channels.sync", acks_late=True, soft_time_limit=120, time_limit=150)
def sync() -> dict[str, int]:
    """Marks changed SKUs, then pushes the due ones; returns what happened."""
    marked = channel_sync.mark_from_outbox()
    summary = channel_sync.push_due()
    channel_orders.mark_shipped_from_outbox()
    fulfilled = channel_orders.post_fulfilments()
    return {
        "marked": marked,
        "pushed": summary.pushed,
        "unchanged": summary.unchanged,
        "waiting": summary.waiting,
        "fulfilled": fulfilled,
    }


@shared_task(name="channels.pull_orders", acks_late=True, soft_time_limit=600, time_limit=630)
def pull_orders() -> dict[int, int]:
    """Pulls every enabled channel's changed orders (beat); returns orders created per channel."""
    return {
        pk: channel_orders.pull(channel_id=pk).created for pk in channel_sync.enabled_channel_ids()
    }


@shared_task(name="channels.drift_all", acks_late=True, soft_time_limit=1800, time_limit=1860)
def drift_all() -> dict[int, int]:
    """The nightly drift report of every enabled channel: differences per channel."""
    return {
        pk: len(channel_sync.drift(channel_id=pk).differences)
        for pk in channel_sync.enabled_channel_ids()
    }
