"""A control character from a misconfigured scanner at the new handheld scan boxes (count a
bin, count an item, move stock) is refused on the page with what was wrong, never a 500, and
nothing is written; the same layer (wms.validation.ScanField) as every other scan box."""

from __future__ import annotations

from typing import Any

import pytest

from control.models import CountPlan, CountTask, PlanKind
from control.services.counts import next_count_task, start_count
from control.services.plans import run_plan
from tests.helpers import assert_nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(manager: Any, operator: Any, wh: Any, zone: Any, stocked: Any) -> CountTask:
    run_plan(
        plan=CountPlan.objects.create(warehouse=wh, name="Z", kind=PlanKind.ZONE, zone=zone),
        user=manager,
    )
    held = next_count_task(user=operator, warehouse=wh)
    assert held is not None
    return held


@pytest.fixture
def counting(task: CountTask, operator: Any) -> CountTask:
    """The task with its bin scanned: the item box is on the page."""
    return start_count(task=task, user=operator, location_code="A-01-01")


def test_a_nul_byte_at_the_bin_scan_is_refused_on_the_page(
    http_for: Any, operator: Any, task: CountTask
) -> None:
    data = {"action": "bin", "location": "A-01\x00-01"}
    with assert_nothing_written(except_tables=["django_session"]):
        response = http_for(operator).post(f"/floor/count/{task.pk}/", data)
    assert response.status_code == 200
    assert "control character" in response.content.decode()
    assert "\x00" not in response.content.decode()


def test_a_nul_byte_at_the_item_scan_is_refused_on_the_page(
    http_for: Any, operator: Any, counting: CountTask
) -> None:
    data = {"action": "line", "item": "MUG\x00", "quantity": "1"}
    with assert_nothing_written(except_tables=["django_session"]):
        response = http_for(operator).post(f"/floor/count/{counting.pk}/", data)
    assert response.status_code == 200
    assert "control character" in response.content.decode()
    assert "\x00" not in response.content.decode()


def test_a_nul_byte_at_the_move_scan_is_refused_on_the_page(
    http_for: Any, operator: Any, wh: Any, stocked: Any
) -> None:
    data = {"kind": "units", "source": "A-01-01\x00", "target": "A-01-02", "item": "MUG"}
    with assert_nothing_written(except_tables=["django_session"]):
        response = http_for(operator).post("/floor/move/", data)
    assert response.status_code == 200
    assert "control character" in response.content.decode()
    assert "\x00" not in response.content.decode()
