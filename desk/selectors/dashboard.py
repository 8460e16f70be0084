"""The managers' morning dashboard, per warehouse or over all of the user's warehouses: orders
due today against each carrier's cut-off, late, backordered and waiting for a wave; exceptions
that each link to their list; throughput per hour today against the same hour's average over
the last 7 days; dock-to-stock and order cycle times (median and p90).

Every figure is one set-based query (grouped or filtered aggregates), so the page costs the same
number of queries for ten orders as for a hundred thousand."""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone

from billing.selectors import unrated_for_user
from erp.selectors import failing_connections
from inventory.models import Reason, StockMove, Warehouse
from inventory.selectors import scope_by_user, warehouses_for_user
from labour.models import Shift
from picking.models import Order, OrderStatus, PickLine, PickLineStatus
from picking.selectors import OPEN_ORDERS, WAITING_FOR_WAVE
from receiving.models import PutawayStatus, PutawayTask
from shipping.models import Shipment, ShipmentStatus
from wms.accounts.models import User

CLOSED = [OrderStatus.SHIPPED, OrderStatus.CANCELLED]
OPEN = ~Q(status__in=CLOSED)
WEEK_DAYS = 7
# The floor's four flows, as the ledger records them.
FLOWS: tuple[tuple[str, str], ...] = (
    (Reason.RECEIPT, "Received"),
    (Reason.PICK, "Picked"),
    (Reason.PACK, "Packed"),
    (Reason.SHIP, "Shipped"),
)
NO_CARRIER = "No carrier yet"


@dataclass(frozen=True)
class Clock:
    """Now, and where today and the 7 days before it start, in one time zone."""

    now: dt.datetime
    zone: ZoneInfo
    today: dt.date
    day_start: dt.datetime
    week_start: dt.datetime

    @classmethod
    def at(cls, now: dt.datetime, zone_name: str) -> Clock:
        zone = ZoneInfo(zone_name)
        local = now.astimezone(zone)
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        week_start = (day_start - dt.timedelta(days=WEEK_DAYS)).replace(tzinfo=None)
        return cls(
            now=now,
            zone=zone,
            today=local.date(),
            day_start=day_start,
            week_start=week_start.replace(tzinfo=zone),
        )


@dataclass(frozen=True)
class OrderCounts:
    """One warehouse's orders (or the total, warehouse None) against its own today."""

    warehouse: Warehouse | None
    today: dt.date | None
    due_today: int
    shipped_due_today: int
    late: int
    backordered: int
    waiting_for_wave: int
    links: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CarrierDue:
    carrier: str
    cutoff: dt.datetime
    to_ship: int
    shipped: int
    minutes_left: int

    @property
    def past_cutoff(self) -> bool:
        return self.minutes_left < 0


@dataclass(frozen=True)
class Alert:
    key: str
    label: str
    count: int
    url: str
    note: str = ""
    is_exception: bool = True


@dataclass(frozen=True)
class Flow:
    """One flow's hourly figures: today's, and the same hour's mean over the last 7 days."""

    reason: str
    label: str
    today_units: list[int]
    today_lines: list[int]
    average_units: list[float]
    average_lines: list[float]

    @property
    def units_today(self) -> int:
        return sum(self.today_units)

    @property
    def lines_today(self) -> int:
        return sum(self.today_lines)


@dataclass(frozen=True)
class Timing:
    """Median and p90 of a duration, today and over the last 7 days (None: nothing measured)."""

    label: str
    today_median: dt.timedelta | None
    today_p90: dt.timedelta | None
    today_count: int
    week_median: dt.timedelta | None
    week_p90: dt.timedelta | None
    week_count: int


@dataclass(frozen=True)
class Board:
    warehouses: list[Warehouse]
    selected: Warehouse | None
    clock: Clock
    orders: list[OrderCounts]
    total: OrderCounts
    carriers: list[CarrierDue]
    alerts: list[Alert]
    flows: list[Flow]
    timings: list[Timing]


def _any(conditions: list[Q]) -> Q:
    return reduce(operator.or_, conditions)


def _orders_url(**params: Any) -> str:
    return f"{reverse('order_list')}?{urlencode({k: v for k, v in params.items() if v != ''})}"


def order_counts(
    user: User, warehouses: list[Warehouse], now: dt.datetime
) -> tuple[list[OrderCounts], OrderCounts]:
    """Per warehouse, each on its own local date: open orders due today (and those due today
    already shipped), late (due before today, not shipped), backordered, allocated without a
    wave. One grouped query."""
    todays = {w.pk: Clock.at(now, w.time_zone).today for w in warehouses}
    due = _any([Q(warehouse_id=pk, ship_by=day) for pk, day in todays.items()])
    late = _any([Q(warehouse_id=pk, ship_by__lt=day) for pk, day in todays.items()])
    rows = (
        scope_by_user(Order.objects.filter(warehouse_id__in=list(todays)), user)
        .filter(OPEN | due)
        .values("warehouse_id")
        .annotate(
            due_today=Count("pk", filter=OPEN & due),
            shipped_due_today=Count("pk", filter=Q(status=OrderStatus.SHIPPED) & due),
            late=Count("pk", filter=OPEN & late),
            backordered=Count("pk", filter=Q(status=OrderStatus.BACKORDERED)),
            waiting_for_wave=Count("pk", filter=Q(status=OrderStatus.ALLOCATED, wave__isnull=True)),
        )
        .order_by()
    )
    by_warehouse = {row["warehouse_id"]: row for row in rows}
    figures = ("due_today", "shipped_due_today", "late", "backordered", "waiting_for_wave")
    counts = []
    for warehouse in warehouses:
        row = by_warehouse.get(warehouse.pk, {})
        day = todays[warehouse.pk]
        links = {
            "due_today": _orders_url(
                warehouse=warehouse.pk, status=OPEN_ORDERS, ship_by_from=day, ship_by_to=day
            ),
            "late": _orders_url(
                warehouse=warehouse.pk,
                status=OPEN_ORDERS,
                ship_by_to=day - dt.timedelta(days=1),
            ),
            "backordered": _orders_url(warehouse=warehouse.pk, status=OrderStatus.BACKORDERED),
            "waiting_for_wave": _orders_url(warehouse=warehouse.pk, status=WAITING_FOR_WAVE),
        }
        counts.append(
            OrderCounts(warehouse, day, **{name: row.get(name, 0) for name in figures}, links=links)
        )
    total = OrderCounts(
        None,
        None,
        **{name: sum(getattr(c, name) for c in counts) for name in figures},
        links={
            "backordered": _orders_url(status=OrderStatus.BACKORDERED),
            "waiting_for_wave": _orders_url(status=WAITING_FOR_WAVE),
        },
    )
    return counts, total


def carrier_of(carrier_service: str) -> str:
    """The carrier a service names ("UPS Ground" is UPS), as the cut-off table spells it."""
    word = carrier_service.split(" ", 1)[0] if carrier_service else ""
    for carrier in settings.DESK_CARRIER_CUTOFFS:
        if carrier.lower() == word.lower():
            return str(carrier)
    return word or NO_CARRIER


def cutoff_at(carrier: str, clock: Clock) -> dt.datetime:
    text = settings.DESK_CARRIER_CUTOFFS.get(carrier, settings.DESK_DEFAULT_CUTOFF)
    hour, minute = (int(part) for part in text.split(":"))
    return clock.day_start.replace(hour=hour, minute=minute)


def carriers_due(user: User, warehouses: list[Warehouse], clock: Clock) -> list[CarrierDue]:
    """Orders due today per carrier: still to ship, shipped, and minutes to the carrier's
    cut-off (negative once it has passed). One grouped query."""
    rows = (
        scope_by_user(Order.objects.filter(warehouse__in=warehouses), user)
        .filter(ship_by=clock.today)
        .exclude(status=OrderStatus.CANCELLED)
        .values("carrier_service")
        .annotate(
            to_ship=Count("pk", filter=OPEN),
            shipped=Count("pk", filter=Q(status=OrderStatus.SHIPPED)),
        )
        .order_by()
    )
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        figures = totals[carrier_of(row["carrier_service"])]
        figures[0] += row["to_ship"]
        figures[1] += row["shipped"]
    made = []
    for carrier, (to_ship, shipped) in totals.items():
        cutoff = cutoff_at(carrier, clock)
        minutes_left = int((cutoff - clock.now).total_seconds() // 60)
        made.append(CarrierDue(carrier, cutoff, to_ship, shipped, minutes_left))
    return sorted(made, key=lambda c: (c.cutoff, c.carrier))


def alerts(user: User, warehouses: list[Warehouse], clock: Clock) -> list[Alert]:
    """The exceptions, each a count and the list it links to; one query each."""
    ids = [w.pk for w in warehouses]
    one = warehouses[0] if len(warehouses) == 1 else None
    attention = scope_by_user(
        Shipment.objects.filter(warehouse_id__in=ids, status=ShipmentStatus.NEEDS_ATTENTION), user
    ).count()
    shorts = scope_by_user(
        PickLine.objects.filter(
            pick_list__warehouse_id__in=ids, status=PickLineStatus.SHORT
        ).exclude(order__status__in=CLOSED),
        user,
        client_field="order__client",
        warehouse_field="pick_list__warehouse",
    ).count()
    wait = settings.DESK_PUTAWAY_WAIT_MINUTES
    waiting = scope_by_user(
        PutawayTask.objects.filter(
            warehouse_id__in=ids,
            status__in=[PutawayStatus.OPEN, PutawayStatus.NEEDS_ATTENTION],
            created_at__lt=clock.now - dt.timedelta(minutes=wait),
        ),
        user,
        client_field="receipt__client",
    ).count()
    shipments_url = reverse("shipment_list")
    made = [
        Alert(
            "attention",
            "Shipments needing attention",
            attention,
            f"{shipments_url}?status={ShipmentStatus.NEEDS_ATTENTION}"
            + (f"&warehouse={one.code}" if one else ""),
        ),
        Alert("short_picks", "Short picks on open orders", shorts, reverse("pick_monitor")),
        Alert(
            "putaway_waiting",
            f"Putaway waiting over {wait} min",
            waiting,
            reverse("putaway_desk_queue") + (f"?warehouse={one.pk}" if one else ""),
        ),
    ]
    on_shift = Shift.objects.filter(warehouse_id__in=ids, ended_at__isnull=True).count()
    made.append(
        Alert(
            "on_shift",
            "Operators clocked in now",
            on_shift,
            reverse("labour_day") + (f"?warehouse={one.code}" if one else ""),
            "who is on the floor",
            is_exception=False,
        )
    )
    if user.has_perm("billing.view_billing"):
        made.append(
            Alert(
                "unrated",
                "Unrated billing activity",
                unrated_for_user(user).count(),
                reverse("billing_unrated"),
                "all warehouses",
            )
        )
    if user.has_perm("erp.manage_erp"):
        failed = sum(count for _, count in failing_connections(user))
        made.append(
            Alert(
                "erp_failed",
                "Failed ERP syncs",
                failed,
                f"{reverse('erp_log')}?state=failed",
                "all warehouses",
            )
        )
    return made


def flows(user: User, warehouses: list[Warehouse], clock: Clock) -> list[Flow]:
    """Units and lines (ledger moves) received, picked, packed and shipped per local hour today,
    and the same hour's mean over the 7 days before. One grouped query over the ledger."""
    rows = (
        scope_by_user(
            StockMove.objects.filter(
                warehouse__in=warehouses,
                reason__in=[reason for reason, _ in FLOWS],
                created_at__gte=clock.week_start,
                created_at__lte=clock.now,
            ),
            user,
        )
        .annotate(hour=TruncHour("created_at", tzinfo=clock.zone))
        .values("reason", "hour")
        .annotate(units=Sum("quantity"), lines=Count("pk"))
        .order_by()
    )
    today: dict[str, list[list[int]]] = {r: [[0] * 24, [0] * 24] for r, _ in FLOWS}
    week: dict[str, list[list[int]]] = {r: [[0] * 24, [0] * 24] for r, _ in FLOWS}
    for row in rows:
        local = row["hour"].astimezone(clock.zone)
        bucket = today if local >= clock.day_start else week
        bucket[row["reason"]][0][local.hour] += row["units"]
        bucket[row["reason"]][1][local.hour] += row["lines"]
    return [
        Flow(
            reason,
            label,
            today[reason][0],
            today[reason][1],
            [units / WEEK_DAYS for units in week[reason][0]],
            [lines / WEEK_DAYS for lines in week[reason][1]],
        )
        for reason, label in FLOWS
    ]


def _percentiles(label: str, spans: QuerySet[Any], clock: Clock) -> Timing:
    """Median and p90 of `finished - started` over rows finished today and over the 7 days
    before, in one query around `spans` (which selects `started` and `finished`)."""
    inner, params = spans.query.sql_with_params()
    duration = "(t.finished - t.started)"
    today, week = "t.finished >= %s", "t.finished < %s"
    columns = [
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {duration}) FILTER (WHERE {today})",
        f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {duration}) FILTER (WHERE {today})",
        f"count(*) FILTER (WHERE {today})",
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {duration}) FILTER (WHERE {week})",
        f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {duration}) FILTER (WHERE {week})",
        f"count(*) FILTER (WHERE {week})",
    ]
    sql = f"SELECT {', '.join(columns)} FROM ({inner}) AS t"  # noqa: S608 - only our own SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, [clock.day_start] * len(columns) + list(params))
        row = cursor.fetchone()
    return Timing(label, row[0], row[1], row[2], row[3], row[4], row[5])


def timings(user: User, warehouses: list[Warehouse], clock: Clock) -> list[Timing]:
    """Dock to stock (a receipt's putaway task, from its creation at receipt to its end) and
    order cycle (the order's wave released to its last shipment shipped)."""
    putaways = (
        scope_by_user(
            PutawayTask.objects.filter(
                warehouse__in=warehouses,
                status=PutawayStatus.DONE,
                done_at__gte=clock.week_start,
                done_at__lte=clock.now,
            ),
            user,
            client_field="receipt__client",
        )
        .annotate(started=F("created_at"), finished=F("done_at"))
        .values("started", "finished")
        .order_by()
    )
    cycles = (
        scope_by_user(
            Shipment.objects.filter(
                warehouse__in=warehouses,
                status=ShipmentStatus.SHIPPED,
                order__wave__released_at__isnull=False,
                shipped_at__gte=clock.week_start,
                shipped_at__lte=clock.now,
            ),
            user,
        )
        .values("order_id")
        .annotate(started=Min("order__wave__released_at"), finished=Max("shipped_at"))
        .values("started", "finished")
        .order_by()
    )
    return [
        _percentiles("Dock to stock (receipt to putaway)", putaways, clock),
        _percentiles("Order cycle (release to ship)", cycles, clock),
    ]


def board(user: User, warehouse_code: str = "", now: dt.datetime | None = None) -> Board | None:
    """The dashboard of one of the user's warehouses (by code), or of all of them ("");
    None when the code names no warehouse of the user's."""
    now = now or timezone.now()
    warehouses = list(warehouses_for_user(user))
    selected = None
    if warehouse_code:
        selected = next((w for w in warehouses if w.code.lower() == warehouse_code.lower()), None)
        if selected is None:
            return None
    shown = [selected] if selected else warehouses
    zones = {w.time_zone for w in shown}
    clock = Clock.at(now, zones.pop() if len(zones) == 1 else settings.TIME_ZONE)
    if not shown:
        counts: list[OrderCounts] = []
        total = OrderCounts(None, None, 0, 0, 0, 0, 0)
        return Board(warehouses, None, clock, counts, total, [], [], [], [])
    counts, total = order_counts(user, shown, now)
    return Board(
        warehouses=warehouses,
        selected=selected,
        clock=clock,
        orders=counts,
        total=total,
        carriers=carriers_due(user, shown, clock),
        alerts=alerts(user, shown, clock),
        flows=flows(user, shown, clock),
        timings=timings(user, shown, clock),
    )
