"""A cluster cart end to end through the services: wave, release, ask for work, pick into
totes, a short pick reallocated from another bin, and the orders reaching picked."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import (
    Balance,
    CountRequest,
    InventoryStatus,
    Reservation,
    ReservationStatus,
    StockMove,
)
from inventory.reconcile import find_drift
from picking.exceptions import PickRefused
from picking.models import OrderStatus, PickLineStatus, PickListStatus, WaveStatus
from picking.services.picks import confirm_pick, next_pick_list, short_pick
from picking.services.waves import create_wave, release_wave

pytestmark = pytest.mark.django_db


def test_cluster_cart_picks_two_orders_into_their_totes(
    use_tenant: Any,
    wh: Any,
    bins: Any,
    staging: Any,
    totes: Any,
    mug: Any,
    lamp: Any,
    put: Any,
    order_for: Any,
    manager: Any,
    operator: Any,
) -> None:
    put(mug, bins["A-02"], 3)
    put(mug, bins["B-01"], 10)
    put(lamp, bins["A-01"], 5)
    first = order_for("SO-1", (mug, 2), (lamp, 1))
    second = order_for("SO-2", (lamp, 2))
    created = create_wave(warehouse=wh, order_ids=[first.pk, second.pk], user=manager)
    assert created.allocation.summary.startswith("2 allocated")
    released = release_wave(
        wave=created.wave, user=manager, pick_method="cluster", orders_per_cart=4
    )
    assert len(released.pick_lists) == 1

    pick_list = next_pick_list(operator, [wh.pk])
    assert pick_list is not None and pick_list.status == PickListStatus.IN_PROGRESS
    lines = list(pick_list.lines.order_by("sequence"))
    assert [(ln.location.code, ln.order.reference, ln.quantity) for ln in lines] == [
        ("A-01", "SO-1", 1),
        ("A-01", "SO-2", 2),
        ("A-02", "SO-1", 2),
    ]
    with pytest.raises(PickRefused, match="Wrong bin: expected A-01, scanned B-A-02"):
        confirm_pick(
            user=operator,
            pick_line_id=lines[0].pk,
            location_code="B-A-02",
            item_code="LAMP",
            tote_code="TOTE-001",
        )
    assert not StockMove.objects.filter(reason="pick").exists()

    confirm_pick(
        user=operator,
        pick_line_id=lines[0].pk,
        location_code="B-A-01",
        item_code="0009998887776",
        tote_code="TOTE-001",
    )
    with pytest.raises(PickRefused, match="goes in tote TOTE-001"):
        confirm_pick(
            user=operator,
            pick_line_id=lines[2].pk,
            location_code="B-A-02",
            item_code="MUG",
            tote_code="TOTE-002",
        )
    with pytest.raises(PickRefused, match="already holds order SO-1"):
        confirm_pick(
            user=operator,
            pick_line_id=lines[1].pk,
            location_code="B-A-01",
            item_code="LAMP",
            tote_code="TOTE-001",
        )
    confirm_pick(
        user=operator,
        pick_line_id=lines[1].pk,
        location_code="B-A-01",
        item_code="LAMP",
        tote_code="TOTE-002",
    )
    second.refresh_from_db()
    assert second.status == OrderStatus.PICKED

    # A-02 holds only 1 mug where the ledger says 3: short, reallocated from B-01.
    result = short_pick(
        user=operator,
        pick_line_id=lines[2].pk,
        location_code="B-A-02",
        found_quantity=1,
        item_code="MUG",
        tote_code="TOTE-001",
    )
    assert (result.picked, result.reallocated, result.short) == (1, 1, 0)
    assert CountRequest.objects.filter(location=bins["A-02"], product=mug).count() == 1
    held = Balance.objects.get(location=bins["A-02"], product=mug, status=InventoryStatus.HOLD)
    assert held.on_hand == 2  # 3 on the books, 1 found and picked: the other 2 are not there
    new_line = pick_list.lines.get(status=PickLineStatus.OPEN)
    assert (new_line.location.code, new_line.quantity) == ("B-01", 1)
    done = confirm_pick(
        user=operator,
        pick_line_id=new_line.pk,
        location_code="B-B-01",
        item_code="MUG",
        tote_code="TOTE-001",
        idempotency_key="scan-1",
    )
    again = confirm_pick(
        user=operator,
        pick_line_id=new_line.pk,
        location_code="B-B-01",
        item_code="MUG",
        tote_code="TOTE-001",
        idempotency_key="scan-1",
    )
    assert done == again and done.list_done
    first.refresh_from_db()
    created.wave.refresh_from_db()
    assert first.status == OrderStatus.PICKED
    assert created.wave.status == WaveStatus.DONE
    assert StockMove.objects.filter(reason="pick").count() == 4
    assert not Reservation.objects.filter(status=ReservationStatus.ACTIVE).exists()
    assert find_drift() == []
