"""Waves: group open orders, allocate them, and release them to the floor as pick lists built
for the chosen pick method, every list in walking order (the locations' pick sequence)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models.functions import Length
from django.utils import timezone

from inventory import lifecycle
from inventory.events import NewEvent, emit, emit_many
from inventory.models import (
    Balance,
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
    PICK_LIST_LIFECYCLE,
    WAVE_LIFECYCLE,
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
    WaveStatus,
)
from picking.services.allocation import AllocationResult, allocate_orders
from picking.services.orders import OrderRow, bulk_transition, locked_order_rows
from wms.idempotency.services import Codec, idempotent
from wms.sqlarrays import int_array

if TYPE_CHECKING:
    from wms.accounts.models import User

MAX_WAVE_ORDERS = 5000


def _wave_number(warehouse: Warehouse) -> str:
    today = timezone.localdate()
    prefix = f"W{today:%y%m%d}-{warehouse.code}-"
    # The longest number is the latest: past 999 a day, "…-1000" sorts below "…-999" as text.
    last = (
        Wave.objects.filter(number__startswith=prefix)
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:03d}"


def transition_wave(wave: Wave, to_status: str, user: User | None, **payload: Any) -> Wave:
    """Moves a (locked) wave along WAVE_LIFECYCLE and writes `wave.<status>`."""
    return lifecycle.transition(WAVE_LIFECYCLE, wave, to_status, user=user, payload=payload)


@dataclass
class WaveCreated:
    wave: Wave
    allocation: AllocationResult


@transaction.atomic
def create_wave(
    *,
    warehouse: Warehouse,
    order_ids: Iterable[int],
    user: User | None,
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
    # Two waves created at once in one warehouse read the same last number and the second
    # insert failed on the unique number. The warehouse row, locked without key (stock moves'
    # foreign-key checks are not blocked), numbers them one after the other.
    list(Warehouse.objects.select_for_update(no_key=True).filter(pk=warehouse.pk).values("pk"))
    # Tuples, not instances: allocate_orders reads the orders again (already locked, so cheap).
    orders = list(
        Order.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "reference", "warehouse_id", "status", "wave_id")
    )
    problems = [f"order {pk} does not exist" for pk in set(ids) - {o[0] for o in orders}]
    for _, reference, warehouse_id, status, wave_id in orders:
        if warehouse_id != warehouse.pk:
            problems.append(f"{reference} ships from another warehouse")
        elif status not in OPEN_FOR_ALLOCATION:
            problems.append(f"{reference} is {OrderStatus(status).label.lower()}")
        elif wave_id is not None:
            problems.append(f"{reference} is already in a wave")
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
    allocation = allocate_orders(order_ids=ids, user=user)
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

    @property
    def summary(self) -> str:
        """What a manager reads after the release."""
        text = f"Released {self.released_orders} orders on {len(self.pick_lists)} lists."
        if self.held_back:
            held = ", ".join(o.reference for o in self.held_back)
            text += f" Held back (not fully allocated): {held}."
        return text


# A release is kept with its idempotency key as ids and read again for a repeat.
WAVE_RELEASED: Codec[WaveReleased] = Codec(
    dump=lambda r: {
        "wave": r.wave.pk,
        "pick_lists": [p.pk for p in r.pick_lists],
        "released_orders": r.released_orders,
        "held_back": [o.pk for o in r.held_back],
    },
    load=lambda raw: WaveReleased(
        wave=Wave.objects.get(pk=raw["wave"]),
        pick_lists=list(PickList.objects.filter(pk__in=raw["pick_lists"]).order_by("pk")),
        released_orders=raw["released_orders"],
        held_back=list(Order.objects.filter(pk__in=raw["held_back"]).order_by("pk")),
    ),
)


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
    """The orders' active reservations with where they are, in one statement (a wave's worth of
    rows read as tuples, not model instances)."""
    sql = (
        "SELECT r.id, r.quantity, ol.id, ol.order_id, b.location_id, l.zone_id, "  # noqa: S608
        "l.pick_sequence, l.code, b.product_id, b.lot_id, b.lpn_id "
        f"FROM {OrderLine._meta.db_table} ol "
        f"JOIN {Reservation._meta.db_table} r ON r.reference_type = %s "
        "AND r.reference_id = ol.id::text AND r.status = %s "
        f"JOIN {Balance._meta.db_table} b ON b.id = r.balance_id "
        f"JOIN {Location._meta.db_table} l ON l.id = b.location_id "
        "WHERE ol.order_id = ANY(%s::bigint[]) ORDER BY r.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ORDER_LINE_REF, ReservationStatus.ACTIVE, int_array(order_ids)])
        return [_Task(*row) for row in cursor.fetchall()]


@transaction.atomic
@idempotent("wave.release", result=WAVE_RELEASED)
def release_wave(
    *,
    wave: Wave,
    user: User | None,
    pick_method: str | None = None,
    orders_per_cart: int | None = None,
    staging_location: Location | None = None,
    idempotency_key: str | None = None,
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
    # Rows, not instances: a wave's 5,000 Order instances cost more than releasing them. The
    # held-back orders (usually few) are read as instances for the result.
    orders = locked_order_rows(wave=wave)
    ready = [o for o in orders if o.status == OrderStatus.ALLOCATED]
    held_pks = [o.pk for o in orders if o.status != OrderStatus.ALLOCATED]
    held_back = list(Order.objects.filter(pk__in=held_pks).order_by("pk")) if held_pks else []
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
    if held_pks:
        Order.objects.filter(pk__in=held_pks).update(wave=None)
    bulk_transition(ready, OrderStatus.RELEASED, user, {o.pk: {"wave": wave.number} for o in ready})
    lists = _build_lists(wave, ready, _tasks([o.pk for o in ready]), method, per_cart, staging)
    return WaveReleased(wave, lists, len(ready), held_back)


def _build_lists(
    wave: Wave,
    orders: list[OrderRow],
    tasks: list[_Task],
    method: str,
    per_cart: int,
    staging: Location,
) -> list[PickList]:
    by_order: dict[int, list[_Task]] = defaultdict(list)
    for task in tasks:
        by_order[task.order_id].append(task)
    far = dt.date.max
    urgent = sorted(orders, key=lambda o: (o.priority, o.ship_by or far, o.pk))
    groups: list[tuple[int | None, list[OrderRow], list[_Task]]] = []
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
    _insert_lists(lists)
    slots: list[tuple[int, int, int]] = []
    lines: list[tuple[int, _Task, int]] = []
    for pick_list, (_, group_orders, group_tasks) in zip(lists, groups, strict=True):
        slots += [(pick_list.pk, o.pk, s) for s, o in enumerate(group_orders, start=1)]
        walk = sorted(group_tasks, key=lambda t: (t.walk, t.order_id))
        lines += [(pick_list.pk, task, seq) for seq, task in enumerate(walk, start=1)]
    _insert_slots_and_lines(slots, lines)
    emit_many(
        [
            NewEvent(
                type="picklist.released",
                client_id=None,
                warehouse_id=pick_list.warehouse_id,
                payload=PICK_LIST_LIFECYCLE.payload(pick_list) | {"wave": wave.number},
            )
            for pick_list in lists
        ],
        user=None,
    )
    return lists


# A wave of 10,000 lines makes thousands of lists, slots and lines: they are written with
# INSERT ... SELECT FROM unnest (rows come back in input order) because bulk_create spent
# longer building and compiling model instances than the database took to store them.


def _insert_lists(lists: list[PickList]) -> None:
    if not lists:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PickList._meta.db_table} (wave_id, warehouse_id, zone_id, method, "  # noqa: S608
            "number, status, staging_location_id, assigned_to_id, priority, created_at) "
            "SELECT %s, %s, d.zone_id, %s, d.number, %s, %s, NULL, d.priority, %s "
            "FROM unnest(%s::bigint[], %s::text[], %s::int[]) AS d(zone_id, number, priority) "
            "RETURNING id",
            [
                lists[0].wave_id,
                lists[0].warehouse_id,
                lists[0].method,
                PickListStatus.RELEASED,
                lists[0].staging_location_id,
                lists[0].created_at,
                int_array(pl.zone_id for pl in lists),
                [pl.number for pl in lists],
                int_array(pl.priority for pl in lists),
            ],
        )
        for pick_list, (pk,) in zip(lists, cursor.fetchall(), strict=True):
            pick_list.pk = pk
            pick_list._state.adding = False
            pick_list._state.db = connection.alias


def _insert_slots_and_lines(
    slots: list[tuple[int, int, int]], lines: list[tuple[int, _Task, int]]
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PickListOrder._meta.db_table} (pick_list_id, order_id, slot) "  # noqa: S608
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::int[])",
            [int_array(s[i] for s in slots) for i in range(3)],
        )
        cursor.execute(
            f"INSERT INTO {PickLine._meta.db_table} (pick_list_id, order_line_id, order_id, "  # noqa: S608
            "reservation_id, location_id, product_id, lot_id, lpn_id, sequence, quantity, "
            "picked_qty, short_qty, status) "
            "SELECT d.*, 0, 0, %s FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], "
            "%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::int[], "
            "%s::int[]) AS d",
            [
                PickLineStatus.OPEN,
                int_array(pk for pk, _, _ in lines),
                int_array(t.order_line_id for _, t, _ in lines),
                int_array(t.order_id for _, t, _ in lines),
                int_array(t.reservation_id for _, t, _ in lines),
                int_array(t.location_id for _, t, _ in lines),
                int_array(t.product_id for _, t, _ in lines),
                int_array(t.lot_id for _, t, _ in lines),
                int_array(t.lpn_id for _, t, _ in lines),
                int_array(seq for _, _, seq in lines),
                int_array(t.quantity for _, t, _ in lines),
            ],
        )


@transaction.atomic
def cancel_wave(*, wave: Wave, user: User) -> Wave:
    """Takes a planned wave back: its orders leave the wave and keep their allocations."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    transition_wave(wave, WaveStatus.CANCELLED, user)
    Order.objects.filter(wave=wave).update(wave=None)
    return wave
