"""Saved wave rules create waves on a schedule: a due rule takes the open orders its filters
match (most urgent first, at most max_orders), releases them when it says so, and runs again
only after its interval."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from picking.models import OrderStatus, PickMethod, Wave, WaveRule, WaveStatus
from picking.services.wave_rules import run_due_wave_rules
from picking.tasks import run_wave_rules_task

pytestmark = pytest.mark.django_db


def test_a_due_rule_makes_and_releases_a_wave_of_matching_orders(
    use_tenant: Any,
    wh: Any,
    bins: Any,
    staging: Any,
    mug: Any,
    lamp: Any,
    put: Any,
    order_for: Any,
) -> None:
    put(mug, bins["A-01"], 10)
    single = order_for("SO-SINGLE", (mug, 1), priority=2)
    order_for("SO-MULTI", (mug, 3))
    other_single = order_for("SO-SINGLE-2", (mug, 1), priority=4)
    rule = WaveRule.objects.create(
        warehouse=wh,
        name="Singles",
        filters={"units": "single"},
        pick_method=PickMethod.CLUSTER,
        release_immediately=True,
        max_orders=1,
        interval_minutes=30,
    )

    assert run_wave_rules_task() != []
    wave = Wave.objects.get(rule=rule)
    single.refresh_from_db()
    other_single.refresh_from_db()
    assert wave.status == WaveStatus.RELEASED and wave.pick_method == PickMethod.CLUSTER
    assert single.status == OrderStatus.RELEASED and single.wave == wave
    assert other_single.wave is None  # max_orders 1: the more urgent single went first

    # Not due again until the interval has passed.
    assert run_due_wave_rules(timezone.now() + dt.timedelta(minutes=10)) == []
    runs = run_due_wave_rules(timezone.now() + dt.timedelta(minutes=31))
    assert [(r.orders, r.released) for r in runs] == [(1, True)]
    other_single.refresh_from_db()
    assert other_single.status == OrderStatus.RELEASED


def test_a_rule_with_nothing_to_take_makes_no_wave_and_an_inactive_rule_never_runs(
    use_tenant: Any, wh: Any, mug: Any, order_for: Any
) -> None:
    order_for("SO-MULTI", (mug, 3))
    WaveRule.objects.create(warehouse=wh, name="Singles", filters={"units": "single"})
    WaveRule.objects.create(warehouse=wh, name="Off", filters={}, is_active=False)
    runs = run_due_wave_rules()
    assert [(r.wave_number, r.note) for r in runs] == [("", "no open orders matched")]
    assert not Wave.objects.exists()
