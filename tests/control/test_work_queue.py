"""The floor's one work queue, worked by hand: with one task of each kind waiting, "Get work"
hands them out in the warehouse's order (by default replenishment, picking, putaway, counting),
gives an operator back what they hold, follows a manager's new order, and never gives two
operators asking at once the same task."""

from __future__ import annotations

from typing import Any

import pytest

from control.models import PickFaceRule, WorkKind
from control.queue import next_work, queue, reassign, save_rules, set_priority
from control.services.replenishment import after_pick
from inventory.models import LocationKind, Reason
from inventory.services import ledger
from picking.services.orders import OrderLineSpec, create_order
from picking.services.waves import create_wave, release_wave
from receiving.services.putaway_tasks import create_task_for_lpn
from tests.factories import LocationFactory, LpnFactory, UserFactory
from tests.helpers import table_records
from tests.picking.conftest import SHIP_TO


@pytest.fixture
def work(
    manager: Any, wh: Any, zone: Any, bin_a: Any, staging: Any, widget: Any, acme_outdoor: Any
) -> dict[str, Any]:
    """One task of each kind in EAST: a count of A-01-01, a replenishment of P-01, a released
    pick list for one widget, and a putaway of a pallet at the dock."""
    from control.models import CountPlan, PlanKind
    from control.services.plans import run_plan

    face = LocationFactory(
        warehouse=wh, zone=zone, code="P-01", kind=LocationKind.PICK_FACE, is_pickable=True
    )
    ledger.receive(user=manager, product=widget, quantity=30, location=bin_a)
    ledger.receive(user=manager, product=widget, quantity=6, location=face)
    PickFaceRule.objects.create(
        warehouse=wh, location=face, product=widget, min_qty=5, max_qty=10, multiple=1
    )
    ledger.move(
        user=manager,
        product=widget,
        quantity=2,
        from_location=face,
        to_location=staging,
        reason=Reason.PICK,
    )
    assert after_pick(location_id=face.pk, product_id=widget.pk, user=manager) is not None
    order, _ = create_order(
        client=acme_outdoor,
        warehouse=wh,
        reference="Q-1",
        ship_to=SHIP_TO,
        lines=[OrderLineSpec(widget, 1)],
        user=manager,
    )
    wave = create_wave(warehouse=wh, order_ids=[order.pk], user=manager).wave
    release_wave(wave=wave, user=manager, staging_location=staging)
    dock = LocationFactory(warehouse=wh, code="DOCK-1", kind=LocationKind.DOCK)
    pallet = LpnFactory(code="PAL-9", warehouse=wh)
    ledger.receive(user=manager, product=widget, quantity=10, location=dock, lpn=pallet)
    create_task_for_lpn(user=manager, lpn=pallet)
    run_plan(
        plan=CountPlan.objects.create(warehouse=wh, name="Z", kind=PlanKind.ZONE, zone=zone),
        user=manager,
    )
    return {"face": face}


def _operators(east: Any, n: int) -> list[Any]:
    return [
        UserFactory(role="operator", email=f"q{i}@acme.test", warehouses=[east]) for i in range(n)
    ]


def test_default_order_and_held_work(work: Any, wh: Any, east: Any) -> None:
    first, second, third, fourth, fifth = _operators(east, 5)
    kinds = [next_work(user=u, warehouse=wh) for u in (first, second, third, fourth)]
    assert [k.kind if k else None for k in kinds] == [
        WorkKind.REPLENISHMENT,
        WorkKind.PICKING,
        WorkKind.PUTAWAY,
        WorkKind.COUNTING,
    ]
    # asking again gives back what one holds
    again = next_work(user=first, warehouse=wh)
    assert again is not None and (again.kind, again.pk) == (kinds[0].kind, kinds[0].pk)  # type: ignore[union-attr]
    # the zone plan made two counts (A-01-01 and P-01): the fifth operator gets the other
    other = next_work(user=fifth, warehouse=wh)
    assert other is not None and other.kind == WorkKind.COUNTING and other.pk != kinds[3].pk  # type: ignore[union-attr]


def test_manager_rules_put_counting_first(work: Any, wh: Any, east: Any, manager: Any) -> None:
    save_rules(
        warehouse=wh,
        ranks={"counting": 1, "putaway": 2, "picking": 3, "replenishment": 4},
        user=manager,
    )
    one, two, three = _operators(east, 3)
    assert [next_work(user=u, warehouse=wh).kind for u in (one, two, three)] == [  # type: ignore[union-attr]
        WorkKind.COUNTING,
        WorkKind.COUNTING,
        WorkKind.PUTAWAY,
    ]


def test_manager_reassigns_and_reprioritises(work: Any, wh: Any, east: Any, manager: Any) -> None:
    one, two = _operators(east, 2)
    item = next_work(user=one, warehouse=wh)
    assert item is not None and item.kind == WorkKind.REPLENISHMENT
    reassign(kind=item.kind, pk=item.pk, to_user=two, by=manager)
    held = next_work(user=two, warehouse=wh)
    assert held is not None and (held.kind, held.pk) == (item.kind, item.pk)
    set_priority(kind=WorkKind.COUNTING, pk=queue([wh.pk])[-1].pk, priority=99, by=manager)
    counts = [i for i in queue([wh.pk]) if i.kind == WorkKind.COUNTING]
    assert sorted(i.priority for i in counts) == [0, 99]


def test_manager_queue_page_and_get_work_button(
    http_for: Any, work: Any, operator: Any, manager: Any
) -> None:
    page = http_for(manager).get("/control/work/")
    rows = table_records(page.content, with_column="Kind")
    assert sorted(r["Kind"] for r in rows) == [
        "counting",
        "counting",
        "picking",
        "putaway",
        "replenishment",
    ]
    got = http_for(operator).post("/floor/work/")
    assert got.status_code == 302
    assert got["Location"].startswith("/floor/replenish/")
    replenish = http_for(operator).post(got["Location"], {"source": "A-01-01", "target": "P-01"})
    assert "Moved 6 to P-01" in replenish.content.decode()


def test_work_next_api(api_as: Any, work: Any, operator: Any) -> None:
    answer = api_as(operator).post("/work/next", {"warehouse": "EAST"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["kind"] == "replenishment"
