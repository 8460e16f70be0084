from __future__ import annotations

from typing import Any

import pytest

from inventory.exceptions import (
    InsufficientStock,
    InvalidQuantity,
    LocationRefused,
    LotRefused,
    LpnRefused,
    NotAllocatable,
)
from inventory.models import Balance, Event, InventoryStatus, Reason, StockMove
from inventory.reconcile import find_drift
from inventory.services import ledger
from tests.factories import LotFactory, ProductFactory


def on_hand(location: Any, product: Any, **key: Any) -> int:
    row = Balance.objects.filter(location=location, product=product, **key).first()
    return row.on_hand if row else 0


def test_receive_posts_a_move_from_supplier_a_balance_and_an_event(
    manager: Any, widget: Any, dock: Any
) -> None:
    move = ledger.receive(
        user=manager,
        product=widget,
        quantity=12,
        location=dock,
        reference_type="asn_line",
        reference_id="7",
    )
    assert (move.from_location.code, move.to_location.code, move.quantity, move.reason) == (
        "~SUPPLIER",
        "DOCK-1",
        12,
        Reason.RECEIPT,
    )
    assert (move.user, move.reference_type, move.reference_id) == (manager, "asn_line", "7")
    assert on_hand(dock, widget) == 12
    event = Event.objects.get()
    assert event.type == "stock.received"
    assert event.payload["quantity"] == 12
    assert event.payload["move_id"] == move.pk
    assert (event.client_id, event.warehouse_id) == (widget.client_id, dock.warehouse_id)


def test_move_between_bins(manager: Any, widget: Any, bin_a: Any, bin_b: Any) -> None:
    ledger.receive(user=manager, product=widget, quantity=10, location=bin_a)
    ledger.move(user=manager, product=widget, quantity=4, from_location=bin_a, to_location=bin_b)
    assert (on_hand(bin_a, widget), on_hand(bin_b, widget)) == (6, 4)
    assert list(Event.objects.values_list("type", flat=True)) == ["stock.received", "stock.moved"]


def test_moving_more_than_is_free_is_refused_and_writes_nothing(
    manager: Any, widget: Any, bin_a: Any, bin_b: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=5, location=bin_a)
    moves, events = StockMove.objects.count(), Event.objects.count()
    with pytest.raises(InsufficientStock) as refused:
        ledger.move(
            user=manager, product=widget, quantity=6, from_location=bin_a, to_location=bin_b
        )
    assert str(refused.value) == (
        "Not enough available stock of WIDGET at A-01-01: 5 available (5 on hand, 0 allocated), 6 requested."
    )
    assert (StockMove.objects.count(), Event.objects.count()) == (moves, events)
    assert (on_hand(bin_a, widget), on_hand(bin_b, widget)) == (5, 0)


@pytest.mark.parametrize("quantity", [0, -3, 2.5, True])
def test_bad_quantities_are_refused(manager: Any, widget: Any, dock: Any, quantity: Any) -> None:
    with pytest.raises(InvalidQuantity):
        ledger.receive(user=manager, product=widget, quantity=quantity, location=dock)
    assert not StockMove.objects.exists()


def test_lot_tracked_product_needs_its_own_lot(
    manager: Any, serum: Any, serum_lot: Any, widget: Any, dock: Any
) -> None:
    with pytest.raises(LotRefused, match="SERUM is lot-tracked: give the lot."):
        ledger.receive(user=manager, product=serum, quantity=1, location=dock)
    other_lot = LotFactory(
        product=ProductFactory(client=serum.client, sku="OTHER", tracking="lot"), number="X1"
    )
    with pytest.raises(LotRefused, match="belongs to another product"):
        ledger.receive(user=manager, product=serum, quantity=1, location=dock, lot=other_lot)
    with pytest.raises(LotRefused, match="WIDGET is not lot-tracked"):
        ledger.receive(user=manager, product=widget, quantity=1, location=dock, lot=serum_lot)
    ledger.receive(user=manager, product=serum, quantity=3, location=dock, lot=serum_lot)
    assert on_hand(dock, serum, lot=serum_lot) == 3


def test_blocked_location_refuses_stock(manager: Any, widget: Any, bin_a: Any) -> None:
    bin_a.is_blocked, bin_a.blocked_reason = True, "racking damaged"
    bin_a.save()
    with pytest.raises(LocationRefused, match=r"Location A-01-01 is blocked \(racking damaged\)."):
        ledger.receive(user=manager, product=widget, quantity=1, location=bin_a)
    assert not StockMove.objects.exists()


def test_full_location_refuses_by_units_volume_and_weight(
    manager: Any, widget: Any, bin_a: Any
) -> None:
    bin_a.max_units = 10
    bin_a.save()
    ledger.receive(user=manager, product=widget, quantity=8, location=bin_a)
    with pytest.raises(LocationRefused, match="holds at most 10 units; this would make 11"):
        ledger.receive(user=manager, product=widget, quantity=3, location=bin_a)
    bin_a.max_units, bin_a.max_volume_cm3 = None, 9000  # widget is 1000 cm³
    bin_a.save()
    with pytest.raises(LocationRefused, match="holds at most 9000 cm³; this would make 10000 cm³"):
        ledger.receive(user=manager, product=widget, quantity=2, location=bin_a)
    bin_a.max_volume_cm3, bin_a.max_weight_g = None, 4500  # widget is 500 g
    bin_a.save()
    with pytest.raises(LocationRefused, match="holds at most 4500 g; this would make 5000 g"):
        ledger.receive(user=manager, product=widget, quantity=2, location=bin_a)
    assert on_hand(bin_a, widget) == 8


def test_adjust_down_and_up_with_reason_code(manager: Any, widget: Any, bin_a: Any) -> None:
    ledger.receive(user=manager, product=widget, quantity=10, location=bin_a)
    down = ledger.adjust(
        user=manager, product=widget, location=bin_a, quantity=-3, reason_code="DAMAGED_IN_STORAGE"
    )
    up = ledger.adjust(
        user=manager, product=widget, location=bin_a, quantity=1, reason_code="FOUND"
    )
    assert (down.to_location.code, down.quantity, down.reason_code) == (
        "~ADJUSTMENT",
        3,
        "DAMAGED_IN_STORAGE",
    )
    assert (up.from_location.code, up.quantity) == ("~ADJUSTMENT", 1)
    assert on_hand(bin_a, widget) == 8
    with pytest.raises(InvalidQuantity, match="needs a reason code"):
        ledger.adjust(user=manager, product=widget, location=bin_a, quantity=-1, reason_code=" ")
    with pytest.raises(InsufficientStock):
        ledger.adjust(user=manager, product=widget, location=bin_a, quantity=-9, reason_code="LOST")


def test_status_change_in_place_and_held_stock_cannot_be_allocated(
    manager: Any, widget: Any, pick_face: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=10, location=pick_face)
    ledger.change_status(
        user=manager,
        product=widget,
        location=pick_face,
        quantity=4,
        from_status=InventoryStatus.AVAILABLE,
        to_status=InventoryStatus.HOLD,
    )
    held = Balance.objects.get(location=pick_face, product=widget, status=InventoryStatus.HOLD)
    assert (held.on_hand, on_hand(pick_face, widget, status=InventoryStatus.AVAILABLE)) == (4, 6)
    with pytest.raises(NotAllocatable, match="Stock in status hold cannot be allocated"):
        ledger.reserve(
            balance_id=held.pk, quantity=1, reference_type="order_line", reference_id="1"
        )
    assert Event.objects.last().type == "stock.status_changed"


def test_reserve_consume_release(manager: Any, widget: Any, pick_face: Any, wh: Any) -> None:
    from tests.factories import LocationFactory

    tote_place = LocationFactory(warehouse=wh, code="STAGE-1", kind="staging")
    ledger.receive(user=manager, product=widget, quantity=10, location=pick_face)
    balance = Balance.objects.get(location=pick_face, product=widget)
    reservation = ledger.reserve(
        balance_id=balance.pk, quantity=6, reference_type="order_line", reference_id="42"
    )
    balance.refresh_from_db()
    assert (balance.on_hand, balance.allocated) == (10, 6)
    with pytest.raises(InsufficientStock, match="Only 4 free at P-01"):
        ledger.reserve(
            balance_id=balance.pk, quantity=5, reference_type="order_line", reference_id="43"
        )
    # Free stock can move; allocated stock cannot be moved away from under its order.
    with pytest.raises(InsufficientStock):
        ledger.move(
            user=manager,
            product=widget,
            quantity=5,
            from_location=pick_face,
            to_location=tote_place,
        )
    pick = ledger.consume(
        user=manager, reservation_id=reservation.pk, quantity=4, to_location=tote_place
    )
    assert (pick.reason, pick.reference_type, pick.reference_id) == ("pick", "order_line", "42")
    balance.refresh_from_db()
    reservation.refresh_from_db()
    assert (balance.on_hand, balance.allocated, reservation.quantity, reservation.status) == (
        6,
        2,
        2,
        "active",
    )
    ledger.release(reservation_id=reservation.pk)
    balance.refresh_from_db()
    reservation.refresh_from_db()
    assert (balance.allocated, reservation.quantity, reservation.status) == (0, 0, "released")
    assert [e.type for e in Event.objects.order_by("pk")] == [
        "stock.received",
        "stock.reserved",
        "stock.consumed",
        "stock.released",
    ]
    assert find_drift() == []


def test_stock_in_a_non_pickable_bin_is_not_allocatable(
    manager: Any, widget: Any, bin_a: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=5, location=bin_a)
    balance = Balance.objects.get(location=bin_a, product=widget)
    with pytest.raises(NotAllocatable, match="A-01-01 is not pickable"):
        ledger.reserve(
            balance_id=balance.pk, quantity=1, reference_type="order_line", reference_id="1"
        )


def test_move_lpn_moves_each_balance_inside_it(
    manager: Any, widget: Any, serum: Any, serum_lot: Any, dock: Any, bin_a: Any, pallet: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=20, location=dock, lpn=pallet)
    ledger.receive(
        user=manager, product=serum, quantity=5, location=dock, lpn=pallet, lot=serum_lot
    )
    pallet.refresh_from_db()
    assert pallet.location == dock
    moves = ledger.move_lpn(user=manager, lpn=pallet, to_location=bin_a, reason=Reason.PUTAWAY)
    assert sorted((m.product.sku, m.quantity) for m in moves) == [("SERUM", 5), ("WIDGET", 20)]
    pallet.refresh_from_db()
    assert pallet.location == bin_a
    assert (on_hand(dock, widget), on_hand(bin_a, widget, lpn=pallet)) == (0, 20)
    with pytest.raises(LpnRefused, match="already at A-01-01"):
        ledger.move_lpn(user=manager, lpn=pallet, to_location=bin_a)


def test_receiving_onto_an_lpn_that_sits_elsewhere_is_refused(
    manager: Any, widget: Any, dock: Any, bin_a: Any, pallet: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=1, location=dock, lpn=pallet)
    with pytest.raises(LpnRefused, match="PAL-000001 is at another location"):
        ledger.receive(user=manager, product=widget, quantity=1, location=bin_a, lpn=pallet)
    assert StockMove.objects.count() == 1


def test_virtual_locations_cannot_be_moved_through(
    manager: Any, widget: Any, bin_a: Any, wh: Any
) -> None:
    from inventory.services.ledger import virtual_location

    scrap = virtual_location(wh.pk, "scrap")
    with pytest.raises(LocationRefused, match="~SCRAP is virtual"):
        ledger.move(
            user=manager, product=widget, quantity=1, from_location=bin_a, to_location=scrap
        )


def test_available_to_promise_counts_free_available_stock_per_warehouse(
    manager: Any, widget: Any, pick_face: Any, bin_a: Any, wh: Any, west: Any
) -> None:
    from inventory.selectors import available_to_promise, stock_summary
    from inventory.services.master import ensure_virtual_locations
    from tests.factories import LocationFactory

    ensure_virtual_locations(west)
    ledger.receive(user=manager, product=widget, quantity=10, location=pick_face)
    ledger.receive(user=manager, product=widget, quantity=5, location=bin_a)
    ledger.change_status(
        user=manager,
        product=widget,
        location=bin_a,
        quantity=2,
        from_status="available",
        to_status="damaged",
    )
    balance = Balance.objects.get(location=pick_face, product=widget)
    ledger.reserve(balance_id=balance.pk, quantity=4, reference_type="order_line", reference_id="1")
    ledger.receive(
        user=manager,
        product=widget,
        quantity=7,
        location=LocationFactory(warehouse=west, code="W-1"),
    )
    assert available_to_promise(wh) == {widget.pk: 10 - 4 + 3}
    assert available_to_promise(west) == {widget.pk: 7}
    assert stock_summary(widget, wh) == {"on_hand": 15, "allocated": 4, "available": 9}


def test_a_crash_mid_transaction_leaves_nothing_half_written(
    manager: Any, widget: Any, bin_a: Any, bin_b: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inventory.services import posting

    ledger.receive(user=manager, product=widget, quantity=5, location=bin_a)
    before = (
        StockMove.objects.count(),
        Event.objects.count(),
        list(Balance.objects.order_by("pk").values_list("on_hand", flat=True)),
    )

    post_leg = posting._post_leg

    def power_cut(*args: Any, **kwargs: Any) -> None:
        post_leg(*args, **kwargs)  # the move, both balances and the event are written...
        raise RuntimeError("power cut before commit")  # ...and the process dies

    monkeypatch.setattr(posting, "_post_leg", power_cut)
    with pytest.raises(RuntimeError):
        ledger.move(
            user=manager, product=widget, quantity=2, from_location=bin_a, to_location=bin_b
        )
    after = (
        StockMove.objects.count(),
        Event.objects.count(),
        list(Balance.objects.order_by("pk").values_list("on_hand", flat=True)),
    )
    assert after == before
