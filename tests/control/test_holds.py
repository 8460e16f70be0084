"""Holds: held stock leaves available at once, the orders it was promised to are re-allocated
from other stock (an unreleased order allocated again; a released order's pick line replaced by
one on other stock), a release is audited and gives the stock back, and a recall report says
where every unit of a lot went."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from control.exceptions import HoldRefused
from control.models import HoldStatus
from control.selectors import recall_report
from control.services.holds import place_hold, release_hold
from inventory.models import (
    Balance,
    Event,
    InventoryStatus,
    LocationKind,
    LpnKind,
    Reservation,
    ReservationStatus,
)
from inventory.reconcile import find_drift
from inventory.services import ledger
from picking.models import OrderLine, PickLine, PickLineStatus
from picking.services.allocation import allocate_orders
from picking.services.orders import OrderLineSpec, create_order
from picking.services.waves import create_wave, release_wave
from tests.factories import LocationFactory, LotFactory, LpnFactory
from tests.helpers import assert_nothing_written
from tests.picking.conftest import SHIP_TO


@pytest.fixture
def faces(wh: Any, zone: Any) -> list[Any]:
    return [
        LocationFactory(
            warehouse=wh,
            zone=zone,
            code=f"P-0{n}",
            kind=LocationKind.PICK_FACE,
            is_pickable=True,
            pick_sequence=n,
        )
        for n in (1, 2)
    ]


def _order(client: Any, wh: Any, manager: Any, reference: str, product: Any, qty: int) -> Any:
    order, _ = create_order(
        client=client,
        warehouse=wh,
        reference=reference,
        ship_to=SHIP_TO,
        lines=[OrderLineSpec(product, qty)],
        user=manager,
    )
    allocate_orders(order_ids=[order.pk], user=manager)
    return order


def _status_units(location: Any, status: str) -> int:
    return sum(
        Balance.objects.filter(location=location, status=status).values_list("on_hand", flat=True)
    )


def test_lot_recall_reallocates_an_unreleased_order_and_release_gives_stock_back(
    manager: Any, wh: Any, faces: list[Any], serum: Any, acme_outdoor: Any
) -> None:
    early = LotFactory(product=serum, number="L-EARLY", expiry_date=dt.date(2030, 1, 31))
    late = LotFactory(product=serum, number="L-LATE", expiry_date=dt.date(2031, 1, 31))
    ledger.receive(user=manager, product=serum, quantity=10, location=faces[0], lot=early)
    ledger.receive(user=manager, product=serum, quantity=10, location=faces[1], lot=late)
    order = _order(acme_outdoor, wh, manager, "R-1", serum, 6)
    [first] = Reservation.objects.filter(status=ReservationStatus.ACTIVE)
    assert first.balance.lot_id == early.pk  # FEFO

    hold = place_hold(user=manager, kind="lot", reason="recall", lot=early, note="supplier recall")
    assert hold.held_units == 10
    assert _status_units(faces[0], InventoryStatus.HOLD) == 10
    assert _status_units(faces[0], InventoryStatus.AVAILABLE) == 0
    [now_reserved] = Reservation.objects.filter(status=ReservationStatus.ACTIVE)
    assert (now_reserved.balance.lot_id, now_reserved.quantity) == (late.pk, 6)
    assert OrderLine.objects.get(order=order).allocated_qty == 6
    order.refresh_from_db()
    assert order.status == "allocated"
    held = Event.objects.get(type="stock.held")
    assert (held.payload["lot"], held.payload["reservations_released"]) == ("L-EARLY", 1)

    hold = release_hold(hold=hold, user=manager, note="supplier cleared the lot")
    assert (hold.status, hold.released_by_id, hold.release_note) == (
        HoldStatus.RELEASED,
        manager.pk,
        "supplier cleared the lot",
    )
    assert hold.released_at is not None
    assert _status_units(faces[0], InventoryStatus.AVAILABLE) == 10
    assert Event.objects.filter(type="stock.released_from_hold").count() == 1
    assert find_drift() == []


def test_location_hold_replaces_a_released_pick_line_with_one_on_other_stock(
    manager: Any, wh: Any, faces: list[Any], widget: Any, acme_outdoor: Any, staging: Any
) -> None:
    for face in faces:
        ledger.receive(user=manager, product=widget, quantity=10, location=face)
    order = _order(acme_outdoor, wh, manager, "R-2", widget, 4)
    wave = create_wave(warehouse=wh, order_ids=[order.pk], user=manager).wave
    release_wave(wave=wave, user=manager, staging_location=staging)
    [line] = PickLine.objects.all()
    assert line.location_id == faces[0].pk

    place_hold(user=manager, kind="location", reason="damage", location=faces[0])
    line.refresh_from_db()
    assert line.status == PickLineStatus.CANCELLED
    [replacement] = PickLine.objects.filter(status=PickLineStatus.OPEN)
    assert (replacement.location_id, replacement.quantity, replacement.pick_list_id) == (
        faces[1].pk,
        4,
        line.pick_list_id,
    )
    assert OrderLine.objects.get(order=order).allocated_qty == 4
    assert _status_units(faces[0], InventoryStatus.HOLD) == 10
    assert find_drift() == []


def test_a_hold_without_its_target_is_refused(manager: Any, wh: Any, stocked: Any) -> None:
    with assert_nothing_written(), pytest.raises(HoldRefused, match="needs the product"):
        place_hold(user=manager, kind="product", reason="quality")
    with assert_nothing_written(), pytest.raises(HoldRefused, match="Unknown hold reason"):
        place_hold(user=manager, kind="product", reason="whim", product=stocked["widget"])


def test_releasing_twice_is_refused(manager: Any, wh: Any, stocked: Any) -> None:
    hold = place_hold(user=manager, kind="product", reason="quality", product=stocked["widget"])
    release_hold(hold=hold, user=manager)
    with assert_nothing_written(), pytest.raises(Exception, match="is released and cannot"):
        release_hold(hold=hold, user=manager)


def test_recall_report_lists_stock_and_shipped_units(
    manager: Any, wh: Any, bin_a: Any, staging: Any, serum: Any, serum_lot: Any
) -> None:
    ledger.receive(user=manager, product=serum, quantity=20, location=bin_a, lot=serum_lot)
    carton = LpnFactory(code="CTN-1", warehouse=wh, kind=LpnKind.CARTON)
    ledger.move(
        user=manager,
        product=serum,
        quantity=5,
        lot=serum_lot,
        from_location=bin_a,
        to_location=staging,
        to_lpn=carton,
    )
    ledger.ship_lpn(user=manager, lpn=carton, reference_type="shipment", reference_id="77")
    ledger.adjust(
        user=manager,
        product=serum,
        location=bin_a,
        quantity=-2,
        reason_code="damaged",
        lot=serum_lot,
    )
    report = recall_report(manager, serum_lot)
    assert [(b.location.code, b.on_hand) for b in report.in_stock] == [("A-01-01", 13)]
    assert {(g.destination, g.reference_id, g.units) for g in report.gone} == {
        ("customer", "77", 5),
        ("adjustment", "", 2),
    }
    assert report.units_in_stock + report.units_gone == 20


def test_holds_desk_places_releases_and_shows_the_recall(
    http_for: Any, manager: Any, wh: Any, bin_a: Any, serum: Any, serum_lot: Any
) -> None:
    from control.models import Hold

    ledger.receive(user=manager, product=serum, quantity=9, location=bin_a, lot=serum_lot)
    http = http_for(manager)
    placed = http.post(
        "/control/holds/",
        {
            "kind": "lot",
            "reason": "recall",
            "client": "acme-outdoor",
            "sku": "SERUM",
            "lot": "S-2027-01",
        },
    )
    assert placed.status_code == 302, placed.content
    hold = Hold.objects.get()
    assert hold.held_units == 9
    with assert_nothing_written(except_tables=["django_session"]):
        unknown = http.post(
            "/control/holds/",
            {
                "kind": "lot",
                "reason": "recall",
                "client": "acme-outdoor",
                "sku": "SERUM",
                "lot": "NOPE",
            },
        )
    assert unknown.status_code == 200
    report = http.get(f"/control/recall/lots/{serum_lot.pk}/")
    assert "9 units in stock" in report.content.decode()
    http.post(f"/control/holds/{hold.pk}/release/", {"note": "lab ok"})
    hold.refresh_from_db()
    assert (hold.status, hold.release_note) == ("released", "lab ok")
