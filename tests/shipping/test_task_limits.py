"""The Celery options that keep a bought label from being lost: the carrier tasks go back to the
queue when their worker process dies (not acknowledged), and the broker's visibility timeout is
long enough for the longest retry countdown plus the longest run, so a healthy task is never
handed to a second worker while the first still holds it."""

from __future__ import annotations

from django.conf import settings

from shipping.tasks import fetch_scan_form, rate_shipment, reconcile_stuck
from wms.celery import app


def test_carrier_tasks_are_rejected_back_to_the_queue_when_their_process_is_lost() -> None:
    for task in (rate_shipment, fetch_scan_form):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert task.soft_time_limit == settings.CARRIER_TASK_SOFT_TIME_LIMIT
        assert task.time_limit == settings.CARRIER_TASK_TIME_LIMIT
    # 20 request timeouts (8 requests, a timed-out GET tried 4 times) fit in the soft limit.
    assert settings.CARRIER_TASK_SOFT_TIME_LIMIT >= 20 * settings.EASYPOST_TIMEOUT
    assert reconcile_stuck.time_limit == settings.CARRIER_TASK_TIME_LIMIT


def test_the_visibility_timeout_covers_the_longest_countdown_and_runs() -> None:
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    longest_run = max(rate_shipment.time_limit, app.conf.task_time_limit)
    # A retry is held unacknowledged for its countdown, may wait for a pool process behind a
    # task running to its limit, then runs to its own limit.
    assert visibility > settings.SHIPPING_RATE_RETRY_MAX_SECONDS + 2 * longest_run
    assert visibility < 3600  # and less than kombu's default hour, which nothing needs


def test_the_sweep_is_scheduled_for_every_tenant() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["reconcile-shipments"]
    assert entry == {
        "task": "shipping.reconcile_stuck",
        "schedule": settings.SHIPPING_RECONCILE_SECONDS,
    }


def test_the_erp_tasks_call_out_like_the_carrier_tasks() -> None:
    from erp import tasks as erp_tasks

    calling_out = (
        erp_tasks.sync_outbound,
        erp_tasks.pull,
        erp_tasks.pull_all,
        erp_tasks.retry_record,
        erp_tasks.reconcile_connection,
        erp_tasks.reconcile_all,
    )
    for task in calling_out:
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert task.soft_time_limit == settings.ERP_TASK_SOFT_TIME_LIMIT
        assert task.time_limit == settings.ERP_TASK_TIME_LIMIT
    # A run of 20 ERP calls timing out fits in the soft limit; the broker waits for the longest.
    assert settings.ERP_TASK_SOFT_TIME_LIMIT >= 20 * settings.ERP_TIMEOUT
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > settings.SHIPPING_RATE_RETRY_MAX_SECONDS + 2 * erp_tasks.pull.time_limit
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {schedule[name]["task"] for name in ("erp-push", "erp-pull", "erp-reconcile")} == {
        "erp.sync_outbound",
        "erp.pull_all",
        "erp.reconcile_all",
    }
