"""A fixture day on the floor, measured against engineered standards, every figure worked out by
hand below.

Standards at EAST (seconds): pick 60 per task + 20 per line + 5 per unit + 10 per location;
putaway 90 per task + 2 per unit + 30 per location.

Ann clocks 08:00-12:00 (240 min) and does:
- one pick list, 08:10-08:30 (20 min): 4 lines (1 + 2 + 3 + 4 = 10 units) from 3 bins.
  Earned 60 + 4x20 + 10x5 + 3x10 = 220 s. Lines/hour 4 / (20/60) = 12; units/hour 30;
  percent of standard 220 / 1200 = 18.33 %.
- two putaways: 09:00-09:05 (5 min, 20 units) earning 90 + 40 + 30 = 160 s, and 09:10-09:13
  (3 min, 10 units) earning 90 + 20 + 30 = 140 s. Together 8 min (480 s), 2 lines, 30 units,
  300 s earned: 62.5 % of standard; 15 lines/hour, 225 units/hour.
She books 10:00-10:30 to a meeting (30 min indirect).
Ann's day: task time 28 min (1680 s) of 240 clocked: utilisation 11.67 %; idle 240 - 28 - 30 =
182 min; earned 520 s over 1680 s: 30.95 % of standard.
Bob clocks 08:00 and is still clocked in at 10:00 (120 min), with no task: utilisation 0 %."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from labour.models import Shift, TaskKind
from labour.selectors import day_measures
from labour.services import (
    clock_in,
    clock_out,
    correct_shift,
    end_indirect,
    set_standard,
    start_indirect,
)
from picking.models import PickList
from picking.services.picks import confirm_pick, next_pick_list
from picking.services.waves import create_wave, release_wave
from receiving.models import PutawayStatus, PutawayTask
from tests.factories import LocationFactory, ProductFactory, UserFactory
from tests.helpers import assert_nothing_written

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 3)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), dt.UTC)


START, END = at(0), at(0) + dt.timedelta(days=1)


@pytest.fixture
def ann(wh: Any) -> Any:
    return UserFactory(role="operator", email="ann@acme.test", warehouses=[wh])


@pytest.fixture
def bob(wh: Any) -> Any:
    return UserFactory(role="operator", email="bob@acme.test", warehouses=[wh])


@pytest.fixture
def standards(wh: Any, manager: Any) -> None:
    set_standard(
        warehouse=wh,
        task_kind=TaskKind.PICK,
        per_task_seconds=60,
        per_line_seconds=20,
        per_unit_seconds=5,
        per_location_seconds=10,
        user=manager,
    )
    set_standard(
        warehouse=wh,
        task_kind=TaskKind.PUTAWAY,
        per_task_seconds=90,
        per_line_seconds=0,
        per_unit_seconds=2,
        per_location_seconds=30,
        user=manager,
    )


@pytest.fixture
def day(
    wh: Any,
    bins: Any,
    staging: Any,
    dock: Any,
    mug: Any,
    lamp: Any,
    put: Any,
    order_for: Any,
    manager: Any,
    ann: Any,
    bob: Any,
    standards: None,
    acme_outdoor: Any,
) -> None:
    # One order of 4 lines: mug, lamp (B-01), and two more products both in A-03.
    kettle = ProductFactory(client=acme_outdoor, sku="KETTLE")
    tray = ProductFactory(client=acme_outdoor, sku="TRAY")
    for product, place in [(mug, "A-02"), (lamp, "B-01"), (kettle, "A-03"), (tray, "A-03")]:
        put(product, bins[place], 10)
    order = order_for("SO-1", (mug, 1), (lamp, 2), (kettle, 3), (tray, 4))
    wave = create_wave(warehouse=wh, order_ids=[order.pk], user=manager).wave
    release_wave(wave=wave, user=manager, pick_method="discrete", staging_location=staging)
    pick_list = next_pick_list(ann, [wh.pk])
    assert pick_list is not None
    for line in pick_list.lines.select_related("location", "product").order_by("sequence"):
        confirm_pick(
            user=ann,
            pick_line_id=line.pk,
            location_code=line.location.barcode,
            item_code=line.product.sku,
        )
    # The scans' own times are today's; the fixture day moves them to 08:10-08:30.
    PickList.objects.filter(pk=pick_list.pk).update(started_at=at(8, 10), finished_at=at(8, 30))
    shelf = LocationFactory(warehouse=wh, code="R-01")
    for quantity, start, end in [(20, at(9, 0), at(9, 5)), (10, at(9, 10), at(9, 13))]:
        PutawayTask.objects.create(
            warehouse=wh,
            product=mug,
            quantity=quantity,
            from_location=dock,
            confirmed_location=shelf,
            status=PutawayStatus.DONE,
            assigned_to=ann,
            created_at=start - dt.timedelta(minutes=30),
            started_at=start,
            done_at=end,
        )
    clock_in(user=ann, warehouse=wh, at=at(8))
    start_indirect(user=ann, code="meeting", at=at(10))
    end_indirect(user=ann, at=at(10, 30))
    clock_out(user=ann, at=at(12))
    clock_in(user=bob, warehouse=wh, at=at(8))


def test_measures_of_the_fixture_day_match_the_hand_worked_figures(
    wh: Any, day: None, ann: Any, bob: Any
) -> None:
    measures = {d.user.email: d for d in day_measures(wh, START, END, now=at(10))}
    a = measures["ann@acme.test"]
    pick, putaway = a.kinds[TaskKind.PICK], a.kinds[TaskKind.PUTAWAY]
    assert (pick.tasks, pick.lines, pick.units, pick.locations) == (1, 4, 10, 3)
    assert (pick.task_seconds, pick.standard_seconds) == (1200, 220)
    assert (pick.lines_per_hour, pick.units_per_hour) == (12, 30)
    assert pick.percent_of_standard == pytest.approx(18.333, abs=0.001)
    assert (putaway.tasks, putaway.lines, putaway.units, putaway.locations) == (2, 2, 30, 2)
    assert (putaway.task_seconds, putaway.standard_seconds) == (480, 300)
    assert putaway.percent_of_standard == 62.5
    assert (putaway.lines_per_hour, putaway.units_per_hour) == (15, 225)
    assert (a.clocked_seconds, a.task_seconds) == (14400, 1680)
    assert (a.indirect_seconds, a.idle_seconds) == ({"meeting": 1800}, 10920)
    assert a.utilisation == pytest.approx(11.667, abs=0.001)
    assert a.percent_of_standard == pytest.approx(30.952, abs=0.001)
    b = measures["bob@acme.test"]
    assert (b.clocked_seconds, b.task_seconds, b.utilisation, b.kinds) == (7200, 0, 0, {})


def test_clocking_in_twice_is_refused_and_writes_nothing(wh: Any, ann: Any) -> None:
    clock_in(user=ann, warehouse=wh, at=at(8))
    with assert_nothing_written(), pytest.raises(Exception, match="already clocked in"):
        clock_in(user=ann, warehouse=wh, at=at(8, 1))
    clock_out(user=ann, at=at(9))
    with assert_nothing_written(), pytest.raises(Exception, match="not clocked in"):
        clock_out(user=ann, at=at(9, 5))


def test_a_manager_corrects_a_forgotten_clock_out_with_a_reason(
    wh: Any, ann: Any, manager: Any
) -> None:
    shift = clock_in(user=ann, warehouse=wh, at=at(8))
    with assert_nothing_written(), pytest.raises(Exception, match="Say why"):
        correct_shift(shift=shift, started_at=at(8), ended_at=at(16), reason=" ", user=manager)
    correct_shift(
        shift=shift, started_at=at(8), ended_at=at(16), reason="Forgot to clock out", user=manager
    )
    shift = Shift.objects.get(pk=shift.pk)
    assert (shift.ended_at, shift.correction_reason, shift.corrected_by) == (
        at(16),
        "Forgot to clock out",
        manager,
    )
    measures = day_measures(wh, START, END, now=at(20))
    assert measures[0].clocked_seconds == 8 * 3600


def test_the_weeks_league_ranks_operators_by_percent_of_standard(
    wh: Any, day: None, bob: Any, dock: Any, mug: Any
) -> None:
    from labour.selectors import league

    # Bob's one putaway two days earlier: 10 units in 2 min (120 s) earns 90 + 20 + 30 = 140 s,
    # 116.67 % of standard: ahead of Ann's 62.5 % in the week's putaway league.
    PutawayTask.objects.create(
        warehouse=wh,
        product=mug,
        quantity=10,
        from_location=dock,
        status=PutawayStatus.DONE,
        assigned_to=bob,
        started_at=at(9) - dt.timedelta(days=2),
        done_at=at(9, 2) - dt.timedelta(days=2),
    )
    week = day_measures(wh, START - dt.timedelta(days=6), END, now=at(10))
    ranked = dict(league(week))
    assert [
        (user.email, round(m.percent_of_standard or 0, 2)) for user, m in ranked["Putaway"]
    ] == [
        ("bob@acme.test", 116.67),
        ("ann@acme.test", 62.5),
    ]
    assert [user.email for user, _ in ranked["Pick"]] == ["ann@acme.test"]
    # The day alone does not hold Bob's putaway.
    assert [
        u.email for u, _ in dict(league(day_measures(wh, START, END, now=at(10))))["Putaway"]
    ] == ["ann@acme.test"]


def test_indirect_time_needs_a_shift_and_ends_with_it(wh: Any, ann: Any) -> None:
    with assert_nothing_written(), pytest.raises(Exception, match="Clock in first"):
        start_indirect(user=ann, code="cleaning", at=at(8))
    clock_in(user=ann, warehouse=wh, at=at(8))
    start_indirect(user=ann, code="cleaning", at=at(8, 30))
    start_indirect(user=ann, code="training", at=at(9))  # ends the cleaning
    clock_out(user=ann, at=at(9, 45))  # ends the training
    (a,) = day_measures(wh, START, END, now=at(10))
    assert a.indirect_seconds == {"cleaning": 1800, "training": 2700}
    assert a.idle_seconds == 6300 - 4500
