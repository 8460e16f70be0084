"""A cycle count from plan to posting: the plan makes tasks, the counter scans the bin and
counts, a variance beyond the thresholds goes to a recount by someone else, a manager approves
and the differences are posted through the ledger (reason count, code cycle_count), measured
against the ledger as of the count's scan."""

from __future__ import annotations

from typing import Any

from control.models import CountExpectation, CountPlan, CountStatus, CountTask, PlanKind
from control.services.counts import (
    add_count_line,
    decide_count,
    finish_count,
    next_count_task,
    start_count,
)
from control.services.plans import run_plan
from inventory.models import (
    Balance,
    CountRequest,
    CountRequestStatus,
    Event,
    Reason,
    StockMove,
)
from inventory.reconcile import find_drift
from inventory.services import ledger
from inventory.services.counts import request_count


def _on_hand(location: Any, product: Any) -> int:
    return sum(
        Balance.objects.filter(location=location, product=product).values_list("on_hand", flat=True)
    )


def _zone_plan(wh: Any, zone: Any) -> CountPlan:
    return CountPlan.objects.create(
        warehouse=wh, name="Ambient weekly", kind=PlanKind.ZONE, zone=zone
    )


def test_zone_plan_makes_one_task_per_bin_and_never_two(
    manager: Any, wh: Any, zone: Any, stocked: Any, bin_a: Any, bin_b: Any
) -> None:
    plan = _zone_plan(wh, zone)
    assert run_plan(plan=plan, user=manager) == 2
    assert run_plan(plan=plan, user=manager) == 0  # both bins are on open counts already
    assert sorted(CountTask.objects.values_list("location__code", flat=True)) == [
        "A-01-01",
        "A-01-02",
    ]


def test_requests_plan_turns_short_pick_requests_into_tasks(
    manager: Any, wh: Any, stocked: Any, bin_a: Any, widget: Any
) -> None:
    request = request_count(location=bin_a, product=widget, reason="short pick")
    plan = CountPlan.objects.create(warehouse=wh, name="Shorts", kind=PlanKind.REQUESTS)
    assert run_plan(plan=plan, user=manager) == 1
    task = CountTask.objects.get()
    assert (task.location_id, task.count_request_id) == (bin_a.pk, request.pk)
    request.refresh_from_db()
    assert request.status == CountRequestStatus.COUNTING


def test_zero_stock_plan_counts_bins_that_show_zero(
    manager: Any, wh: Any, stocked: Any, bin_a: Any, bin_b: Any, staging: Any, gadget: Any
) -> None:
    ledger.move(user=manager, product=gadget, quantity=12, from_location=bin_b, to_location=staging)
    plan = CountPlan.objects.create(warehouse=wh, name="Zeros", kind=PlanKind.ZERO_STOCK)
    assert run_plan(plan=plan, user=manager) == 1
    assert CountTask.objects.get().location_id == bin_b.pk


def test_count_that_matches_is_approved_at_once_and_posts_nothing(
    operator: Any, manager: Any, wh: Any, zone: Any, stocked: Any, bin_a: Any
) -> None:
    run_plan(plan=_zone_plan(wh, zone), user=manager)
    task = next_count_task(user=operator, warehouse=wh)
    assert task is not None and task.location_id == bin_a.pk
    start_count(task=task, user=operator, location_code="A-01-01")
    add_count_line(task=task, user=operator, item_code="0012345678905", quantity=1)
    add_count_line(task=task, user=operator, item_code="CASE-WIDGET-6", quantity=6)  # 36 units
    task = finish_count(task=task, user=operator)
    assert task.status == CountStatus.APPROVED
    assert task.first_count_had_variance is False
    assert not StockMove.objects.filter(reason=Reason.COUNT).exists()


def test_large_variance_goes_to_recount_then_approval_posts_against_the_scan(
    operator: Any,
    second_operator: Any,
    manager: Any,
    wh: Any,
    zone: Any,
    stocked: Any,
    bin_a: Any,
    staging: Any,
    widget: Any,
) -> None:
    run_plan(plan=_zone_plan(wh, zone), user=manager)
    task = next_count_task(user=operator, warehouse=wh)
    assert task is not None
    start_count(task=task, user=operator, location_code="a-01-01")
    add_count_line(task=task, user=operator, item_code="WIDGET", quantity=27)
    task = finish_count(task=task, user=operator)
    assert (task.status, task.round) == (CountStatus.RECOUNT, 2)  # 10 missing > 5 units

    # The first counter is not handed their own recount; another operator is.
    assert next_count_task(user=operator, warehouse=wh) != task
    recount = next_count_task(user=second_operator, warehouse=wh)
    assert recount == task
    start_count(task=task, user=second_operator, location_code="A-01-01")
    # Three widgets are picked after the recounter scanned the bin and before they are done
    # counting: the recount saw 28 of the 37 the ledger held at the scan.
    ledger.move(user=manager, product=widget, quantity=3, from_location=bin_a, to_location=staging)
    add_count_line(task=task, user=second_operator, item_code="WIDGET", quantity=28)
    task = finish_count(task=task, user=second_operator)
    assert task.status == CountStatus.REVIEW
    assert CountExpectation.objects.get(task=task, round=2).quantity == 37

    task = decide_count(task=task, user=manager, approve=True)
    assert task.status == CountStatus.APPROVED
    move = StockMove.objects.get(reason=Reason.COUNT)
    assert (move.reason_code, move.quantity, move.from_location_id) == ("cycle_count", 9, bin_a.pk)
    assert (move.reference_type, move.reference_id) == ("count_task", str(task.pk))
    # 37 - 3 picked - 9 missing at the count = 25 left
    assert _on_hand(bin_a, widget) == 25
    assert Event.objects.filter(type="count.approved").count() == 1
    assert find_drift() == []


def test_small_variance_goes_straight_to_review_and_rejection_posts_nothing(
    operator: Any, manager: Any, wh: Any, zone: Any, stocked: Any, bin_a: Any, widget: Any
) -> None:
    run_plan(plan=_zone_plan(wh, zone), user=manager)
    task = next_count_task(user=operator, warehouse=wh)
    assert task is not None
    start_count(task=task, user=operator, location_code="A-01-01")
    add_count_line(task=task, user=operator, item_code="WIDGET", quantity=39)  # 2 over, 5.4 %
    task = finish_count(task=task, user=operator)
    assert task.status == CountStatus.REVIEW
    task = decide_count(task=task, user=manager, approve=False, note="count again")
    assert task.status == CountStatus.REJECTED
    assert _on_hand(bin_a, widget) == 37
    assert not StockMove.objects.filter(reason=Reason.COUNT).exists()


def test_approval_closes_the_short_pick_request(
    operator: Any, manager: Any, wh: Any, stocked: Any, bin_a: Any, widget: Any
) -> None:
    request = request_count(location=bin_a, product=widget, reason="short pick")
    run_plan(
        plan=CountPlan.objects.create(warehouse=wh, name="S", kind=PlanKind.REQUESTS), user=manager
    )
    task = next_count_task(user=operator, warehouse=wh)
    assert task is not None
    start_count(task=task, user=operator, location_code="A-01-01")
    add_count_line(task=task, user=operator, item_code="WIDGET", quantity=36)
    finish_count(task=task, user=operator)
    decide_count(task=task, user=manager, approve=True)
    assert CountRequest.objects.get(pk=request.pk).status == CountRequestStatus.DONE
    assert _on_hand(bin_a, widget) == 36
