"""Allocation: reserve stock for order lines, set-based. One call locks the orders, their open
lines and every allocatable balance of their products (one statement per table), plans with
picking.rotation and writes the reservations, line counters and order statuses in a handful of
statements, however many lines there are."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, overload

from django.db import connection, transaction
from django.utils import timezone

from control.services import replenishment
from inventory.models import Product, Reservation, Tracking
from inventory.services import ledger
from picking import rotation
from picking.models import (
    OPEN_FOR_ALLOCATION,
    ORDER_LINE_REF,
    Order,
    OrderLine,
    OrderStatus,
)
from picking.services.orders import OrderRow, bulk_transition, locked_order_rows
from wms.sqlarrays import int_array

if TYPE_CHECKING:
    from wms.accounts.models import User


class OrderList(Sequence[Order]):
    """Orders named by primary key, read (in key order) only when first looked at: a wave's
    result names thousands of orders, and most callers only count them."""

    def __init__(self, pks: Iterable[int] = ()) -> None:
        self._pks = sorted(pks)
        self._orders: list[Order] | None = None

    def _load(self) -> list[Order]:
        if self._orders is None:
            found = Order.objects.in_bulk(self._pks) if self._pks else {}
            self._orders = [found[pk] for pk in self._pks if pk in found]
        return self._orders

    def __len__(self) -> int:
        return len(self._pks)

    def __bool__(self) -> bool:
        return bool(self._pks)

    @overload
    def __getitem__(self, index: int) -> Order: ...

    @overload
    def __getitem__(self, index: slice) -> list[Order]: ...

    def __getitem__(self, index: int | slice) -> Order | list[Order]:
        return self._load()[index]

    def __iter__(self) -> Iterator[Order]:
        return iter(self._load())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OrderList):
            return self._pks == other._pks
        if isinstance(other, list | tuple):
            return self._load() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"OrderList({self._pks!r})"


@dataclass
class AllocationResult:
    allocated: Sequence[Order] = field(default_factory=list)
    partially_allocated: Sequence[Order] = field(default_factory=list)
    backordered: Sequence[Order] = field(default_factory=list)
    skipped: Sequence[Order] = field(default_factory=list)
    units: int = 0

    @property
    def summary(self) -> str:
        parts = [
            f"{len(self.allocated)} allocated",
            f"{len(self.partially_allocated)} partially allocated",
            f"{len(self.backordered)} backordered",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped (not open for allocation)")
        return ", ".join(parts) + f"; {self.units} units reserved."


@dataclass(slots=True)
class _LineRow:
    """An order line as allocation reads it (locked, as a tuple), with OrderLine's counters."""

    pk: int
    order_id: int
    product_id: int
    line_number: int
    quantity: int
    allocated_qty: int
    picked_qty: int
    short_qty: int

    @property
    def open_qty(self) -> int:
        return self.quantity - self.allocated_qty - self.picked_qty - self.short_qty


class LineLike(Protocol):
    """An order line for reserve_for_lines: an OrderLine, or a row allocation read as a tuple."""

    pk: Any
    order_id: Any
    product_id: Any
    line_number: Any
    allocated_qty: Any

    @property
    def open_qty(self) -> int: ...


class OrderUrgency(Protocol):
    """What allocation reads of an order to rank its lines."""

    @property
    def pk(self) -> Any: ...

    @property
    def priority(self) -> Any: ...

    @property
    def ship_by(self) -> Any: ...

    @property
    def created_at(self) -> Any: ...


def _demands(
    lines: Sequence[LineLike], orders: Mapping[int, OrderUrgency]
) -> list[rotation.Demand]:
    tracking = dict(
        Product.objects.filter(pk__in={line.product_id for line in lines}).values_list(
            "pk", "tracking"
        )
    )
    fefo_products = {pk for pk, t in tracking.items() if t == Tracking.LOT_EXPIRY}
    min_expiry: dict[int, dt.date] = {}
    if fefo_products:
        today = timezone.localdate()
        min_expiry = {
            pk: today + dt.timedelta(days=days)
            for pk, days in Product.objects.filter(pk__in=fefo_products).values_list(
                "pk", "client__min_shelf_life_days"
            )
        }
    far = dt.date.max
    urgency: dict[int, tuple[Any, ...]] = {
        pk: (o.priority, o.ship_by or far, o.created_at, pk) for pk, o in orders.items()
    }
    ranked = sorted(lines, key=lambda line: (*urgency[line.order_id], line.line_number))
    Demand = rotation.Demand
    return [
        Demand(
            str(line.pk),
            line.product_id,
            line.open_qty,
            line.product_id in fefo_products,
            min_expiry.get(line.product_id),
        )
        for line in ranked
    ]


def reserve_for_lines(
    warehouse_id: int,
    lines: Sequence[LineLike],
    orders: Mapping[int, OrderUrgency],
    *,
    exclude_location_ids: Iterable[int] = (),
) -> list[Reservation]:
    """Reserves what the (locked) lines still need in one set-based call and adds it to each
    line's allocated counter. The caller owns the transaction and the order statuses. Lines and
    orders are model instances (short_pick) or the rows allocate_orders reads as tuples."""
    open_lines = [line for line in lines if line.open_qty > 0]
    if not open_lines:
        return []
    demands = _demands(open_lines, orders)
    reservations = ledger.reserve_set(
        warehouse_id=warehouse_id,
        product_ids={line.product_id for line in open_lines},
        plan=lambda candidates: rotation.plan(demands, candidates),
        reference_type=ORDER_LINE_REF,
        exclude_location_ids=exclude_location_ids,
    )
    added: dict[int, int] = defaultdict(int)
    for reservation in reservations:
        added[int(reservation.reference_id)] += reservation.quantity
    if added:
        ids = list(added)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {OrderLine._meta.db_table} l "  # noqa: S608
                "SET allocated_qty = l.allocated_qty + d.qty "
                "FROM unnest(%s::bigint[], %s::int[]) AS d(id, qty) WHERE l.id = d.id",
                [int_array(ids), int_array(added[i] for i in ids)],
            )
        for line in open_lines:
            line.allocated_qty += added.get(line.pk, 0)
    return reservations


@transaction.atomic
def allocate_orders(*, order_ids: Iterable[int], user: User | None) -> AllocationResult:
    """Allocates every open line of the given orders, most urgent first (priority, ship-by,
    age). Orders end allocated, partially allocated or backordered; orders past allocation
    (released, cancelled…) are skipped untouched. Safe to run concurrently with other
    allocations: the balances are locked, so no unit is promised twice.

    Orders and lines are locked and read as tuples (instances of a wave's worth cost more than
    the allocation); the result's order lists are read when first looked at."""
    result = AllocationResult()
    locked = locked_order_rows(pk__in=set(order_ids))
    orders = {o.pk: o for o in locked if o.status in OPEN_FOR_ALLOCATION}
    result.skipped = OrderList(o.pk for o in locked if o.pk not in orders)
    if not orders:
        return result
    lines = [
        _LineRow(*row)
        for row in OrderLine.objects.select_for_update()
        .filter(order_id__in=list(orders))
        .order_by("pk")
        .values_list(
            "pk",
            "order_id",
            "product_id",
            "line_number",
            "quantity",
            "allocated_qty",
            "picked_qty",
            "short_qty",
        )
    ]
    by_warehouse: dict[int, list[_LineRow]] = defaultdict(list)
    for line in lines:
        by_warehouse[orders[line.order_id].warehouse_id].append(line)
    for warehouse_id, warehouse_lines in by_warehouse.items():
        reservations = reserve_for_lines(warehouse_id, warehouse_lines, orders)
        result.units += sum(r.quantity for r in reservations)
        shortages: dict[int, int] = defaultdict(int)
        for line in warehouse_lines:
            if line.open_qty > 0:
                shortages[line.product_id] += line.open_qty
        if shortages:
            replenishment.after_shortage(
                warehouse_id=warehouse_id, shortages=dict(shortages), user=user
            )
    return _settle(orders, lines, result, user)


def _settle(
    orders: dict[int, OrderRow], lines: list[_LineRow], result: AllocationResult, user: User | None
) -> AllocationResult:
    """Gives each order the status its lines now add up to, set-based."""
    open_by_order: dict[int, int] = defaultdict(int)
    held_by_order: dict[int, int] = defaultdict(int)
    for line in lines:
        open_by_order[line.order_id] += line.open_qty
        held_by_order[line.order_id] += line.allocated_qty + line.picked_qty
    groups: dict[str, list[OrderRow]] = defaultdict(list)
    for order in orders.values():
        if open_by_order[order.pk] == 0:
            status = OrderStatus.ALLOCATED
        elif held_by_order[order.pk] > 0:
            status = OrderStatus.PARTIALLY_ALLOCATED
        else:
            status = OrderStatus.BACKORDERED
        groups[status].append(order)
    for to_status, group in groups.items():
        bulk_transition(
            group,
            to_status,
            user,
            {o.pk: {"open_units": open_by_order[o.pk]} for o in group},
        )
    result.allocated = OrderList(o.pk for o in groups[OrderStatus.ALLOCATED])
    result.partially_allocated = OrderList(o.pk for o in groups[OrderStatus.PARTIALLY_ALLOCATED])
    result.backordered = OrderList(o.pk for o in groups[OrderStatus.BACKORDERED])
    return result
