"""The pick monitor: the lists waiting or at work (who, wave, method, zone, lines done, last
pick) and each operator's pace (lines in the last hour and today, lines per hour)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from picking.models import PickLine
from picking.selectors import monitor_lists, operator_rates
from picking.services.picks import confirm_pick, next_pick_list
from picking.services.waves import create_wave, release_wave
from tests.factories import give_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def picking(
    wh: Any,
    bins: Any,
    staging: Any,
    mug: Any,
    lamp: Any,
    put: Any,
    order_for: Any,
    manager: Any,
    operator: Any,
) -> Any:
    """Two discrete lists; the operator took the first and picked one of its two lines."""
    put(mug, bins["A-02"], 5)
    put(lamp, bins["A-01"], 5)
    first = order_for("SO-1", (mug, 1), (lamp, 1), priority=1)
    second = order_for("SO-2", (lamp, 1))
    wave = create_wave(warehouse=wh, order_ids=[first.pk, second.pk], user=manager).wave
    release_wave(wave=wave, user=manager)
    pick_list = next_pick_list(operator, [wh.pk])
    assert pick_list is not None
    line = pick_list.lines.order_by("sequence").first()
    assert line is not None
    confirm_pick(
        user=operator,
        pick_line_id=line.pk,
        location_code=line.location.code,
        item_code=line.product.sku,
    )
    return pick_list


def test_lists_show_assignee_and_lines_done(manager: Any, operator: Any, picking: Any) -> None:
    rows = list(monitor_lists(manager))
    assert [(r.number, r.assigned_to_id, r.lines_done, r.lines_total) for r in rows] == [
        (picking.number, operator.pk, 1, 2),
        (rows[1].number, None, 0, 1),
    ]
    assert rows[0].last_pick_at is not None


def test_operator_rates_over_the_last_hour_and_the_day(
    manager: Any, operator: Any, picking: Any
) -> None:
    # An earlier pick today, two hours before "now", counts for the day but not the last hour.
    # "Now" is noon today, so the test means the same at any time of day.
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(12)))
    PickLine.objects.filter(picked_by=operator).update(picked_at=now - dt.timedelta(hours=2))
    second = picking.lines.filter(picked_by__isnull=True).get()
    confirm_pick(
        user=operator,
        pick_line_id=second.pk,
        location_code=second.location.code,
        item_code=second.product.sku,
    )
    PickLine.objects.filter(pk=second.pk).update(picked_at=now - dt.timedelta(minutes=10))
    [rate] = operator_rates(manager, now=now)
    assert (rate.email, rate.lines_last_hour, rate.lines_today) == (operator.email, 1, 2)
    assert rate.shift_rate == pytest.approx(1.0, abs=0.05)


def test_the_page_shows_both_tables_and_refreshes_itself(
    http_for: Any, manager: Any, operator: Any, picking: Any
) -> None:
    page = http_for(manager).get("/outbound/monitor/")
    assert page.status_code == 200
    assert picking.number in page.text and operator.email in page.text
    assert "1 / 2" in page.text
    assert 'hx-trigger="every 10s"' in page.text
    fragment = http_for(manager).get("/outbound/monitor/", HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.text and picking.number in fragment.text


@pytest.mark.parametrize("persona", ["operator", "client_user"])
def test_only_managers_see_the_monitor(http_for: Any, request: Any, persona: str) -> None:
    assert http_for(request.getfixturevalue(persona)).get("/outbound/monitor/").status_code == 403


def test_an_operator_of_another_warehouse_sees_none_of_it(
    picking: Any, west: Any, manager: Any
) -> None:
    from tests.factories import UserFactory

    elsewhere = UserFactory(role="operator", email="west@acme.test")
    give_scope(elsewhere, warehouses=[west])
    assert list(monitor_lists(elsewhere)) == []
    assert operator_rates(elsewhere) == []
