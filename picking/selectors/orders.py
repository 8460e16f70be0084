"""Reads for outbound work: orders in a user's scope with their allocations, picks and events,
open orders for wave planning (the one filter shape the planning page, saved wave rules and the
API share), a wave's progress, pick lines for the floor and the API, and the pick monitor.

Scope: an operator sees their warehouses' documents, a client user their client's orders (and no
waves or pick work); managers and admins everything. A `get_…_for_user` returns None outside the
scope, so callers answer 404 whether the object does not exist or may not be seen."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Cast, Coalesce, Upper
from django.utils import timezone

from inventory import selectors as inventory_selectors
from inventory.models import (
    Client,
    Event,
    Location,
    LocationKind,
    Product,
    Reservation,
    ReservationStatus,
    Warehouse,
    Zone,
)
from picking.models import (
    OPEN_FOR_ALLOCATION,
    ORDER_LINE_REF,
    Order,
    OrderLine,
    OrderStatus,
    PickLine,
    PickLineStatus,
    PickList,
    PickListOrder,
    PickListStatus,
    PickMethod,
    Wave,
    WaveDefaults,
    WaveRule,
    WaveStatus,
)
from wms.accounts.models import Role
from wms.permissions import warehouse_ids_for

if TYPE_CHECKING:
    from wms.accounts.models import User

# --- Orders ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFilters:
    """What the order list (page and API) may be narrowed by. A model filter takes the object or
    its pk; the `_code` twins take the code the API is given."""

    client: Client | int | None = None
    client_code: str = ""
    warehouse: Warehouse | int | None = None
    warehouse_code: str = ""
    status: str = ""
    carrier_service: str = ""
    ship_by_from: dt.date | None = None
    ship_by_to: dt.date | None = None
    reference: str = ""
    query: str = ""


# Status filters that name a group of orders (the managers' dashboard links to them): every order
# still to ship, and allocated orders no wave has taken yet.
OPEN_ORDERS = "open"
WAITING_FOR_WAVE = "waiting_for_wave"
STATUS_GROUPS: dict[str, Q] = {
    OPEN_ORDERS: ~Q(status__in=[OrderStatus.SHIPPED, OrderStatus.CANCELLED]),
    WAITING_FOR_WAVE: Q(status=OrderStatus.ALLOCATED, wave__isnull=True),
}
STATUS_GROUP_CHOICES = [
    (OPEN_ORDERS, "Open (not shipped or cancelled)"),
    (WAITING_FOR_WAVE, "Allocated, waiting for a wave"),
]


def _scoped_orders(user: User) -> QuerySet[Order]:
    return inventory_selectors.scope_by_user(Order.objects.all(), user)


def orders_for_user(user: User, filters: OrderFilters | None = None) -> QuerySet[Order]:
    """Orders in the user's scope, most urgent first (priority, ship-by, age), with client,
    warehouse and wave joined in the same query. `query` searches reference and ship-to name."""
    f = filters or OrderFilters()
    rows = _scoped_orders(user)
    if f.client is not None:
        rows = rows.filter(client=f.client)
    if f.client_code:
        rows = rows.filter(client__code__iexact=f.client_code.strip())
    if f.warehouse is not None:
        rows = rows.filter(warehouse=f.warehouse)
    if f.warehouse_code:
        rows = rows.filter(warehouse__code__iexact=f.warehouse_code.strip())
    if f.status in STATUS_GROUPS:
        rows = rows.filter(STATUS_GROUPS[f.status])
    elif f.status:
        rows = rows.filter(status=f.status)
    if f.carrier_service:
        rows = rows.filter(carrier_service__iexact=f.carrier_service.strip())
    if f.ship_by_from is not None:
        rows = rows.filter(ship_by__gte=f.ship_by_from)
    if f.ship_by_to is not None:
        rows = rows.filter(ship_by__lte=f.ship_by_to)
    if f.reference:
        rows = rows.filter(reference__iexact=f.reference.strip())
    if f.query:
        text = f.query.strip()
        rows = rows.filter(Q(reference__icontains=text) | Q(ship_to_name__icontains=text))
    return rows.select_related("client", "warehouse", "wave").order_by(
        "priority", F("ship_by").asc(nulls_last=True), "created_at", "pk"
    )


def with_lines(rows: QuerySet[Order]) -> QuerySet[Order]:
    """The orders with their lines and products loaded in one more query (for the API list)."""
    lines = OrderLine.objects.select_related("product").order_by("line_number")
    return rows.prefetch_related(Prefetch("lines", queryset=lines))


def get_order_for_user(user: User, pk: int) -> Order | None:
    """One order in the user's scope; None outside it."""
    return orders_for_user(user).filter(pk=pk).first()


def carrier_services(user: User) -> list[str]:
    """The carrier services the user's orders ask for, for the list's filter."""
    rows = (
        _scoped_orders(user).exclude(carrier_service="").values_list("carrier_service", flat=True)
    )
    return sorted(set(rows.distinct()))


def order_lines(order: Order) -> QuerySet[OrderLine]:
    return order.lines.select_related("product").order_by("line_number")


def order_allocations(order: Order, *, active_only: bool = False) -> list[Reservation]:
    """The inventory reservations made for the order's lines (bin, lot, LPN, quantity), each
    with `order_line_id` and `line_number` set; active ones first."""
    lines = dict(order.lines.values_list("pk", "line_number"))
    rows = inventory_selectors.reservations_for(ORDER_LINE_REF, lines, active_only=active_only)
    found = sorted(rows, key=lambda r: (r.status != ReservationStatus.ACTIVE, r.pk))
    for reservation in found:
        reservation.order_line_id = int(reservation.reference_id)  # type: ignore[attr-defined]
        reservation.line_number = lines[int(reservation.reference_id)]  # type: ignore[attr-defined]
    return found


def order_picks(order: Order) -> list[PickLine]:
    """The order's pick lines that were worked (picked or short): who, when, from where, to which
    staging place and, on a cluster cart, which tote (`tote_code`)."""
    rows = list(
        PickLine.objects.filter(order=order, picked_by__isnull=False)
        .select_related(
            "pick_list__staging_location", "location", "product", "lot", "lpn", "picked_by"
        )
        .order_by("picked_at", "pk")
    )
    totes = dict(
        PickListOrder.objects.filter(order=order, tote__isnull=False).values_list(
            "pick_list_id", "tote__code"
        )
    )
    for line in rows:
        line.tote_code = totes.get(line.pick_list_id, "")  # type: ignore[attr-defined]
    return rows


def order_events(order: Order) -> QuerySet[Event]:
    """The order's timeline: every event whose payload names it, oldest first."""
    return (
        Event.objects.filter(payload__order_id=order.pk)
        .select_related("user")
        .order_by("created_at", "pk")
    )


@dataclass
class OrderDetail:
    order: Order
    lines: list[OrderLine]
    allocations: list[Reservation]
    picks: list[PickLine]
    events: list[Event]


def order_detail(order: Order) -> OrderDetail:
    """Everything the order page shows, in a fixed handful of queries."""
    return OrderDetail(
        order=order,
        lines=list(order_lines(order)),
        allocations=order_allocations(order),
        picks=order_picks(order),
        events=list(order_events(order)),
    )


def products_by_sku(client: Client, skus: list[str]) -> dict[str, Product]:
    """The client's products among these SKUs, keyed by upper-cased SKU (SKUs match any case)."""
    wanted = {sku.strip().upper() for sku in skus if sku.strip()}
    found: dict[str, Product] = {}
    rows = Product.objects.annotate(sku_upper=Upper("sku")).filter(
        client=client, sku_upper__in=wanted
    )
    for product in rows.order_by("pk"):
        found.setdefault(product.sku.upper(), product)
    return found


def existing_orders(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], list[tuple[int, int]]]:
    """For (client pk, reference) pairs: the lines (product pk, quantity) of orders that already
    exist, so an import can tell a repeat from a reused reference before writing anything."""
    if not pairs:
        return {}
    match = Q()
    for client_id, reference in pairs:
        match |= Q(order__client_id=client_id, order__reference=reference)
    found: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    rows = (
        OrderLine.objects.filter(match)
        .order_by("order_id", "line_number")
        .values_list("order__client_id", "order__reference", "product_id", "quantity")
    )
    for client_id, reference, product_id, quantity in rows:
        found[(client_id, reference)].append((product_id, quantity))
    return dict(found)


# --- Wave planning -----------------------------------------------------------------------------

UNITS_SINGLE = "single"
UNITS_MULTI = "multi"
# The keys a wave filter may hold (planning form, wave rules, API), each a JSON value.
WAVE_FILTER_KEYS = ("client", "carrier_service", "ship_by_from", "ship_by_to", "zone", "units")


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def open_orders(
    warehouse: Warehouse | int, filters: dict[str, Any] | None = None
) -> QuerySet[Order]:
    """Orders of one warehouse a wave may take (open for allocation, in no wave), most urgent
    first, narrowed by a wave filter: `client` (code), `carrier_service`, `ship_by_from` and
    `ship_by_to` (ISO dates, inclusive), `zone` (code: orders with a line that is allocated in
    the zone or whose product has free pickable stock there) and `units` ("single": one unit in
    all, "multi": more). Unknown keys and empty values are ignored. Used by the planning page,
    the API and the task that runs saved wave rules."""
    f = filters or {}
    rows = Order.objects.filter(
        warehouse=warehouse, status__in=OPEN_FOR_ALLOCATION, wave__isnull=True
    )
    if f.get("client"):
        rows = rows.filter(client__code__iexact=str(f["client"]).strip())
    if f.get("carrier_service"):
        rows = rows.filter(carrier_service__iexact=str(f["carrier_service"]).strip())
    ship_by_from, ship_by_to = _date(f.get("ship_by_from")), _date(f.get("ship_by_to"))
    if ship_by_from is not None:
        rows = rows.filter(ship_by__gte=ship_by_from)
    if ship_by_to is not None:
        rows = rows.filter(ship_by__lte=ship_by_to)
    if f.get("units") == UNITS_SINGLE:
        rows = rows.filter(total_units=1)
    elif f.get("units") == UNITS_MULTI:
        rows = rows.filter(total_units__gt=1)
    if f.get("zone"):
        rows = rows.filter(pk__in=_lines_in_zone(warehouse, str(f["zone"]).strip()))
    return rows.select_related("client", "warehouse").order_by(
        "priority", F("ship_by").asc(nulls_last=True), "created_at", "pk"
    )


def _lines_in_zone(warehouse: Warehouse | int, zone_code: str) -> QuerySet[OrderLine, Any]:
    zone = Zone.objects.filter(warehouse=warehouse, code__iexact=zone_code)
    allocated_there = inventory_selectors.active_reservations_in_zone(
        ORDER_LINE_REF, Cast(OuterRef("pk"), CharField()), zone
    )
    stocked_there = inventory_selectors.allocatable_free_stock(
        product_id=OuterRef("product_id"), location__zone__in=zone
    )
    return (
        OrderLine.objects.filter(Exists(allocated_there) | Exists(stocked_there))
        .values("order_id")
        .distinct()
    )


def clean_wave_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """A wave filter as stored: only known keys, no empty values, dates as ISO text."""
    cleaned: dict[str, Any] = {}
    for key in WAVE_FILTER_KEYS:
        value = filters.get(key)
        if isinstance(value, dt.date):
            value = value.isoformat()
        if isinstance(value, Client | Zone):
            value = value.code
        if value not in (None, ""):
            cleaned[key] = value
    return cleaned


def zones_for_user(user: User) -> QuerySet[Zone]:
    rows = Zone.objects.select_related("warehouse").order_by("warehouse__code", "code")
    if user.role == Role.OPERATOR:
        rows = rows.filter(warehouse_id__in=warehouse_ids_for(user))
    return rows


def staging_locations(warehouse_id: int) -> QuerySet[Location]:
    return Location.objects.filter(
        warehouse_id=warehouse_id, kind=LocationKind.STAGING, is_blocked=False
    ).order_by("code")


# --- Waves -------------------------------------------------------------------------------------


def _scoped_waves(user: User) -> QuerySet[Wave]:
    rows = Wave.objects.all()
    if user.role == Role.CLIENT:
        return rows.none()
    if user.role == Role.OPERATOR:
        rows = rows.filter(warehouse_id__in=warehouse_ids_for(user))
    return rows


def waves_for_user(
    user: User, *, warehouse: Warehouse | int | None = None, status: str = ""
) -> QuerySet[Wave]:
    """Waves in the user's scope, newest first, each with `order_count` (one query)."""
    rows = _scoped_waves(user)
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.select_related("warehouse", "staging_location", "rule")
        .annotate(order_count=Count("orders", distinct=True))
        .order_by("-created_at", "-pk")
    )


def get_wave_for_user(user: User, pk: int) -> Wave | None:
    return waves_for_user(user).filter(pk=pk).first()


@dataclass(frozen=True)
class WaveProgress:
    """Pick lines and units of a wave: picked, short, still to pick. Cancelled lines (of a
    cancelled order) count nowhere."""

    lines_total: int = 0
    lines_picked: int = 0
    lines_short: int = 0
    lines_remaining: int = 0
    units_total: int = 0
    units_picked: int = 0
    units_short: int = 0
    units_remaining: int = 0

    @property
    def percent_done(self) -> int:
        if not self.lines_total:
            return 0
        return round(100 * (self.lines_picked + self.lines_short) / self.lines_total)


def wave_progress(wave: Wave) -> WaveProgress:
    """The wave's progress from its pick lines, in one aggregate query."""
    live = ~Q(status=PickLineStatus.CANCELLED)
    totals = PickLine.objects.filter(live, pick_list__wave=wave).aggregate(
        lines_total=Count("pk"),
        lines_picked=Count("pk", filter=Q(status=PickLineStatus.PICKED)),
        lines_short=Count("pk", filter=Q(status=PickLineStatus.SHORT)),
        lines_remaining=Count("pk", filter=Q(status=PickLineStatus.OPEN)),
        units_total=Coalesce(Sum("quantity"), 0),
        units_picked=Coalesce(Sum("picked_qty"), 0),
        units_short=Coalesce(Sum("short_qty"), 0),
    )
    remaining = totals["units_total"] - totals["units_picked"] - totals["units_short"]
    return WaveProgress(**totals, units_remaining=remaining)


def wave_is_live(wave: Wave) -> bool:
    """Pickers are at work on it: its progress block polls."""
    return wave.status in (WaveStatus.RELEASED, WaveStatus.IN_PROGRESS)


def wave_orders(wave: Wave) -> QuerySet[Order]:
    """The wave's orders, most urgent first. Released orders stay linked; orders held back at
    release left the wave."""
    return (
        Order.objects.filter(wave=wave)
        .select_related("client")
        .order_by("priority", F("ship_by").asc(nulls_last=True), "pk")
    )


@dataclass(frozen=True)
class AllocationSummary:
    by_status: list[tuple[str, int]]
    units_ordered: int
    units_allocated: int
    units_picked: int
    units_short: int


def wave_allocation_summary(wave: Wave) -> AllocationSummary:
    """How the wave's orders stand: count per status and units ordered, reserved, picked and
    short over their lines (two queries)."""
    labels = dict(OrderStatus.choices)
    counts = (
        Order.objects.filter(wave=wave).values("status").annotate(n=Count("pk")).order_by("status")
    )
    units = OrderLine.objects.filter(order__wave=wave).aggregate(
        ordered=Coalesce(Sum("quantity"), 0),
        allocated=Coalesce(Sum("allocated_qty"), 0),
        picked=Coalesce(Sum("picked_qty"), 0),
        short=Coalesce(Sum("short_qty"), 0),
    )
    return AllocationSummary(
        by_status=[(labels.get(row["status"], row["status"]), row["n"]) for row in counts],
        units_ordered=units["ordered"],
        units_allocated=units["allocated"],
        units_picked=units["picked"],
        units_short=units["short"],
    )


def _with_line_counts(rows: QuerySet[PickList]) -> QuerySet[PickList]:
    live = ~Q(lines__status=PickLineStatus.CANCELLED)
    return rows.annotate(
        lines_total=Count("lines", filter=live),
        lines_done=Count(
            "lines", filter=Q(lines__status__in=[PickLineStatus.PICKED, PickLineStatus.SHORT])
        ),
        last_pick_at=Max("lines__picked_at"),
    )


def wave_pick_lists(wave: Wave) -> QuerySet[PickList]:
    """The wave's pick lists with assignee, zone and `lines_total` / `lines_done` (one query)."""
    return _with_line_counts(
        PickList.objects.filter(wave=wave).select_related("assigned_to", "zone")
    ).order_by("number")


# --- Wave rules --------------------------------------------------------------------------------


def wave_rules_for_user(user: User) -> QuerySet[WaveRule]:
    rows = WaveRule.objects.select_related("warehouse").order_by("warehouse__code", "name")
    if user.role == Role.CLIENT:
        return rows.none()
    if user.role == Role.OPERATOR:
        rows = rows.filter(warehouse_id__in=warehouse_ids_for(user))
    return rows


def get_wave_rule_for_user(user: User, pk: int) -> WaveRule | None:
    return wave_rules_for_user(user).filter(pk=pk).first()


def due_wave_rules(now: dt.datetime | None = None) -> list[WaveRule]:
    """Active rules whose interval has passed since their last run (or that never ran)."""
    now = now or timezone.now()
    return [
        rule
        for rule in WaveRule.objects.filter(is_active=True).select_related("warehouse")
        if rule.last_run_at is None
        or rule.last_run_at + dt.timedelta(minutes=rule.interval_minutes) <= now
    ]


# --- Pick lines (floor and API) ----------------------------------------------------------------


def pick_lines_for_user(
    user: User,
    *,
    pick_list: str = "",
    status: str = "",
    mine: bool = False,
) -> QuerySet[PickLine]:
    """Pick lines in the user's warehouses (an operator's; all for managers and admins; none for
    client users), in list and walking order. `pick_list` is a list number; `mine` keeps the
    lines of lists assigned to the user."""
    if user.role == Role.CLIENT:
        return PickLine.objects.none()
    rows = PickLine.objects.all()
    if user.role == Role.OPERATOR:
        rows = rows.filter(pick_list__warehouse_id__in=warehouse_ids_for(user))
    if pick_list:
        rows = rows.filter(pick_list__number__iexact=pick_list.strip())
    if status:
        rows = rows.filter(status=status)
    if mine:
        rows = rows.filter(pick_list__assigned_to=user)
    return rows.select_related(
        "pick_list__wave",
        "pick_list__assigned_to",
        "order",
        "location",
        "product",
        "lot",
        "lpn",
    ).order_by("pick_list__priority", "pick_list_id", "sequence", "pk")


def get_pick_line_for_user(user: User, pk: int) -> PickLine | None:
    return pick_lines_for_user(user).filter(pk=pk).first()


def tote_codes(lines: list[PickLine]) -> dict[tuple[int, int], str]:
    """(pick list pk, order pk) → tote code bound on a cluster cart, for these lines (one query)."""
    list_ids = {line.pick_list_id for line in lines}
    rows = PickListOrder.objects.filter(pick_list_id__in=list_ids, tote__isnull=False).values_list(
        "pick_list_id", "order_id", "tote__code"
    )
    return {(list_id, order_id): code for list_id, order_id, code in rows}


# --- Pick monitor ------------------------------------------------------------------------------

ACTIVE_LISTS = (PickListStatus.RELEASED, PickListStatus.IN_PROGRESS)
# The shift rate divides by at least this many hours, so a first pick a minute into the shift
# does not read as 60 lines per hour.
MIN_SHIFT_HOURS = 0.25


def monitor_lists(user: User, warehouse: Warehouse | int | None = None) -> QuerySet[PickList]:
    """Open and in-progress pick lists in the user's warehouses: number, wave, method, zone,
    assignee, `lines_done` of `lines_total`, started and `last_pick_at` (one query)."""
    if user.role == Role.CLIENT:
        return PickList.objects.none()
    rows = PickList.objects.filter(status__in=ACTIVE_LISTS)
    if user.role == Role.OPERATOR:
        rows = rows.filter(warehouse_id__in=warehouse_ids_for(user))
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    return _with_line_counts(
        rows.select_related("wave", "zone", "assigned_to", "warehouse")
    ).order_by("status", "priority", "created_at", "pk")


@dataclass(frozen=True)
class OperatorRate:
    user_id: int
    email: str
    name: str
    lines_last_hour: int
    lines_today: int
    first_pick_at: dt.datetime
    last_pick_at: dt.datetime
    current_list: str = ""
    as_of: dt.datetime | None = None

    @property
    def shift_rate(self) -> float:
        """Lines per hour since the operator's first pick today (up to `as_of`)."""
        now = self.as_of or timezone.now()
        hours = max((now - self.first_pick_at).total_seconds() / 3600, MIN_SHIFT_HOURS)
        return round(self.lines_today / hours, 1)

    @property
    def hour_rate(self) -> int:
        """Lines per hour over the last hour: the lines picked in it."""
        return self.lines_last_hour


@dataclass
class Monitor:
    lists: list[PickList] = field(default_factory=list)
    operators: list[OperatorRate] = field(default_factory=list)


def operator_rates(
    user: User, warehouse: Warehouse | int | None = None, now: dt.datetime | None = None
) -> list[OperatorRate]:
    """Per operator who picked today (local day) in the user's warehouses: pick lines worked in
    the last hour and today, first and last pick, and the list they are on (two queries). A pick
    line counts once when its units were taken, fully or in part (a short pick of some)."""
    if user.role == Role.CLIENT:
        return []
    now = now or timezone.now()
    start_of_day = timezone.make_aware(
        dt.datetime.combine(timezone.localdate(now), dt.time.min), timezone.get_current_timezone()
    )
    hour_ago = now - dt.timedelta(hours=1)
    rows = PickLine.objects.filter(picked_by__isnull=False, picked_at__gte=start_of_day)
    if user.role == Role.OPERATOR:
        rows = rows.filter(pick_list__warehouse_id__in=warehouse_ids_for(user))
    if warehouse is not None:
        rows = rows.filter(pick_list__warehouse=warehouse)
    stats = (
        rows.values(
            "picked_by", "picked_by__email", "picked_by__first_name", "picked_by__last_name"
        )
        .annotate(
            today=Count("pk"),
            last_hour=Count("pk", filter=Q(picked_at__gte=hour_ago)),
            first=Min("picked_at"),
            last=Max("picked_at"),
        )
        .order_by("-last_hour", "-today", "picked_by__email")
    )
    current = dict(
        PickList.objects.filter(
            status=PickListStatus.IN_PROGRESS,
            assigned_to_id__in=[row["picked_by"] for row in stats],
        ).values_list("assigned_to_id", "number")
    )
    return [
        OperatorRate(
            user_id=row["picked_by"],
            email=row["picked_by__email"],
            name=f"{row['picked_by__first_name']} {row['picked_by__last_name']}".strip(),
            lines_last_hour=row["last_hour"],
            lines_today=row["today"],
            first_pick_at=row["first"],
            last_pick_at=row["last"],
            current_list=current.get(row["picked_by"], ""),
            as_of=now,
        )
        for row in stats
    ]


def pick_monitor(user: User, warehouse: Warehouse | int | None = None) -> Monitor:
    """The monitor page: the lists at work or waiting, and each operator's pace."""
    return Monitor(
        lists=list(monitor_lists(user, warehouse)),
        operators=operator_rates(user, warehouse),
    )


def products_of_orders(order_ids: Iterable[int]) -> dict[int, set[int]]:
    """The products on each order's lines: what an order event (allocated, cancelled) changed
    the free stock of, for the consumers of the outbox that follow available counts."""
    found: dict[int, set[int]] = {}
    rows = OrderLine.objects.filter(order_id__in=list(order_ids)).values_list(
        "order_id", "product_id"
    )
    for order_id, product_id in rows:
        found.setdefault(order_id, set()).add(product_id)
    return found


# --- Wave planning in one step -------------------------------------------------------------------


def wave_defaults_of(warehouse: Warehouse | int) -> WaveDefaults:
    """The warehouse's saved wave defaults, or the built-in ones (unsaved) before any."""
    warehouse_id = warehouse if isinstance(warehouse, int) else warehouse.pk
    found = WaveDefaults.objects.filter(warehouse_id=warehouse_id).first()
    return found or WaveDefaults(warehouse_id=warehouse_id)


def proposed_method(defaults: WaveDefaults, largest_order_units: int) -> str:
    """Cluster when the warehouse says small orders go on carts and every order is small;
    else the warehouse's usual method."""
    if defaults.cluster_max_units and 0 < largest_order_units <= defaults.cluster_max_units:
        return str(PickMethod.CLUSTER)
    return defaults.pick_method


@dataclass(frozen=True)
class ReleasePreview:
    """What a release would hand the floor: lists, carts (cluster), lines on each list."""

    method: str
    lists: int
    carts: int
    lines_per_list: list[int]
    zones_decided_at_release: bool = False

    @property
    def lines(self) -> int:
        return sum(self.lines_per_list)


def release_preview(orders: list[Order], method: str, per_cart: int) -> ReleasePreview:
    """The lists a release would make of these orders (most urgent first), counted from their
    lines: one list per order (discrete), one per cart of `per_cart` orders (cluster); zone
    lists depend on where allocation finds the stock, so only the total is known."""
    far = dt.date.max
    urgent = sorted(orders, key=lambda o: (o.priority, o.ship_by or far, o.pk))
    if method == PickMethod.DISCRETE:
        return ReleasePreview(method, len(urgent), 0, [o.line_count for o in urgent])
    if method == PickMethod.CLUSTER:
        carts = [urgent[start : start + per_cart] for start in range(0, len(urgent), per_cart)]
        lines = [sum(o.line_count for o in cart) for cart in carts]
        return ReleasePreview(method, len(carts), len(carts), lines)
    return ReleasePreview(method, 0, 0, [sum(o.line_count for o in urgent)], True)
