"""Waves: group open orders, allocate them, and release them to the floor as pick lists built
for the chosen pick method, every list in walking order (the locations' pick sequence)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from inventory.events import emit
from inventory.models import (
    Event,
    Location,
    LocationKind,
    Reservation,
    ReservationStatus,
    Warehouse,
)
from picking.exceptions import WaveRefused
from picking.models import (
    OPEN_FOR_ALLOCATION,
    ORDER_LINE_REF,
    WAVE_TRANSITIONS,
    Order,
    OrderLine,
    OrderStatus,
    PickLine,
    PickList,
    PickListOrder,
    PickMethod,
    Wave,
    WaveStatus,
)
from picking.services.allocation import AllocationResult, allocate_orders
from picking.services.orders import bulk_transition
from wms.exceptions import InvalidTransition

MAX_WAVE_ORDERS = 5000


def _wave_number(warehouse: Warehouse) -> str:
    today = timezone.localdate()
    prefix = f"W{today:%y%m%d}-{warehouse.code}-"
    last = Wave.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:03d}"


def transition_wave(wave: Wave, to_status: str, user: Any, **payload: Any) -> Wave:
    allowed = WAVE_TRANSITIONS.get(wave.status, frozenset())
    if to_status not in allowed:
        raise InvalidTransition(
            f"Wave {wave.number} is {wave.status} and cannot become {to_status}."
        )
    wave.status = to_status
    now = timezone.now()
    if to_status == WaveStatus.RELEASED:
        wave.released_at = now
    if to_status == WaveStatus.DONE:
        wave.finished_at = now
    wave.save(update_fields=["status", "released_at", "finished_at"])
    emit(
        f"wave.{to_status}",
        client_id=None,
        warehouse_id=wave.warehouse_id,
        payload={"wave_id": wave.pk, "number": wave.number} | payload,
        user=user,
    )
    return wave


@dataclass
class WaveCreated:
    wave: Wave
    allocation: AllocationResult


@transaction.atomic
def create_wave(
    *,
    warehouse: Warehouse,
    order_ids: Iterable[int],
    user: Any,
    pick_method: str = PickMethod.DISCRETE,
    filters: dict[str, Any] | None = None,
    rule_id: int | None = None,
) -> WaveCreated:
    """Puts open orders of one warehouse into a new planned wave and allocates what they still
    need (set-based). Orders in another planned wave, of another warehouse or past allocation
    are refused by name; nothing is written then."""
    ids = sorted(set(order_ids))
    if not ids:
        raise WaveRefused("Choose at least one order for the wave.")
    if len(ids) > MAX_WAVE_ORDERS:
        raise WaveRefused(f"A wave takes at most {MAX_WAVE_ORDERS} orders; got {len(ids)}.")
    if pick_method not in PickMethod.values:
        raise WaveRefused(f"Unknown pick method {pick_method!r}.")
    orders = list(Order.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    problems = [f"order {pk} does not exist" for pk in set(ids) - {o.pk for o in orders}]
    for order in orders:
        if order.warehouse_id != warehouse.pk:
            problems.append(f"{order.reference} ships from another warehouse")
        elif order.status not in OPEN_FOR_ALLOCATION:
            problems.append(f"{order.reference} is {order.get_status_display().lower()}")
        elif order.wave_id is not None:
            problems.append(f"{order.reference} is already in a wave")
    if problems:
        raise WaveRefused("Not added to a wave: " + "; ".join(problems[:10]) + ".")
    wave = Wave.objects.create(
        warehouse=warehouse,
        number=_wave_number(warehouse),
        pick_method=pick_method,
        filters=filters or {},
        rule_id=rule_id,
        created_by=user if getattr(user, "pk", None) else None,
    )
    Order.objects.filter(pk__in=ids).update(wave=wave)
    allocation = allocate_orders(ids, user)
    emit(
        "wave.planned",
        client_id=None,
        warehouse_id=warehouse.pk,
        payload={"wave_id": wave.pk, "number": wave.number, "orders": len(ids)},
        user=user,
    )
    return WaveCreated(wave, allocation)


@dataclass
class WaveReleased:
    wave: Wave
    pick_lists: list[PickList] = field(default_factory=list)
    released_orders: int = 0
    held_back: list[Order] = field(default_factory=list)


def default_staging(warehouse_id: int) -> Location | None:
    return (
        Location.objects.filter(
            warehouse_id=warehouse_id, kind=LocationKind.STAGING, is_blocked=False
        )
        .order_by("code")
        .first()
    )


@dataclass(frozen=True)
class _Task:
    """A reservation to pick, with where it is."""

    reservation_id: int
    quantity: int
    order_line_id: int
    order_id: int
    location_id: int
    zone_id: int | None
    pick_sequence: int
    location_code: str
    product_id: int
    lot_id: int | None
    lpn_id: int | None

    @property
    def walk(self) -> tuple[int, str]:
        return (self.pick_sequence, self.location_code)


def _tasks(order_ids: Sequence[int]) -> list[_Task]:
    lines = dict(OrderLine.objects.filter(order_id__in=order_ids).values_list("pk", "order_id"))
    rows = Reservation.objects.filter(
        reference_type=ORDER_LINE_REF,
        reference_id__in=[str(pk) for pk in lines],
        status=ReservationStatus.ACTIVE,
    ).values_list(
        "pk",
        "quantity",
        "reference_id",
        "balance__location_id",
        "balance__location__zone_id",
        "balance__location__pick_sequence",
        "balance__location__code",
        "balance__product_id",
        "balance__lot_id",
        "balance__lpn_id",
    )
    return [
        _Task(pk, qty, int(ref), lines[int(ref)], loc, zone, seq, code, product, lot, lpn)
        for pk, qty, ref, loc, zone, seq, code, product, lot, lpn in rows
    ]


@transaction.atomic
def release_wave(
    wave: Wave,
    user: Any,
    *,
    pick_method: str | None = None,
    orders_per_cart: int | None = None,
    staging_location: Location | None = None,
) -> WaveReleased:
    """Releases a planned wave: its fully allocated orders become released and their
    reservations become pick lines, grouped by the pick method and sorted in walking order.
    Orders not fully allocated are held back (taken out of the wave, still open for allocation)
    and named in the result."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    method = pick_method or wave.pick_method
    if method not in PickMethod.values:
        raise WaveRefused(f"Unknown pick method {method!r}.")
    per_cart = orders_per_cart or wave.orders_per_cart
    if not 1 <= per_cart <= 26:
        raise WaveRefused(f"A cart takes 1 to 26 orders; got {per_cart}.")
    staging = staging_location or wave.staging_location or default_staging(wave.warehouse_id)
    if staging is None:
        raise WaveRefused(
            f"Warehouse {wave.warehouse.code} has no staging location for picked goods; "
            "create a location of kind staging first."
        )
    if staging.warehouse_id != wave.warehouse_id or staging.is_virtual:
        raise WaveRefused(f"{staging.code} is not a staging place in this warehouse.")
    orders = list(Order.objects.select_for_update().filter(wave=wave).order_by("pk"))
    ready = [o for o in orders if o.status == OrderStatus.ALLOCATED]
    held_back = [o for o in orders if o.status != OrderStatus.ALLOCATED]
    if not ready:
        raise WaveRefused(
            f"Wave {wave.number} has no fully allocated order to release"
            + (f"; {len(held_back)} wait for stock." if held_back else ".")
        )
    wave.pick_method = method
    wave.orders_per_cart = per_cart
    wave.staging_location = staging
    wave.save(update_fields=["pick_method", "orders_per_cart", "staging_location"])
    transition_wave(wave, WaveStatus.RELEASED, user, method=method, orders=len(ready))
    if held_back:
        Order.objects.filter(pk__in=[o.pk for o in held_back]).update(wave=None)
    bulk_transition(ready, OrderStatus.RELEASED, user, {o.pk: {"wave": wave.number} for o in ready})
    lists = _build_lists(wave, ready, _tasks([o.pk for o in ready]), method, per_cart, staging)
    return WaveReleased(wave, lists, len(ready), held_back)


def _build_lists(
    wave: Wave,
    orders: list[Order],
    tasks: list[_Task],
    method: str,
    per_cart: int,
    staging: Location,
) -> list[PickList]:
    by_order: dict[int, list[_Task]] = defaultdict(list)
    for task in tasks:
        by_order[task.order_id].append(task)
    urgent = sorted(orders, key=lambda o: (o.priority, o.ship_by or timezone.localdate().max, o.pk))
    groups: list[tuple[int | None, list[Order], list[_Task]]] = []
    if method == PickMethod.DISCRETE:
        groups = [(None, [o], by_order[o.pk]) for o in urgent]
    elif method == PickMethod.CLUSTER:
        # Orders that start near each other share a cart.
        urgent.sort(
            key=lambda o: (o.priority, min((t.walk for t in by_order[o.pk]), default=(0, "")))
        )
        for start in range(0, len(urgent), per_cart):
            cart = urgent[start : start + per_cart]
            groups.append((None, cart, [t for o in cart for t in by_order[o.pk]]))
    else:
        by_zone: dict[int | None, list[_Task]] = defaultdict(list)
        for task in tasks:
            by_zone[task.zone_id].append(task)
        order_map = {o.pk: o for o in urgent}
        for zone_id in sorted(by_zone, key=lambda z: (z is None, z or 0)):
            zone_tasks = by_zone[zone_id]
            zone_orders = [
                order_map[pk]
                for pk in dict.fromkeys(
                    t.order_id for t in sorted(zone_tasks, key=lambda t: t.walk)
                )
            ]
            groups.append((zone_id, zone_orders, zone_tasks))
    lists: list[PickList] = []
    for n, (zone_id, group_orders, _) in enumerate(groups, start=1):
        lists.append(
            PickList(
                wave=wave,
                warehouse_id=wave.warehouse_id,
                zone_id=zone_id,
                method=method,
                number=f"{wave.number}-{n:03d}",
                staging_location=staging,
                priority=min(o.priority for o in group_orders),
            )
        )
    PickList.objects.bulk_create(lists)
    slots: list[PickListOrder] = []
    lines: list[PickLine] = []
    for pick_list, (_, group_orders, group_tasks) in zip(lists, groups, strict=True):
        slots += [
            PickListOrder(pick_list=pick_list, order=o, slot=s)
            for s, o in enumerate(group_orders, start=1)
        ]
        for seq, task in enumerate(
            sorted(group_tasks, key=lambda t: (t.walk, t.order_id)), start=1
        ):
            lines.append(
                PickLine(
                    pick_list=pick_list,
                    order_line_id=task.order_line_id,
                    order_id=task.order_id,
                    reservation_id=task.reservation_id,
                    location_id=task.location_id,
                    product_id=task.product_id,
                    lot_id=task.lot_id,
                    lpn_id=task.lpn_id,
                    sequence=seq,
                    quantity=task.quantity,
                )
            )
    PickListOrder.objects.bulk_create(slots)
    PickLine.objects.bulk_create(lines, batch_size=5000)
    Event.objects.bulk_create(
        [
            Event(
                type="picklist.released",
                warehouse_id=wave.warehouse_id,
                payload={"pick_list_id": pl.pk, "number": pl.number, "wave": wave.number},
            )
            for pl in lists
        ]
    )
    return lists


@transaction.atomic
def cancel_wave(wave: Wave, user: Any) -> Wave:
    """Takes a planned wave back: its orders leave the wave and keep their allocations."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    transition_wave(wave, WaveStatus.CANCELLED, user)
    Order.objects.filter(wave=wave).update(wave=None)
    return wave
