"""Directed putaway remembers work in flight: a destination proposed to an open putaway task, or
the face an open replenishment task fills, counts against its capacity, so pallets received at
once are not all sent to the same empty bin; a pallet position holds one pallet unless set
otherwise."""

from __future__ import annotations

from typing import Any

from inventory.models import Location, LpnKind, StorageType
from inventory.services import ledger
from receiving.services import putaway_tasks
from tests.factories import LocationFactory, LpnFactory


def _pallet(
    wh: Any, dock: Any, widget: Any, manager: Any, code: str, units: int = 10, kind: str = "pallet"
) -> Any:
    pallet = LpnFactory(code=code, warehouse=wh, kind=kind)
    ledger.receive(user=manager, product=widget, quantity=units, location=dock, lpn=pallet)
    pallet.refresh_from_db()
    return pallet


def test_pallets_received_at_once_go_to_different_pallet_positions(
    wh: Any, dock: Any, bin_a: Any, bin_b: Any, widget: Any, manager: Any, operator: Any
) -> None:
    Location.objects.filter(pk__in=[bin_a.pk, bin_b.pk]).update(
        storage_type=StorageType.PALLET_POSITION
    )
    first = putaway_tasks.create_task_for_lpn(
        user=operator, lpn=_pallet(wh, dock, widget, manager, "PAL-A")
    )
    second = putaway_tasks.create_task_for_lpn(
        user=operator, lpn=_pallet(wh, dock, widget, manager, "PAL-B")
    )
    third = putaway_tasks.create_task_for_lpn(
        user=operator, lpn=_pallet(wh, dock, widget, manager, "PAL-C")
    )
    assert (first.proposed_location_id, second.proposed_location_id) == (bin_a.pk, bin_b.pk)
    assert third.proposed_location_id is None
    assert "A-01-01 holds 1 pallet (1 there or on the way)" in third.reason


def test_a_pallet_position_set_to_two_takes_two(
    wh: Any, dock: Any, bin_a: Any, bin_b: Any, widget: Any, manager: Any, operator: Any
) -> None:
    Location.objects.filter(pk=bin_a.pk).update(
        storage_type=StorageType.PALLET_POSITION, max_pallets=2
    )
    tasks = [
        putaway_tasks.create_task_for_lpn(
            user=operator, lpn=_pallet(wh, dock, widget, manager, f"PAL-{n}")
        )
        for n in range(3)
    ]
    assert [t.proposed_location_id for t in tasks] == [bin_a.pk, bin_a.pk, bin_b.pk]


def test_units_on_the_way_count_against_a_bins_capacity(
    wh: Any, dock: Any, bin_a: Any, bin_b: Any, widget: Any, manager: Any, operator: Any
) -> None:
    Location.objects.filter(pk__in=[bin_a.pk, bin_b.pk]).update(max_units=15)
    first = putaway_tasks.create_task_for_lpn(
        user=operator, lpn=_pallet(wh, dock, widget, manager, "PAL-1")
    )
    second = putaway_tasks.create_task_for_lpn(
        user=operator, lpn=_pallet(wh, dock, widget, manager, "PAL-2")
    )
    assert (first.proposed_location_id, second.proposed_location_id) == (bin_a.pk, bin_b.pk)


def test_an_open_replenishment_counts_against_its_face(
    wh: Any, zone: Any, dock: Any, widget: Any, manager: Any, operator: Any
) -> None:
    from control.models import ReplenishmentTask

    face = LocationFactory(warehouse=wh, zone=zone, code="P-01", kind="pick_face", max_units=12)
    other = LocationFactory(
        warehouse=wh, zone=zone, code="P-02", kind="pick_face", pick_sequence=99
    )
    reserve = LocationFactory(warehouse=wh, zone=zone, code="R-01", pick_sequence=500)
    ReplenishmentTask.objects.create(
        warehouse=wh,
        location=face,
        product=widget,
        from_location=reserve,
        quantity=10,
        trigger="sweep",
    )
    # P-01 comes first in walking order and is empty, but 10 are on the way and it holds 12
    case = putaway_tasks.create_task_for_lpn(
        user=operator, lpn=_pallet(wh, dock, widget, manager, "CASE-1", 5, LpnKind.CASE)
    )
    assert case.proposed_location_id == other.pk
