"""ERP sync's Celery entry points, each run in its tenant's schema (beat sends the periodic ones
once per ready tenant) and safe to run twice: pushes are claimed row by row, pulls apply each
revision once, and every push first looks in the ERP for what an earlier attempt did.

They call out of the building, as the carrier tasks do: acknowledged late, rejected back to the
queue when their worker process dies, with time limits from ERP_TASK_* (wms/settings/base.py)
which also size the broker's visibility timeout. Retries are not Celery retries: a row the ERP
could not take stays pending with its next attempt time, and the beat's next push takes it."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from erp.models import Direction, SyncRecord
from erp.selectors import client_connections
from erp.services import inbound, outbound, reconcile

ERP_TASK: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.ERP_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.ERP_TASK_TIME_LIMIT,
}


@shared_task(name="erp.sync_outbound", **ERP_TASK)
def sync_outbound() -> dict[str, int]:
    """Records the outbox's new events as pending pushes (one transaction), then pushes every
    due row (outside any). Returns what happened."""
    recorded = outbound.record_from_outbox()
    summary = outbound.push_pending()
    return {
        "recorded": recorded,
        "done": summary.done,
        "failed": summary.failed,
        "waiting": summary.waiting,
    }


@shared_task(name="erp.pull", **ERP_TASK)
def pull(connection_id: int) -> str:
    """Pulls one client's ERP now (the page's and the API's "sync now")."""
    return inbound.pull(connection_id=connection_id).message


@shared_task(name="erp.pull_all", **ERP_TASK)
def pull_all() -> dict[int, str]:
    """Pulls every enabled client ERP of the tenant (beat)."""
    return {c.pk: inbound.pull(connection_id=c.pk).message for c in client_connections()}


@shared_task(name="erp.retry_record", **ERP_TASK)
def retry_record(record_id: int) -> str:
    """One sync row a manager asked to retry: pushed again, or its ERP document read again."""
    direction = SyncRecord.objects.filter(pk=record_id).values_list("direction", flat=True).first()
    if direction == Direction.OUTBOUND:
        return outbound.push_record(record_id=record_id)
    if direction == Direction.INBOUND:
        return inbound.pull_one(record_id=record_id)
    return ""


@shared_task(name="erp.reconcile", **ERP_TASK)
def reconcile_connection(connection_id: int) -> int:
    """Compares one client's ERP on-hand with ours now; returns the differences found."""
    return reconcile.reconcile(connection_id=connection_id).differences


@shared_task(name="erp.reconcile_all", **ERP_TASK)
def reconcile_all() -> dict[int, int]:
    """The nightly comparison for every enabled client ERP."""
    return {c.pk: reconcile.reconcile(connection_id=c.pk).differences for c in client_connections()}
