"""Putaway tasks are created with the engine's proposal and its reason; when nothing fits, the
task needs a manager, who re-proposes it once there is room."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Event, Location
from inventory.services import ledger
from receiving.exceptions import PutawayRefused
from receiving.models import PutawayStatus, PutawayTask, Receipt
from receiving.services import putaway_tasks
from tests.factories import LpnFactory


def test_lpn_task_carries_the_engines_proposal_and_reason(
    received_pallet: Any, dock: Any, bin_a: Any, operator: Any
) -> None:
    task = putaway_tasks.create_task_for_lpn(user=operator, lpn=received_pallet)

    assert task.status == PutawayStatus.OPEN
    assert task.from_location == dock
    assert task.proposed_location == bin_a
    assert task.strategy == "nearest_empty"
    assert task.reason == "Nearest empty location A-01-01 in zone AMB by walking order"
    assert list(Event.objects.filter(type="putaway.opened").values_list("payload", flat=True)) == [
        {"task": task.pk, "what": "LPN PAL-1", "reason": task.reason}
    ]


def test_asking_again_for_an_lpn_returns_its_task(received_pallet: Any, operator: Any) -> None:
    first = putaway_tasks.create_task_for_lpn(user=operator, lpn=received_pallet)
    again = putaway_tasks.create_task_for_lpn(user=operator, lpn=received_pallet)

    assert again.pk == first.pk
    assert PutawayTask.objects.count() == 1


def test_task_needs_attention_when_nothing_fits(
    received_pallet: Any, bin_a: Any, bin_b: Any, operator: Any
) -> None:
    Location.objects.filter(pk__in=[bin_a.pk, bin_b.pk]).update(max_units=5)

    task = putaway_tasks.create_task_for_lpn(user=operator, lpn=received_pallet)

    assert task.status == PutawayStatus.NEEDS_ATTENTION
    assert task.proposed_location is None
    assert task.reason == (
        "No location fits LPN PAL-1 (10 \N{MULTIPLICATION SIGN} WIDGET): "
        "A-01-01 full (0/5 units), A-01-02 full (0/5 units)"
    )


def test_manager_repropose_reopens_the_task_once_there_is_room(
    received_pallet: Any, bin_a: Any, bin_b: Any, operator: Any, manager: Any
) -> None:
    Location.objects.filter(pk__in=[bin_a.pk, bin_b.pk]).update(max_units=5)
    task = putaway_tasks.create_task_for_lpn(user=operator, lpn=received_pallet)
    Location.objects.filter(pk=bin_b.pk).update(max_units=50)

    task = putaway_tasks.repropose(user=manager, task=task)

    assert task.status == PutawayStatus.OPEN
    assert task.proposed_location == bin_b
    assert PutawayTask.objects.get(pk=task.pk).reason.startswith("Nearest empty location A-01-02")


def test_repropose_with_still_no_room_keeps_the_task_waiting(
    received_pallet: Any, bin_a: Any, bin_b: Any, operator: Any, manager: Any
) -> None:
    Location.objects.filter(pk__in=[bin_a.pk, bin_b.pk]).update(max_units=5)
    task = putaway_tasks.create_task_for_lpn(user=operator, lpn=received_pallet)

    task = putaway_tasks.repropose(user=manager, task=task)

    assert PutawayTask.objects.get(pk=task.pk).status == PutawayStatus.NEEDS_ATTENTION


def test_loose_receipt_gets_its_own_task(
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
    (again,) = putaway_tasks.create_tasks_for_receipt(user=manager, receipt=receipt)

    assert again.pk == task.pk
    assert (task.lpn, task.product, task.quantity) == (None, widget, 4)
    assert task.proposed_location == bin_a


def test_receipt_onto_an_lpn_shares_the_lpns_task(
    received_pallet: Any, wh: Any, dock: Any, widget: Any, acme_outdoor: Any, manager: Any
) -> None:
    receipt = Receipt.objects.create(
        client=acme_outdoor,
        warehouse=wh,
        product=widget,
        quantity=10,
        location=dock,
        lpn=received_pallet,
        user=manager,
    )

    (task,) = putaway_tasks.create_tasks_for_receipt(user=manager, receipt=receipt)

    assert task.lpn == received_pallet
    assert PutawayTask.objects.count() == 1


def test_an_lpn_not_at_any_location_is_refused(wh: Any, operator: Any) -> None:
    nowhere = LpnFactory(code="PAL-NOWHERE", warehouse=wh)

    with pytest.raises(PutawayRefused, match="PAL-NOWHERE is not at a location"):
        putaway_tasks.create_task_for_lpn(user=operator, lpn=nowhere)
    assert PutawayTask.objects.count() == 0
