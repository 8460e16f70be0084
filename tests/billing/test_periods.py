"""Billing periods per client: monthly by default, weekly (Monday to Sunday) or semi-monthly
(1st to 15th, 16th to the end) as the card says; a changed kind never overlaps the periods
already there. And the Celery tasks: safe to run twice, scheduled by beat."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.conf import settings
from django.utils import timezone

from billing.models import BillingPeriod, ChargeLine, RateCard
from billing.services.rating import rate_pending
from billing.tasks import rate_pending_task, record_storage_task
from inventory.services import ledger
from tests.billing.conftest import local, rule


def periods_of(client: object) -> list[tuple[dt.date, dt.date]]:
    return list(
        BillingPeriod.objects.filter(client=client)
        .order_by("start_date")
        .values_list("start_date", "end_date")
    )


def closed_asns(write_event: object, client: object, *days: dt.date) -> None:
    for day in days:
        write_event("asn.closed", {"reference": f"A-{day}"}, client=client, at=local(day))  # type: ignore[operator]


def test_weekly_periods_run_monday_to_sunday(wh, acme_outdoor, card_for, write_event):
    card_for(acme_outdoor, [rule("receiving", "per_asn", "1")], period_kind="weekly")
    closed_asns(write_event, acme_outdoor, dt.date(2026, 3, 8), dt.date(2026, 3, 9))
    rate_pending()
    assert periods_of(acme_outdoor) == [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 8)),
        (dt.date(2026, 3, 9), dt.date(2026, 3, 15)),
    ]


def test_semi_monthly_periods_split_on_the_16th(wh, acme_outdoor, card_for, write_event):
    card_for(acme_outdoor, [rule("receiving", "per_asn", "1")], period_kind="semi_monthly")
    closed_asns(
        write_event, acme_outdoor, dt.date(2026, 2, 16), dt.date(2026, 3, 15), dt.date(2026, 3, 16)
    )
    rate_pending()
    assert periods_of(acme_outdoor) == [
        (dt.date(2026, 2, 16), dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 15)),
        (dt.date(2026, 3, 16), dt.date(2026, 3, 31)),
    ]


def test_a_changed_period_kind_starts_after_the_periods_already_there(
    wh, acme_outdoor, card_for, write_event
):
    card_for(acme_outdoor, [rule("receiving", "per_asn", "1")])
    closed_asns(write_event, acme_outdoor, dt.date(2026, 3, 20))
    rate_pending()
    RateCard.objects.filter(client=acme_outdoor).update(period_kind="weekly")
    # 1 April is a Wednesday: its week (30 March to 5 April) starts after March's period.
    closed_asns(write_event, acme_outdoor, dt.date(2026, 3, 31), dt.date(2026, 4, 1))
    rate_pending()
    assert periods_of(acme_outdoor) == [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 4, 5)),
    ]


def test_the_tasks_are_safe_to_run_twice(wh, places, acme_outdoor, mug, manager, card_for):
    card_for(
        acme_outdoor,
        [rule("storage", "unit_day", "0.01"), rule("receiving", "per_unit_received", "0.01")],
    )
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    with mock.patch("django.utils.timezone.now", return_value=three_days_ago):
        ledger.receive(user=manager, product=mug, quantity=5, location=places["bin"])
    assert rate_pending_task() == 1
    assert rate_pending_task() == 0
    # The nights from the receipt's to yesterday's (three, in New York), recorded and rated once.
    assert record_storage_task() == 3
    assert record_storage_task() == 0
    assert ChargeLine.objects.filter(basis="unit_day").count() == 3
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"billing.rate_pending", "billing.record_storage"} <= schedule
