"""Celery entry points of picking; each runs in its tenant's schema (sent per tenant by beat)
and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from picking.services.backorders import retry_backorders


@shared_task(name="picking.retry_backorders")
def retry_backorders_task() -> int:
    """Re-allocates backordered and partially allocated orders whose stock has arrived. Returns
    the units reserved."""
    return retry_backorders().units
