"""Claiming and confirming a putaway: one operator per task; the proposed location posts the
dock-to-bin move and finishes the task together; another location needs the override permission
and a reason; a refusal moves nothing; a repeated confirmation moves once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Sum

from inventory.exceptions import LocationRefused
from inventory.models import Balance, Location, Reason, StockMove
from inventory.services import ledger
from receiving.exceptions import NotPermitted, PutawayRefused, TaskTaken, WrongLocation
from receiving.models import PutawayStatus, PutawayTask, Receipt
from receiving.services import putaway_tasks
from wms.exceptions import InvalidTransition


def on_hand_at(location: Any) -> int:
    total = Balance.objects.filter(location=location).aggregate(total=Sum("on_hand"))["total"]
    return int(total or 0)


@pytest.fixture
def task(received_pallet: Any, operator: Any) -> PutawayTask:
    return putaway_tasks.create_task_for_lpn(user=operator, lpn=received_pallet)


@pytest.fixture
def started(task: PutawayTask, operator: Any) -> PutawayTask:
    return putaway_tasks.start_task(user=operator, task=task)


def test_start_assigns_the_task_to_the_operator(task: Any, operator: Any) -> None:
    started = putaway_tasks.start_task(user=operator, task=task)

    stored = PutawayTask.objects.get(pk=task.pk)
    assert (stored.status, stored.assigned_to, started.status) == (
        PutawayStatus.IN_PROGRESS,
        operator,
        PutawayStatus.IN_PROGRESS,
    )
    assert stored.started_at is not None


def test_a_second_operator_cannot_take_a_started_task(
    started: Any, operator: Any, second_operator: Any
) -> None:
    with pytest.raises(TaskTaken, match="already being done by operator@acme.test"):
        putaway_tasks.start_task(user=second_operator, task=started)

    assert PutawayTask.objects.get(pk=started.pk).assigned_to == operator


def test_the_holder_starting_again_keeps_the_task(started: Any, operator: Any) -> None:
    assert putaway_tasks.start_task(user=operator, task=started).assigned_to == operator


def test_confirm_at_the_proposed_location_puts_the_stock_in_the_bin(
    started: Any, operator: Any, dock: Any, bin_a: Any, received_pallet: Any
) -> None:
    done = putaway_tasks.confirm_putaway(
        user=operator, task=started, scanned_location_code="a-01-01"
    )

    assert (done.status, done.confirmed_location, done.override_reason) == (
        PutawayStatus.DONE,
        bin_a,
        "",
    )
    assert on_hand_at(bin_a) == 10
    assert on_hand_at(dock) == 0
    move = StockMove.objects.get(reason=Reason.PUTAWAY)
    assert (move.reference_type, move.reference_id, move.quantity) == (
        "putaway_task",
        str(started.pk),
        10,
    )
    received_pallet.refresh_from_db()
    assert received_pallet.location == bin_a


def test_wrong_location_is_refused_and_nothing_moves(
    started: Any, operator: Any, dock: Any, bin_b: Any
) -> None:
    moves_before = StockMove.objects.count()

    with pytest.raises(WrongLocation) as refused:
        putaway_tasks.confirm_putaway(user=operator, task=started, scanned_location_code="A-01-02")

    assert refused.value.message == (
        "Expected A-01-01; scanned A-01-02. Only a manager may put away at another location."
    )
    assert StockMove.objects.count() == moves_before
    assert on_hand_at(dock) == 10
    assert PutawayTask.objects.get(pk=started.pk).status == PutawayStatus.IN_PROGRESS


def test_unknown_location_says_what_was_expected(started: Any, operator: Any) -> None:
    with pytest.raises(PutawayRefused) as refused:
        putaway_tasks.confirm_putaway(user=operator, task=started, scanned_location_code="NOPE")

    assert refused.value.message == (
        "Expected A-01-01; scanned “NOPE”, which is not a location in EAST."
    )


def test_manager_overrides_with_a_reason(task: Any, manager: Any, bin_b: Any) -> None:
    putaway_tasks.start_task(user=manager, task=task)

    done = putaway_tasks.confirm_putaway(
        user=manager, task=task, scanned_location_code="A-01-02", override_reason="A-01-01 wet"
    )

    assert (done.confirmed_location, done.override_reason) == (bin_b, "A-01-01 wet")
    assert on_hand_at(bin_b) == 10


def test_manager_override_without_a_reason_is_refused(task: Any, manager: Any, dock: Any) -> None:
    putaway_tasks.start_task(user=manager, task=task)

    with pytest.raises(PutawayRefused, match="Give a reason to put away at A-01-02 instead"):
        putaway_tasks.confirm_putaway(
            user=manager, task=task, scanned_location_code="A-01-02", override_reason="  "
        )

    assert on_hand_at(dock) == 10


def test_operator_with_a_reason_still_cannot_override(
    started: Any, operator: Any, dock: Any
) -> None:
    with pytest.raises(NotPermitted):
        putaway_tasks.confirm_putaway(
            user=operator, task=started, scanned_location_code="A-01-02", override_reason="full"
        )

    assert on_hand_at(dock) == 10


def test_another_operator_cannot_confirm_my_task(
    started: Any, second_operator: Any, dock: Any
) -> None:
    with pytest.raises(TaskTaken, match="being done by operator@acme.test"):
        putaway_tasks.confirm_putaway(
            user=second_operator, task=started, scanned_location_code="A-01-01"
        )

    assert on_hand_at(dock) == 10


def test_repeated_confirmation_with_its_key_moves_once(
    started: Any, operator: Any, bin_a: Any
) -> None:
    first = putaway_tasks.confirm_putaway(
        user=operator, task=started, scanned_location_code="A-01-01", idempotency_key="k-1"
    )
    again = putaway_tasks.confirm_putaway(
        user=operator, task=started, scanned_location_code="A-01-01", idempotency_key="k-1"
    )

    assert again.pk == first.pk
    assert again.status == PutawayStatus.DONE
    assert StockMove.objects.filter(reason=Reason.PUTAWAY).count() == 1
    assert on_hand_at(bin_a) == 10


def test_confirming_a_done_task_again_without_a_key_is_refused(started: Any, operator: Any) -> None:
    putaway_tasks.confirm_putaway(user=operator, task=started, scanned_location_code="A-01-01")

    with pytest.raises(InvalidTransition, match="already put away at A-01-01"):
        putaway_tasks.confirm_putaway(user=operator, task=started, scanned_location_code="A-01-01")

    assert StockMove.objects.filter(reason=Reason.PUTAWAY).count() == 1


def test_a_bin_filled_since_the_proposal_is_refused_by_the_ledger(
    started: Any, operator: Any, bin_a: Any, dock: Any
) -> None:
    Location.objects.filter(pk=bin_a.pk).update(max_units=4)

    with pytest.raises(LocationRefused, match="A-01-01 holds at most 4 units"):
        putaway_tasks.confirm_putaway(user=operator, task=started, scanned_location_code="A-01-01")

    assert on_hand_at(dock) == 10
    assert PutawayTask.objects.get(pk=started.pk).status == PutawayStatus.IN_PROGRESS


def test_loose_task_moves_its_quantity(
    wh: Any, dock: Any, bin_a: Any, widget: Any, acme_outdoor: Any, manager: Any
) -> None:
    move = ledger.receive(user=manager, product=widget, quantity=4, location=dock)
    receipt = Receipt.objects.create(
        client=acme_outdoor,
        warehouse=wh,
        product=widget,
        quantity=4,
        location=dock,
        stock_move=move,
        user=manager,
    )
    (task,) = putaway_tasks.create_tasks_for_receipt(user=manager, receipt=receipt)
    putaway_tasks.start_task(user=manager, task=task)

    putaway_tasks.confirm_putaway(user=manager, task=task, scanned_location_code="A-01-01")

    assert (on_hand_at(dock), on_hand_at(bin_a)) == (0, 4)
