"""Celery entry points of shipping; each runs in the tenant schema it was sent from (the
`_schema_name` header, tenant-schemas-celery) and is safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from shipping.services import rating


@shared_task(
    name="shipping.rate_shipment",
    bind=True,
    acks_late=True,
    task_reject_on_worker_lost=True,
    max_retries=None,  # the service counts against SHIPPING_RATE_MAX_RETRIES itself
)
def rate_shipment(self: Any, shipment_id: int) -> str:
    """Rates a carton's shipment, buys the label by the client's rule and stores it. Acked only
    after it finishes, so a worker that dies mid-run leaves the message to be redelivered; the
    rerun finds a purchase already made instead of buying again. Returns the final status."""
    return rating.rate_and_buy(self, shipment_id)
