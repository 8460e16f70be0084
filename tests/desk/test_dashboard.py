"""The morning dashboard against a seeded day whose figures are worked out by hand below: orders
due today per warehouse and per carrier cut-off, late, backordered, waiting for a wave; the
exceptions and their lists; throughput per hour against the 7-day average; dock-to-stock and
order cycle medians and p90; and a query count that does not grow with the number of orders."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from desk.selectors.dashboard import board
from inventory.models import InventoryStatus, Reason, StockMove
from picking.models import Order, OrderStatus, Wave, WaveStatus
from receiving.models import PutawayStatus, PutawayTask
from shipping.models import Shipment, ShipmentStatus
from tests.factories import LocationFactory, ProductFactory
from tests.helpers import element, page, table_records, text_by_id
from tests.shipping.shipments_fixtures import make_packed_order

UTC = dt.UTC
# 10:30 on a Friday, in warehouses that keep UTC.
NOW = dt.datetime(2026, 12, 4, 10, 30, tzinfo=UTC)
TODAY = NOW.date()
SHIP_TO = {
    "ship_to_name": "Ada Lovelace",
    "ship_to_street1": "1 Analytical Way",
    "ship_to_city": "Boston",
    "ship_to_postal_code": "02110",
}


def at(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(hour, minute), UTC)


def order(warehouse: Any, client: Any, reference: str, status: str, **fields: Any) -> Order:
    return Order.objects.create(
        client=client, warehouse=warehouse, reference=reference, status=status, **SHIP_TO, **fields
    )


def seed_orders(
    east: Any, west: Any, client: Any, today: dt.date, *, copies: int = 1, tag: str = ""
) -> None:
    """EAST: A and C due today and open (A allocated, no wave; C picking), B due today and
    shipped, D late (due yesterday, released), E due yesterday but shipped, F backordered (due
    tomorrow), G cancelled; WEST: H due today, new, no carrier. `copies` repeats the lot."""
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    for n in range(copies):
        order(
            east,
            client,
            f"A{tag}{n}",
            OrderStatus.ALLOCATED,
            ship_by=today,
            carrier_service="UPS Ground",
        )
        order(
            east,
            client,
            f"B{tag}{n}",
            OrderStatus.SHIPPED,
            ship_by=today,
            carrier_service="UPS Ground",
        )
        order(
            east,
            client,
            f"C{tag}{n}",
            OrderStatus.PICKING,
            ship_by=today,
            carrier_service="USPS Priority",
        )
        order(east, client, f"D{tag}{n}", OrderStatus.RELEASED, ship_by=yesterday)
        order(east, client, f"E{tag}{n}", OrderStatus.SHIPPED, ship_by=yesterday)
        order(east, client, f"F{tag}{n}", OrderStatus.BACKORDERED, ship_by=tomorrow)
        order(east, client, f"G{tag}{n}", OrderStatus.CANCELLED, ship_by=today)
        order(west, client, f"H{tag}{n}", OrderStatus.NEW, ship_by=today)


@pytest.fixture
def floor(east: Any, acme_outdoor: Any) -> SimpleNamespace:
    dock = LocationFactory(warehouse=east, code="DOCK-1")
    shelf = LocationFactory(warehouse=east, code="A-01-01")
    product = ProductFactory(client=acme_outdoor, sku="TENT-2P")
    return SimpleNamespace(dock=dock, shelf=shelf, product=product)


def move(floor: SimpleNamespace, east: Any, reason: str, quantity: int, when: dt.datetime) -> None:
    StockMove.objects.create(
        product=floor.product,
        quantity=quantity,
        from_location=floor.dock,
        to_location=floor.shelf,
        from_status=InventoryStatus.AVAILABLE,
        to_status=InventoryStatus.AVAILABLE,
        reason=reason,
        warehouse=east,
        client=floor.product.client,
        created_at=when,
    )


def putaway(
    floor: SimpleNamespace, east: Any, status: str, created: dt.datetime, done: Any
) -> None:
    PutawayTask.objects.create(
        warehouse=east,
        product=floor.product,
        quantity=1,
        from_location=floor.dock,
        status=status,
        created_at=created,
        done_at=done,
    )


def test_orders_due_late_backordered_and_waiting_per_warehouse(
    east: Any, west: Any, acme_outdoor: Any, manager: Any
) -> None:
    seed_orders(east, west, acme_outdoor, TODAY)
    shown = board(manager, now=NOW)
    assert shown is not None
    rows = {c.warehouse.code: c for c in shown.orders}
    assert (
        rows["EAST"].due_today,
        rows["EAST"].shipped_due_today,
        rows["EAST"].late,
        rows["EAST"].backordered,
        rows["EAST"].waiting_for_wave,
    ) == (2, 1, 1, 1, 1)
    assert (rows["WEST"].due_today, rows["WEST"].late) == (1, 0)
    assert (shown.total.due_today, shown.total.late, shown.total.backordered) == (3, 1, 1)
    # One warehouse: only its own orders.
    only_west = board(manager, "west", now=NOW)
    assert only_west is not None and only_west.selected == west
    assert [(c.warehouse.code, c.due_today) for c in only_west.orders] == [("WEST", 1)]


def test_due_today_against_each_carriers_cutoff(
    east: Any, west: Any, acme_outdoor: Any, manager: Any
) -> None:
    seed_orders(east, west, acme_outdoor, TODAY)
    shown = board(manager, now=NOW)
    assert shown is not None
    # Cut-offs (settings): USPS 15:00, UPS 16:00, no carrier yet the default 16:00. At 10:30:
    # USPS has 4 h 30 min (270 min) left, the others 5 h 30 min (330 min).
    assert [
        (c.carrier, c.cutoff.strftime("%H:%M"), c.to_ship, c.shipped, c.minutes_left)
        for c in shown.carriers
    ] == [
        ("USPS", "15:00", 1, 0, 270),
        ("No carrier yet", "16:00", 1, 0, 330),
        ("UPS", "16:00", 1, 1, 330),
    ]
    late_in_day = board(manager, now=NOW.replace(hour=15, minute=20))
    assert late_in_day is not None
    usps = next(c for c in late_in_day.carriers if c.carrier == "USPS")
    assert (usps.minutes_left, usps.past_cutoff) == (-20, True)


def test_throughput_per_hour_against_the_7_day_average(
    east: Any, manager: Any, floor: SimpleNamespace
) -> None:
    move(floor, east, Reason.RECEIPT, 4, at(0, 9, 5))
    move(floor, east, Reason.RECEIPT, 6, at(0, 9, 50))
    move(floor, east, Reason.PICK, 3, at(0, 10, 5))
    # The 7 days before today, at 09:xx: 7 + 7 + 14 = 28 units in 4 lines, so a mean of 4 units
    # and 4/7 lines at 09:00. Eight days ago is outside the window.
    move(floor, east, Reason.RECEIPT, 7, at(1, 9, 10))
    move(floor, east, Reason.RECEIPT, 7, at(3, 9, 20))
    move(floor, east, Reason.RECEIPT, 10, at(7, 9, 0))
    move(floor, east, Reason.RECEIPT, 4, at(7, 9, 59))
    move(floor, east, Reason.RECEIPT, 100, at(8, 9, 0))
    # A putaway is no throughput of the four flows.
    move(floor, east, Reason.PUTAWAY, 50, at(0, 9, 30))
    shown = board(manager, now=NOW)
    assert shown is not None
    flows = {f.reason: f for f in shown.flows}
    received = flows[Reason.RECEIPT]
    assert received.today_units[9] == 10 and received.today_lines[9] == 2
    assert received.units_today == 10
    assert received.average_units[9] == 4.0
    assert received.average_lines[9] == pytest.approx(4 / 7)
    assert sum(received.average_units) == 4.0
    assert (flows[Reason.PICK].today_units[10], flows[Reason.PICK].units_today) == (3, 3)
    assert flows[Reason.PACK].units_today == flows[Reason.SHIP].units_today == 0


def test_dock_to_stock_and_order_cycle_median_and_p90(
    east: Any, acme_outdoor: Any, manager: Any, floor: SimpleNamespace
) -> None:
    # Putaway tasks done today took 10, 30 and 60 minutes: median 30; p90 (interpolated, as
    # PostgreSQL's percentile_cont) 30 + 0.8 x (60 - 30) = 54 minutes. Two days ago one took 2 h.
    putaway(floor, east, PutawayStatus.DONE, at(0, 8, 0), at(0, 8, 30))
    putaway(floor, east, PutawayStatus.DONE, at(0, 9, 0), at(0, 10, 0))
    putaway(floor, east, PutawayStatus.DONE, at(0, 9, 0), at(0, 9, 10))
    putaway(floor, east, PutawayStatus.DONE, at(2, 9, 0), at(2, 11, 0))
    putaway(floor, east, PutawayStatus.OPEN, at(0, 10, 0), None)
    # A wave released at 07:00 today: one order shipped at 09:00 (2 h), one whose second carton
    # shipped at 10:00 (3 h: the last shipment counts). Median 2 h 30 min, p90 2 h 54 min.
    wave = Wave.objects.create(
        warehouse=east, number="W-1", status=WaveStatus.RELEASED, released_at=at(0, 7, 0)
    )
    one = make_packed_order(user=manager, warehouse=east, client=acme_outdoor)
    two = make_packed_order(user=manager, warehouse=east, client=acme_outdoor, cartons=2)
    Order.objects.filter(pk__in=[one.order.pk, two.order.pk]).update(wave=wave)
    for shipment, when in [
        (one.shipments[0], at(0, 9, 0)),
        (two.shipments[0], at(0, 8, 0)),
        (two.shipments[1], at(0, 10, 0)),
    ]:
        Shipment.objects.filter(pk=shipment.pk).update(
            status=ShipmentStatus.SHIPPED, shipped_at=when
        )
    shown = board(manager, now=NOW)
    assert shown is not None
    dock, cycle = shown.timings
    minutes = dt.timedelta(minutes=1)
    assert (dock.today_median, dock.today_p90, dock.today_count) == (30 * minutes, 54 * minutes, 3)
    assert (dock.week_median, dock.week_p90, dock.week_count) == (120 * minutes, 120 * minutes, 1)
    assert (cycle.today_median, cycle.today_p90, cycle.today_count) == (
        150 * minutes,
        174 * minutes,
        2,
    )
    assert (cycle.week_median, cycle.week_count) == (None, 0)


def test_exceptions_count_and_link_to_their_lists(
    http_for: Any, east: Any, acme_outdoor: Any, manager: Any, floor: SimpleNamespace
) -> None:
    stuck = make_packed_order(
        user=manager, warehouse=east, client=acme_outdoor, reference="SO-STUCK"
    )
    Shipment.objects.filter(pk=stuck.shipment.pk).update(status=ShipmentStatus.NEEDS_ATTENTION)
    now = timezone.now()
    # Putaway waiting: one for 2 hours (over the 60 minutes), one for 10 minutes (not yet).
    putaway(floor, east, PutawayStatus.OPEN, now - dt.timedelta(hours=2), None)
    putaway(floor, east, PutawayStatus.OPEN, now - dt.timedelta(minutes=10), None)
    http = http_for(manager)
    home = http.get("/dashboard/", {"warehouse": "EAST"})
    assert text_by_id(home.content, "alert-attention").startswith("1 Shipments needing attention")
    assert text_by_id(home.content, "alert-putaway_waiting").startswith(
        "1 Putaway waiting over 60 min"
    )
    assert text_by_id(home.content, "alert-short_picks").startswith("0 Short picks")
    assert text_by_id(home.content, "alert-on_shift").startswith("0 Operators clocked in now")
    link = element(home.content, "#alert-attention a")["href"]
    assert link == "/shipping/shipments/?status=needs_attention&warehouse=EAST"
    listed = table_records(http.get(link).content, with_column="Order")
    assert [row["Order"] for row in listed] == ["SO-STUCK"]


def test_the_page_shows_the_numbers_and_links_to_each_list(
    http_for: Any, east: Any, west: Any, acme_outdoor: Any, manager: Any
) -> None:
    seed_orders(east, west, acme_outdoor, timezone.now().date())
    http = http_for(manager)
    home = http.get("/dashboard/")
    rows = {row["Warehouse"]: row for row in table_records(home.content, with_column="Due today")}
    assert rows["EAST"] == {
        "Warehouse": "EAST",
        "Due today": "2",
        "Shipped of today's": "1",
        "Late": "1",
        "Backordered": "1",
        "Waiting for a wave": "1",
    }
    assert rows["WEST"]["Due today"] == "1"
    # Each count opens the order list filtered to exactly those orders.
    for figure, references in [
        ("due_today", {"A0", "C0"}),
        ("late", {"D0"}),
        ("backordered", {"F0"}),
        ("waiting_for_wave", {"A0"}),
    ]:
        link = element(home.content, f"#orders-EAST-{figure}")["href"]
        listed = table_records(http.get(link).content, with_column="Reference")
        assert {row["Reference"] for row in listed} == references, figure
    # The board polls itself while open; htmx gets the board alone.
    board_div = element(home.content, "#board")
    assert board_div["hx-trigger"] == "every 60s"
    partial = http.get("/dashboard/", HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b'id="board"' in partial.content
    # Four charts, drawn on the server.
    assert len(page(home.content).select("svg.chart")) == 4


def test_an_unknown_warehouse_is_a_404(http_for: Any, manager: Any, east: Any) -> None:
    assert http_for(manager).get("/dashboard/", {"warehouse": "NOPE"}).status_code == 404


def queries_for_dashboard(http: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get("/dashboard/").status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_number_of_orders(
    http_for: Any, east: Any, west: Any, acme_outdoor: Any, manager: Any, floor: SimpleNamespace
) -> None:
    http = http_for(manager)
    today = timezone.now().date()
    seed_orders(east, west, acme_outdoor, today)
    move(floor, east, Reason.RECEIPT, 4, timezone.now())
    few = queries_for_dashboard(http)
    seed_orders(east, west, acme_outdoor, today, copies=20, tag="x")
    for _ in range(20):
        move(floor, east, Reason.PICK, 1, timezone.now())
    many = queries_for_dashboard(http)
    assert few == many
