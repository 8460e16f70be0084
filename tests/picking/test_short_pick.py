"""short_pick on a discrete list: reallocation from another bin, a line that stays short, the
count request, the phantom units put on hold, and an idempotent repeat."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import (
    Balance,
    CountRequest,
    Event,
    InventoryStatus,
    Reservation,
    ReservationStatus,
    StockMove,
)
from inventory.reconcile import find_drift
from picking.models import OrderStatus, PickLine, PickLineStatus, PickListStatus
from picking.services.picks import confirm_pick, next_pick_list, short_pick
from picking.services.waves import create_wave, release_wave

pytestmark = pytest.mark.django_db


def start(wh: Any, orders: list[Any], manager: Any, operator: Any) -> Any:
    wave = create_wave(warehouse=wh, order_ids=[o.pk for o in orders], user=manager).wave
    release_wave(wave=wave, user=manager)
    pick_list = next_pick_list(operator, [wh.pk])
    assert pick_list is not None
    return pick_list


def balance(product: Any, location: Any, status: str = InventoryStatus.AVAILABLE) -> Any:
    return Balance.objects.filter(product=product, location=location, status=status).first()


def test_a_short_is_reallocated_from_another_bin_as_a_new_line(
    wh: Any,
    bins: Any,
    staging: Any,
    mug: Any,
    put: Any,
    order_for: Any,
    manager: Any,
    operator: Any,
) -> None:
    """3 mugs at A-02 (the covering bin), 10 at B-01. A-02 holds only 1: pick it, 2 are
    reserved at B-01 and appended as line 2; nothing is short."""
    put(mug, bins["A-02"], 3)
    put(mug, bins["B-01"], 10)
    order = order_for("SO-1", (mug, 3))
    pick_list = start(wh, [order], manager, operator)
    line = pick_list.lines.get()
    assert line.location == bins["A-02"]

    result = short_pick(
        user=operator,
        pick_line_id=line.pk,
        location_code="A-02",
        found_quantity=1,
        item_code="MUG",
    )

    assert (result.picked, result.reallocated, result.short) == (1, 2, 0)
    lines = list(pick_list.lines.order_by("sequence"))
    assert [(ln.sequence, ln.location.code, ln.quantity, ln.status) for ln in lines] == [
        (1, "A-02", 3, PickLineStatus.SHORT),
        (2, "B-01", 2, PickLineStatus.OPEN),
    ]
    assert (lines[0].picked_qty, lines[0].short_qty) == (1, 2)
    order_line = order.lines.get()
    assert (order_line.allocated_qty, order_line.picked_qty, order_line.short_qty) == (2, 1, 0)
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKING
    assert find_drift() == []


def test_with_no_stock_elsewhere_the_line_is_short_and_the_order_picked(
    wh: Any,
    bins: Any,
    staging: Any,
    mug: Any,
    put: Any,
    order_for: Any,
    manager: Any,
    operator: Any,
) -> None:
    """Only A-02 has mugs (3, ledger); 1 is found. The other 2 are short on the order line;
    with nothing left to pick the list is done and the order picked, with its shorts."""
    put(mug, bins["A-02"], 3)
    order = order_for("SO-1", (mug, 3))
    pick_list = start(wh, [order], manager, operator)
    line = pick_list.lines.get()

    result = short_pick(
        user=operator,
        pick_line_id=line.pk,
        location_code="B-A-02",
        found_quantity=1,
        item_code="MUG",
    )

    assert (result.picked, result.reallocated, result.short, result.list_done) == (1, 0, 2, True)
    assert pick_list.lines.count() == 1
    order_line = order.lines.get()
    assert (order_line.allocated_qty, order_line.picked_qty, order_line.short_qty) == (0, 1, 2)
    order.refresh_from_db()
    pick_list.refresh_from_db()
    assert order.status == OrderStatus.PICKED
    assert pick_list.status == PickListStatus.DONE
    picked = Event.objects.get(type="order.picked")
    assert (picked.payload["picked_units"], picked.payload["short_units"]) == (1, 2)
    assert not Reservation.objects.filter(status=ReservationStatus.ACTIVE).exists()
    assert find_drift() == []


def test_phantom_units_go_on_hold_but_other_orders_keep_theirs(
    wh: Any,
    bins: Any,
    staging: Any,
    mug: Any,
    put: Any,
    order_for: Any,
    manager: Any,
    operator: Any,
) -> None:
    """A-02 shows 6 mugs. SO-1 reserves 3, SO-2 reserves 1 (both from A-02, one list each).
    The operator finds none for SO-1: the 5 not promised to SO-2 go on hold (the bin is to be
    counted); SO-2's unit stays reserved; SO-1's 3 are short (no stock elsewhere)."""
    put(mug, bins["A-02"], 6)
    first = order_for("SO-1", (mug, 3), priority=1)
    second = order_for("SO-2", (mug, 1), priority=2)
    pick_list = start(wh, [first, second], manager, operator)
    line = pick_list.lines.get()
    assert line.order == first

    result = short_pick(user=operator, pick_line_id=line.pk, location_code="A-02", found_quantity=0)

    assert (result.picked, result.short) == (0, 3)
    held = balance(mug, bins["A-02"], InventoryStatus.HOLD)
    available = balance(mug, bins["A-02"])
    assert held.on_hand == 5
    assert (available.on_hand, available.allocated) == (1, 1)
    assert not StockMove.objects.filter(reason="pick").exists()
    assert find_drift() == []


def test_the_count_request_is_recorded_once_and_a_repeat_writes_nothing(
    wh: Any,
    bins: Any,
    staging: Any,
    mug: Any,
    put: Any,
    order_for: Any,
    manager: Any,
    operator: Any,
) -> None:
    put(mug, bins["A-02"], 3)
    put(mug, bins["B-01"], 10)
    order = order_for("SO-1", (mug, 3))
    pick_list = start(wh, [order], manager, operator)
    line = pick_list.lines.get()
    scan = {
        "user": operator,
        "pick_line_id": line.pk,
        "location_code": "A-02",
        "found_quantity": 1,
        "item_code": "MUG",
        "idempotency_key": "short-1",
    }

    first = short_pick(**scan)
    counts = (
        StockMove.objects.count(),
        Event.objects.count(),
        Reservation.objects.count(),
        PickLine.objects.count(),
    )
    again = short_pick(**scan)

    assert again == first
    assert CountRequest.objects.filter(location=bins["A-02"], product=mug).count() == 1
    assert (
        StockMove.objects.count(),
        Event.objects.count(),
        Reservation.objects.count(),
        PickLine.objects.count(),
    ) == counts
    assert balance(mug, bins["A-02"], InventoryStatus.HOLD).on_hand == 2


def test_after_reallocation_the_new_line_is_picked_and_the_order_completes(
    wh: Any,
    bins: Any,
    staging: Any,
    mug: Any,
    put: Any,
    order_for: Any,
    manager: Any,
    operator: Any,
) -> None:
    put(mug, bins["A-02"], 3)
    put(mug, bins["B-01"], 10)
    order = order_for("SO-1", (mug, 3))
    pick_list = start(wh, [order], manager, operator)
    short_pick(
        user=operator,
        pick_line_id=pick_list.lines.get().pk,
        location_code="A-02",
        found_quantity=1,
        item_code="MUG",
    )
    new_line = pick_list.lines.get(status=PickLineStatus.OPEN)

    result = confirm_pick(
        user=operator, pick_line_id=new_line.pk, location_code="B-01", item_code="MUG"
    )

    assert result.list_done and result.picked == 2
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKED
    assert order.lines.get().picked_qty == 3
    assert sum(StockMove.objects.filter(reason="pick").values_list("quantity", flat=True)) == 3
    assert find_drift() == []
