"""Replenishment: quantities worked by hand, a task when a pick drops the face below its min,
when allocation finds the face short and by the sweep, never a second open task for a face, the
source by FEFO then FIFO among reserve bins, and the move through the ledger on completion."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from control.exceptions import ReplenishmentRefused
from control.models import PickFaceRule, ReplenishmentStatus, ReplenishmentTask
from control.services.replenishment import (
    after_pick,
    complete_replenishment,
    replenish_quantity,
    sweep,
)
from inventory.models import Balance, InventoryStatus, LocationKind, Reason, StockMove
from inventory.services import ledger
from picking.services.allocation import allocate_orders
from picking.services.orders import OrderLineSpec, create_order
from tests.factories import LocationFactory, LotFactory
from tests.helpers import assert_nothing_written
from tests.picking.conftest import SHIP_TO


@pytest.mark.parametrize(
    ("level", "min_qty", "max_qty", "multiple", "quantity"),
    [
        (5, 5, 20, 1, 0),  # at the min: nothing
        (4, 5, 20, 1, 16),  # up to the max
        (3, 5, 20, 6, 12),  # room 17: two cases of 6
        (4, 5, 12, 10, 10),  # room 8 < a case: one case anyway
        (0, 5, 24, 12, 24),  # empty face: two cases fill it exactly
        (-6, 5, 20, 5, 25),  # 6 units of demand uncovered: room 26, five cases of 5
    ],
)
def test_quantities_by_hand(
    level: int, min_qty: int, max_qty: int, multiple: int, quantity: int
) -> None:
    assert (
        replenish_quantity(level=level, min_qty=min_qty, max_qty=max_qty, multiple=multiple)
        == quantity
    )


@pytest.fixture
def face(wh: Any, zone: Any) -> Any:
    return LocationFactory(
        warehouse=wh, zone=zone, code="P-01", kind=LocationKind.PICK_FACE, is_pickable=True
    )


@pytest.fixture
def reserve(wh: Any, zone: Any) -> list[Any]:
    return [
        LocationFactory(warehouse=wh, zone=zone, code=f"R-0{n}", pick_sequence=100 + n)
        for n in (1, 2)
    ]


@pytest.fixture
def rule(wh: Any, face: Any, serum: Any) -> PickFaceRule:
    return PickFaceRule.objects.create(
        warehouse=wh, location=face, product=serum, min_qty=5, max_qty=20, multiple=5
    )


@pytest.fixture
def serum_stock(manager: Any, face: Any, reserve: list[Any], serum: Any) -> dict[str, Any]:
    """6 at the face; reserve R-01 holds a later lot received first, R-02 an earlier-expiring
    lot received later: FEFO picks R-02."""
    late = LotFactory(product=serum, number="LATE", expiry_date=dt.date(2031, 6, 30))
    early = LotFactory(product=serum, number="EARLY", expiry_date=dt.date(2030, 6, 30))
    ledger.receive(user=manager, product=serum, quantity=6, location=face, lot=late)
    ledger.receive(user=manager, product=serum, quantity=50, location=reserve[0], lot=late)
    ledger.receive(user=manager, product=serum, quantity=50, location=reserve[1], lot=early)
    return {"late": late, "early": early}


def _pick(manager: Any, face: Any, staging: Any, serum: Any, lot: Any, qty: int) -> None:
    ledger.move(
        user=manager,
        product=serum,
        quantity=qty,
        lot=lot,
        from_location=face,
        to_location=staging,
        reason=Reason.PICK,
    )


def test_a_pick_below_min_makes_one_task_from_the_earliest_expiring_reserve(
    manager: Any, face: Any, staging: Any, serum: Any, rule: Any, serum_stock: Any, reserve: Any
) -> None:
    _pick(manager, face, staging, serum, serum_stock["late"], 1)
    assert after_pick(location_id=face.pk, product_id=serum.pk, user=manager) is None  # 5 left
    _pick(manager, face, staging, serum, serum_stock["late"], 2)
    task = after_pick(location_id=face.pk, product_id=serum.pk, user=manager)
    assert task is not None
    # level 3: room 17, three multiples of 5
    assert (task.quantity, task.from_location_id, task.lot_id, task.trigger) == (
        15,
        reserve[1].pk,
        serum_stock["early"].pk,
        "pick",
    )
    _pick(manager, face, staging, serum, serum_stock["late"], 1)
    assert after_pick(location_id=face.pk, product_id=serum.pk, user=manager) is None
    assert ReplenishmentTask.objects.count() == 1


def test_completing_moves_through_the_ledger_and_a_wrong_scan_writes_nothing(
    manager: Any, operator: Any, face: Any, staging: Any, serum: Any, rule: Any, serum_stock: Any
) -> None:
    _pick(manager, face, staging, serum, serum_stock["late"], 3)
    task = after_pick(location_id=face.pk, product_id=serum.pk, user=manager)
    assert task is not None
    with assert_nothing_written(), pytest.raises(ReplenishmentRefused, match="Expected bin R-02"):
        complete_replenishment(task=task, user=operator, from_code="R-01", to_code="P-01")
    task = complete_replenishment(task=task, user=operator, from_code="R-02", to_code="P-01")
    assert task.status == ReplenishmentStatus.DONE
    move = StockMove.objects.get(reason=Reason.REPLENISH)
    assert (move.quantity, move.from_location.code, move.to_location_id) == (15, "R-02", face.pk)
    face_units = Balance.objects.filter(location=face, status=InventoryStatus.AVAILABLE)
    assert sum(face_units.values_list("on_hand", flat=True)) == 18
    # the face is above its min again, and a new pick below it makes a new task
    _pick(manager, face, staging, serum, serum_stock["early"], 14)
    assert after_pick(location_id=face.pk, product_id=serum.pk, user=manager) is not None


def test_allocation_short_at_the_face_makes_a_task(
    manager: Any, wh: Any, face: Any, serum: Any, rule: Any, serum_stock: Any, acme_outdoor: Any
) -> None:
    order, _ = create_order(
        client=acme_outdoor,
        warehouse=wh,
        reference="BIG-1",
        ship_to=SHIP_TO,
        lines=[OrderLineSpec(serum, 10)],
        user=manager,
    )
    allocate_orders(order_ids=[order.pk], user=manager)
    task = ReplenishmentTask.objects.get()
    # 6 free at the face were allocated: level 0 less 4 uncovered = -4; room 24, 4 cases
    assert (task.trigger, task.quantity) == ("allocation", 20)


def test_sweep_tasks_faces_below_min_once(
    manager: Any, face: Any, staging: Any, serum: Any, rule: Any, serum_stock: Any
) -> None:
    _pick(manager, face, staging, serum, serum_stock["late"], 4)
    assert sweep() == 1
    assert sweep() == 0
    assert ReplenishmentTask.objects.get().trigger == "sweep"


def test_the_beat_task_runs_the_sweep(
    manager: Any, face: Any, staging: Any, serum: Any, rule: Any, serum_stock: Any
) -> None:
    from control.tasks import replenishment_sweep_task

    _pick(manager, face, staging, serum, serum_stock["late"], 2)
    assert replenishment_sweep_task() == 1


def test_replenishment_api_lists_and_completes(
    api_as: Any,
    manager: Any,
    operator: Any,
    face: Any,
    staging: Any,
    serum: Any,
    rule: Any,
    serum_stock: Any,
) -> None:
    _pick(manager, face, staging, serum, serum_stock["late"], 3)
    task = after_pick(location_id=face.pk, product_id=serum.pk, user=manager)
    assert task is not None
    api = api_as(operator)
    [listed] = api.get("/replenishment-tasks", status="open").json()["items"]
    assert (listed["location"], listed["from_location"], listed["quantity"]) == ("P-01", "R-02", 15)
    wrong = api.post(
        f"/replenishment-tasks/{task.pk}/complete", {"from_location": "R-01", "to_location": "P-01"}
    )
    assert wrong.status_code == 400
    done = api.post(
        f"/replenishment-tasks/{task.pk}/complete",
        {"from_location": "R-02", "to_location": "P-01"},
        **{"Idempotency-Key": "r-1"},
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    again = api.post(
        f"/replenishment-tasks/{task.pk}/complete",
        {"from_location": "R-02", "to_location": "P-01"},
        **{"Idempotency-Key": "r-1"},
    )
    assert again.json() == done.json()
    assert StockMove.objects.filter(reason=Reason.REPLENISH).count() == 1
