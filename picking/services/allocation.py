"""Allocation: reserve stock for order lines, set-based. One call locks the orders, their open
lines and every allocatable balance of their products (one statement per table), plans with
picking.rotation and writes the reservations, line counters and order statuses in a handful of
statements, however many lines there are."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from inventory.models import Client, Product, Reservation, Tracking
from inventory.services import ledger
from picking import rotation
from picking.models import (
    OPEN_FOR_ALLOCATION,
    ORDER_LINE_REF,
    Order,
    OrderLine,
    OrderStatus,
)
from picking.services.orders import bulk_transition


@dataclass
class AllocationResult:
    allocated: list[Order] = field(default_factory=list)
    partially_allocated: list[Order] = field(default_factory=list)
    backordered: list[Order] = field(default_factory=list)
    skipped: list[Order] = field(default_factory=list)
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


def _demands(lines: Sequence[OrderLine], orders: dict[int, Order]) -> list[rotation.Demand]:
    products = {
        p.pk: p
        for p in Product.objects.filter(pk__in={line.product_id for line in lines}).only(
            "pk", "tracking", "client_id"
        )
    }
    shelf_life = dict(
        Client.objects.filter(pk__in={p.client_id for p in products.values()}).values_list(
            "pk", "min_shelf_life_days"
        )
    )
    today = timezone.localdate()
    far = dt.date.max

    def urgency(line: OrderLine) -> tuple[Any, ...]:
        order = orders[line.order_id]
        return (order.priority, order.ship_by or far, order.created_at, order.pk, line.line_number)

    demands = []
    for line in sorted(lines, key=urgency):
        product = products[line.product_id]
        fefo = product.tracking == Tracking.LOT_EXPIRY
        demands.append(
            rotation.Demand(
                reference_id=str(line.pk),
                product_id=line.product_id,
                quantity=line.open_qty,
                fefo=fefo,
                min_expiry=today + dt.timedelta(days=shelf_life[product.client_id])
                if fefo
                else None,
            )
        )
    return demands


def reserve_for_lines(
    warehouse_id: int,
    lines: Sequence[OrderLine],
    orders: dict[int, Order],
    *,
    exclude_location_ids: Iterable[int] = (),
) -> list[Reservation]:
    """Reserves what the (locked) lines still need in one set-based call and adds it to each
    line's allocated counter. The caller owns the transaction and the order statuses."""
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
                [ids, [added[i] for i in ids]],
            )
        for line in open_lines:
            line.allocated_qty += added.get(line.pk, 0)
    return reservations


@transaction.atomic
def allocate_orders(order_ids: Iterable[int], user: Any) -> AllocationResult:
    """Allocates every open line of the given orders, most urgent first (priority, ship-by,
    age). Orders end allocated, partially allocated or backordered; orders past allocation
    (released, cancelled…) are skipped untouched. Safe to run concurrently with other
    allocations: the balances are locked, so no unit is promised twice."""
    result = AllocationResult()
    locked = list(Order.objects.select_for_update().filter(pk__in=set(order_ids)).order_by("pk"))
    orders = {o.pk: o for o in locked if o.status in OPEN_FOR_ALLOCATION}
    result.skipped = [o for o in locked if o.pk not in orders]
    if not orders:
        return result
    lines = list(
        OrderLine.objects.select_for_update().filter(order_id__in=list(orders)).order_by("pk")
    )
    by_warehouse: dict[int, list[OrderLine]] = defaultdict(list)
    for line in lines:
        by_warehouse[orders[line.order_id].warehouse_id].append(line)
    for warehouse_id, warehouse_lines in by_warehouse.items():
        reservations = reserve_for_lines(warehouse_id, warehouse_lines, orders)
        result.units += sum(r.quantity for r in reservations)
    return _settle(orders, lines, result, user)


def _settle(
    orders: dict[int, Order], lines: list[OrderLine], result: AllocationResult, user: Any
) -> AllocationResult:
    """Gives each order the status its lines now add up to, set-based."""
    open_by_order: dict[int, int] = defaultdict(int)
    held_by_order: dict[int, int] = defaultdict(int)
    for line in lines:
        open_by_order[line.order_id] += line.open_qty
        held_by_order[line.order_id] += line.allocated_qty + line.picked_qty
    groups: dict[str, list[Order]] = defaultdict(list)
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
    result.allocated = groups[OrderStatus.ALLOCATED]
    result.partially_allocated = groups[OrderStatus.PARTIALLY_ALLOCATED]
    result.backordered = groups[OrderStatus.BACKORDERED]
    return result
