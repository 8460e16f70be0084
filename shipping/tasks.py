"""Celery entry points of shipping; each runs in the tenant schema it was sent from (the
`_schema_name` header, tenant-schemas-celery) and is safe to run twice.

The tasks that call EasyPost are acked late and rejected back to the queue when their worker
process is lost (`reject_on_worker_lost`): a pool process killed while EasyPost answers a buy
leaves the message to be run again, and the rerun records the label EasyPost sold instead of
buying another. Their time limits come from settings (CARRIER_TASK_*), which also size the
broker's visibility timeout (see wms/settings/base.py)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from shipping.services import dispatch, rating

CARRIER_TASK: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.CARRIER_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.CARRIER_TASK_TIME_LIMIT,
}


@shared_task(
    name="shipping.rate_shipment",
    max_retries=None,  # the service counts against SHIPPING_RATE_MAX_RETRIES itself
    **CARRIER_TASK,
)
def rate_shipment(self: Any, shipment_id: int) -> str:
    """Rates a carton's shipment, buys the label by the client's rule and stores it. A worker
    that dies mid-run leaves the message to be redelivered; the rerun finds a purchase already
    made instead of buying again. Returns the final status."""
    return rating.rate_and_buy(self, shipment_id)


@shared_task(name="shipping.fetch_scan_form", max_retries=None, **CARRIER_TASK)
def fetch_scan_form(self: Any, manifest_id: int) -> str:
    """Asks EasyPost for a manifest's scan form until it is created (then stores its PDF) or
    failed, retrying with backoff while it is still "creating". Returns the manifest's status."""
    return dispatch.fetch_scan_form(self, manifest_id)


@shared_task(
    name="shipping.reconcile_stuck",
    soft_time_limit=settings.CARRIER_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CARRIER_TASK_TIME_LIMIT,
)
def reconcile_stuck() -> dict[str, int]:
    """The sweep (beat, per tenant): reconciles shipments and manifests stuck waiting on
    EasyPost for SHIPPING_STUCK_MINUTES. Safe beside running rating tasks and other sweeps.
    Returns how many of each it settled."""
    shipments = rating.reconcile_stuck_shipments()
    manifests = dispatch.reconcile_stuck_manifests()
    return {"shipments": len(shipments), "manifests": len(manifests)}
