"""Refused counts write nothing: a bin that is not the task's, a negative count, an unknown
item, a count by someone who does not hold the task, a recount by the first counter, and a
manager approving a count they recounted themselves."""

from __future__ import annotations

from typing import Any

import pytest

from control.exceptions import CountRefused, NotYourCount, OwnCountRefused, WrongBin
from control.models import CountPlan, CountStatus, CountTask, PlanKind
from control.services.counts import (
    add_count_line,
    decide_count,
    finish_count,
    next_count_task,
    start_count,
)
from control.services.plans import run_plan
from tests.helpers import assert_nothing_written


@pytest.fixture
def task(manager: Any, operator: Any, wh: Any, zone: Any, stocked: Any) -> CountTask:
    run_plan(
        plan=CountPlan.objects.create(warehouse=wh, name="Z", kind=PlanKind.ZONE, zone=zone),
        user=manager,
    )
    task = next_count_task(user=operator, warehouse=wh)
    assert task is not None
    return task


def test_scanning_another_bin_is_refused(operator: Any, task: CountTask) -> None:
    with (
        assert_nothing_written(),
        pytest.raises(WrongBin, match="for bin A-01-01; you scanned “A-01-02”"),
    ):
        start_count(task=task, user=operator, location_code="A-01-02")


def test_negative_count_is_refused(operator: Any, task: CountTask) -> None:
    start_count(task=task, user=operator, location_code="A-01-01")
    with assert_nothing_written(), pytest.raises(CountRefused, match="zero or more; got -1"):
        add_count_line(task=task, user=operator, item_code="WIDGET", quantity=-1)


def test_unknown_item_is_refused(operator: Any, task: CountTask) -> None:
    start_count(task=task, user=operator, location_code="A-01-01")
    with assert_nothing_written(), pytest.raises(CountRefused, match="Unknown item"):
        add_count_line(task=task, user=operator, item_code="NOPE", quantity=1)


def test_someone_else_cannot_count_a_task_held_by_another(
    second_operator: Any, task: CountTask
) -> None:
    with assert_nothing_written(), pytest.raises(NotYourCount):
        start_count(task=task, user=second_operator, location_code="A-01-01")


def test_first_counter_cannot_recount(operator: Any, task: CountTask) -> None:
    start_count(task=task, user=operator, location_code="A-01-01")
    add_count_line(task=task, user=operator, item_code="WIDGET", quantity=1)
    assert finish_count(task=task, user=operator).status == CountStatus.RECOUNT
    with assert_nothing_written(), pytest.raises(OwnCountRefused):
        start_count(task=task, user=operator, location_code="A-01-01")


def test_manager_cannot_approve_their_own_recount(
    operator: Any, second_manager: Any, manager: Any, task: CountTask
) -> None:
    start_count(task=task, user=operator, location_code="A-01-01")
    add_count_line(task=task, user=operator, item_code="WIDGET", quantity=1)
    finish_count(task=task, user=operator)
    start_count(task=task, user=second_manager, location_code="A-01-01")
    add_count_line(task=task, user=second_manager, item_code="WIDGET", quantity=1)
    assert finish_count(task=task, user=second_manager).status == CountStatus.REVIEW
    with assert_nothing_written(), pytest.raises(OwnCountRefused, match="another manager"):
        decide_count(task=task, user=second_manager, approve=True)
    # someone who counted neither may
    assert decide_count(task=task, user=manager, approve=True).status == CountStatus.APPROVED


def test_a_count_not_awaiting_review_cannot_be_approved(manager: Any, task: CountTask) -> None:
    with (
        assert_nothing_written(),
        pytest.raises(Exception, match="is open and cannot become approved"),
    ):
        decide_count(task=task, user=manager, approve=True)
