"""allocate_orders with real balances: the rotation rules on the ledger's stock, what is never
allocated (hold, damaged, non-pickable, blocked), order statuses, retrying a backorder, and a
query count that does not grow with the number of lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inventory.models import (
    Balance,
    Event,
    InventoryStatus,
    Reservation,
    ReservationStatus,
)
from inventory.reconcile import find_drift
from inventory.services import ledger
from picking.models import OrderStatus
from picking.services.allocation import allocate_orders
from tests.factories import LocationFactory, ProductFactory

pytestmark = pytest.mark.django_db


def reserved(order: Any) -> list[tuple[str, str | None, int]]:
    """(bin, lot, quantity) of the order's active reservations, in bin order."""
    refs = [str(pk) for pk in order.lines.values_list("pk", flat=True)]
    rows = Reservation.objects.filter(
        reference_type="order_line", reference_id__in=refs, status=ReservationStatus.ACTIVE
    ).select_related("balance__location", "balance__lot")
    return sorted(
        (r.balance.location.code, r.balance.lot.number if r.balance.lot else None, r.quantity)
        for r in rows
    )


def received_on(product: Any, location: Any, day: dt.date) -> None:
    """Back-dates a balance's first receipt (test arrangement: FIFO reads this date)."""
    at = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    Balance.objects.filter(product=product, location=location).update(first_received_at=at)


def test_fefo_with_real_lots_skips_expired_and_short_dated_stock(
    acme_outdoor: Any, bins: Any, balm: Any, lot_of: Any, put: Any, order_for: Any, manager: Any
) -> None:
    """Client wants 30 days left. Lots: EXP expired yesterday (A-01, 10), SOON 10 days left
    (A-02, 10), OK60 (B-01, 5), OK90 (A-03, 10). Need 8: 5 of OK60, then 3 of OK90."""
    acme_outdoor.min_shelf_life_days = 30
    acme_outdoor.save()
    today = timezone.localdate()
    put(balm, bins["A-01"], 10, lot_of("EXP", today - dt.timedelta(days=1)))
    put(balm, bins["A-02"], 10, lot_of("SOON", today + dt.timedelta(days=10)))
    put(balm, bins["B-01"], 5, lot_of("OK60", today + dt.timedelta(days=60)))
    put(balm, bins["A-03"], 10, lot_of("OK90", today + dt.timedelta(days=90)))
    order = order_for("SO-F", (balm, 8))

    result = allocate_orders(order_ids=[order.pk], user=manager)

    assert result.allocated == [order] and result.units == 8
    assert reserved(order) == [("A-03", "OK90", 3), ("B-01", "OK60", 5)]
    assert find_drift() == []


def test_fifo_takes_the_oldest_receipt_before_the_pick_face(
    bins: Any, mug: Any, put: Any, order_for: Any, manager: Any
) -> None:
    """A-02 (pick face) received 10 Jan, BULK-1 (bulk) received 5 Jan, 4 each. Need 6: all 4
    of the older bulk, then 2 from the pick face."""
    put(mug, bins["A-02"], 4)
    put(mug, bins["BULK-1"], 4)
    received_on(mug, bins["A-02"], dt.date(2025, 1, 10))
    received_on(mug, bins["BULK-1"], dt.date(2025, 1, 5))
    order = order_for("SO-1", (mug, 6))

    allocate_orders(order_ids=[order.pk], user=manager)

    assert reserved(order) == [("A-02", None, 2), ("BULK-1", None, 4)]


def test_pick_face_and_one_covering_bin_with_real_balances(
    bins: Any, mug: Any, put: Any, order_for: Any, manager: Any
) -> None:
    """Same receipt day. Bulk holds 50, pick faces A-01 3, A-02 6 and B-01 9. Need 5: the pick
    faces come first, and A-02 alone covers 5 (the smallest that does): one bin, not two."""
    for code, qty in (("BULK-1", 50), ("A-01", 3), ("A-02", 6), ("B-01", 9)):
        put(mug, bins[code], qty)
    order = order_for("SO-1", (mug, 5))

    allocate_orders(order_ids=[order.pk], user=manager)

    assert reserved(order) == [("A-02", None, 5)]


def test_hold_damaged_non_pickable_and_blocked_stock_is_never_allocated(
    wh: Any, bins: Any, mug: Any, put: Any, order_for: Any, manager: Any
) -> None:
    """10 on hold at A-01, 10 damaged at A-03, 10 in a non-pickable reserve bin, 10 in blocked
    B-02, 3 available at A-02. Need 5: only A-02's 3; the order is partially allocated."""
    reserve_bin = LocationFactory(warehouse=wh, code="RES-1", is_pickable=False)
    for location in (bins["A-01"], bins["A-03"], reserve_bin, bins["B-02"]):
        put(mug, location, 10)
    put(mug, bins["A-02"], 3)
    for location, status in ((bins["A-01"], "hold"), (bins["A-03"], "damaged")):
        ledger.change_status(
            user=manager,
            product=mug,
            location=location,
            quantity=10,
            from_status=InventoryStatus.AVAILABLE,
            to_status=status,
        )
    bins["B-02"].is_blocked = True
    bins["B-02"].save()
    order = order_for("SO-1", (mug, 5))

    result = allocate_orders(order_ids=[order.pk], user=manager)

    order.refresh_from_db()
    assert result.partially_allocated == [order]
    assert order.status == OrderStatus.PARTIALLY_ALLOCATED
    assert reserved(order) == [("A-02", None, 3)]
    line = order.lines.get()
    assert (line.allocated_qty, line.open_qty) == (3, 2)
    assert sum(Balance.objects.filter(product=mug).values_list("allocated", flat=True)) == 3


def test_scarce_stock_goes_to_the_most_urgent_order_and_the_rest_is_backordered(
    bins: Any, mug: Any, lamp: Any, put: Any, order_for: Any, manager: Any
) -> None:
    """5 mugs. SO-LATE (priority 9, created first) and SO-URGENT (priority 1) want 5 each;
    SO-MIXED (priority 5) wants 2 mugs and 1 lamp (2 lamps in stock). Urgent takes all 5
    mugs; mixed gets its lamp only (partially allocated); late gets nothing (backordered)."""
    put(mug, bins["A-01"], 5)
    put(lamp, bins["A-02"], 2)
    late = order_for("SO-LATE", (mug, 5), priority=9)
    urgent = order_for("SO-URGENT", (mug, 5), priority=1)
    mixed = order_for("SO-MIXED", (mug, 2), (lamp, 1))

    result = allocate_orders(order_ids=[late.pk, urgent.pk, mixed.pk], user=manager)

    assert (result.allocated, result.partially_allocated, result.backordered) == (
        [urgent],
        [mixed],
        [late],
    )
    assert result.units == 6
    for order in (late, urgent, mixed):
        order.refresh_from_db()
    assert {o.reference: o.status for o in (late, urgent, mixed)} == {
        "SO-LATE": OrderStatus.BACKORDERED,
        "SO-URGENT": OrderStatus.ALLOCATED,
        "SO-MIXED": OrderStatus.PARTIALLY_ALLOCATED,
    }
    events = dict(
        Event.objects.filter(type__in=["order.allocated", "order.backordered"]).values_list(
            "payload__reference", "type"
        )
    )
    assert events == {
        "SO-LATE": "order.backordered",
        "SO-URGENT": "order.allocated",
        "SO-MIXED": "order.allocated",
    }


def test_a_backorder_is_allocated_when_stock_arrives(
    bins: Any, mug: Any, put: Any, order_for: Any, manager: Any
) -> None:
    """No mugs: SO-1 (4 mugs) is backordered and nothing is reserved. 6 arrive at A-01; the
    retry allocates 4 and leaves 2 free."""
    order = order_for("SO-1", (mug, 4))
    first = allocate_orders(order_ids=[order.pk], user=manager)
    assert first.backordered == [order] and first.units == 0
    assert reserved(order) == []

    put(mug, bins["A-01"], 6)
    again = allocate_orders(order_ids=[order.pk], user=manager)

    order.refresh_from_db()
    assert again.allocated == [order] and again.units == 4
    assert order.status == OrderStatus.ALLOCATED
    assert reserved(order) == [("A-01", None, 4)]
    assert Balance.objects.get(product=mug, location=bins["A-01"]).available == 2
    assert find_drift() == []


def test_orders_past_allocation_are_skipped_untouched(
    bins: Any, mug: Any, put: Any, order_for: Any, manager: Any
) -> None:
    put(mug, bins["A-01"], 5)
    order = order_for("SO-1", (mug, 2))
    allocate_orders(order_ids=[order.pk], user=manager)
    events = Event.objects.count()

    result = allocate_orders(
        order_ids=[order.pk], user=manager
    )  # already fully allocated: nothing to add

    assert result.units == 0 and result.allocated == [order]
    assert reserved(order) == [("A-01", None, 2)]
    assert Event.objects.count() == events  # allocated -> allocated is not reported again

    order.status = OrderStatus.RELEASED
    order.save()
    skipped = allocate_orders(order_ids=[order.pk], user=manager)
    assert skipped.skipped == [order] and skipped.units == 0
    assert Event.objects.count() == events


def test_query_count_does_not_grow_with_the_number_of_lines(
    bins: Any, mug: Any, lamp: Any, put: Any, order_for: Any, manager: Any
) -> None:
    """One order of one line and six orders of two lines take the same number of queries."""
    put(mug, bins["A-01"], 100)
    put(lamp, bins["B-01"], 100)
    one = order_for("SO-ONE", (mug, 1))
    many = [order_for(f"SO-{n}", (mug, n), (lamp, n)) for n in range(1, 7)]

    with CaptureQueriesContext(connection) as small:
        allocate_orders(order_ids=[one.pk], user=manager)
    with CaptureQueriesContext(connection) as large:
        result = allocate_orders(order_ids=[o.pk for o in many], user=manager)

    assert len(result.allocated) == 6
    assert len(large.captured_queries) == len(small.captured_queries)


def test_another_clients_stock_is_not_allocated(
    bins: Any, other_client: Any, put: Any, order_for: Any, manager: Any, mug: Any
) -> None:
    """A product of another client in the same bin is not a candidate for our mug line."""
    theirs = ProductFactory(client=other_client, sku="MUG")
    put(theirs, bins["A-01"], 10)
    order = order_for("SO-1", (mug, 1))

    result = allocate_orders(order_ids=[order.pk], user=manager)

    assert result.backordered == [order]
