"""Every row lock on stock goes through here, always in one order: locations by primary key,
then balances by primary key, then reservations by primary key. Two callers therefore never wait
on each other in a cycle, whatever they move.

Balance rows that do not exist yet are inserted first, all in one statement in key order, so two
callers creating the same rows queue behind each other instead of deadlocking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from inventory.models import Balance, Location, Lot, Reservation


@dataclass(frozen=True, order=True)
class BalanceKey:
    location_id: int
    product_id: int
    lot_id: int | None
    lpn_id: int | None
    status: str

    def sort_key(self) -> tuple[int, int, int, int, str]:
        return (self.location_id, self.product_id, self.lot_id or 0, self.lpn_id or 0, self.status)


@dataclass(frozen=True)
class Allocatable:
    """A locked balance that allocation may reserve from, with what the rotation rules need."""

    balance_id: int
    product_id: int
    location_id: int
    location_code: str
    location_kind: str
    zone_id: int | None
    pick_sequence: int
    lot_id: int | None
    expiry_date: dt.date | None
    lpn_id: int | None
    available: int
    first_received_at: dt.datetime


def lock_locations(pks: Iterable[int]) -> dict[int, Location]:
    ordered = sorted(set(pks))
    if not ordered:
        return {}
    rows = Location.objects.select_for_update().filter(pk__in=ordered).order_by("pk")
    return {row.pk: row for row in rows}


def lock_balances(
    keys: Iterable[BalanceKey], *, create: dict[BalanceKey, tuple[int, int]] | None = None
) -> dict[BalanceKey, Balance]:
    """Locks the balances of `keys` and returns those that exist. Keys in `create` (mapped to
    their client and warehouse ids) are inserted at zero first if missing.

    Existing rows are locked first, in primary-key order, in one statement (the usual case: one
    round trip). Missing ones are then inserted in key order and locked; a new row has a higher
    primary key than any existing one, so the order still holds."""
    wanted = sorted(set(keys), key=BalanceKey.sort_key)
    found = _select_for_update(wanted)
    missing = sorted((k for k in (create or {}) if k not in found), key=BalanceKey.sort_key)
    if missing:
        assert create is not None
        now = timezone.now()
        Balance.objects.bulk_create(
            [
                Balance(
                    location_id=k.location_id,
                    product_id=k.product_id,
                    lot_id=k.lot_id,
                    lpn_id=k.lpn_id,
                    status=k.status,
                    client_id=create[k][0],
                    warehouse_id=create[k][1],
                    first_received_at=now,
                    updated_at=now,
                )
                for k in missing
            ],
            ignore_conflicts=True,
        )
        found.update(_select_for_update(missing))
    return found


def _select_for_update(keys: list[BalanceKey]) -> dict[BalanceKey, Balance]:
    """One SELECT ... FOR UPDATE for all keys, ordered by primary key. Written as SQL because
    building the ORM filter for a few keys cost more CPU than the rest of a move."""
    if not keys:
        return {}
    clauses: list[str] = []
    params: list[Any] = []
    for key in keys:
        lot = "lot_id IS NULL" if key.lot_id is None else "lot_id = %s"
        lpn = "lpn_id IS NULL" if key.lpn_id is None else "lpn_id = %s"
        clauses.append(
            f"(location_id = %s AND product_id = %s AND {lot} AND {lpn} AND status = %s)"
        )
        params += [key.location_id, key.product_id]
        params += [v for v in (key.lot_id, key.lpn_id) if v is not None]
        params.append(key.status)
    table = Balance._meta.db_table
    rows = Balance.objects.raw(
        f"SELECT * FROM {table} WHERE {' OR '.join(clauses)} ORDER BY id FOR UPDATE",  # noqa: S608
        params,
    )
    return {BalanceKey(r.location_id, r.product_id, r.lot_id, r.lpn_id, r.status): r for r in rows}


def lock_balance_pks(pks: Iterable[int]) -> dict[int, Balance]:
    ordered = sorted(set(pks))
    rows = Balance.objects.select_for_update().filter(pk__in=ordered).order_by("pk")
    return {row.pk: row for row in rows}


def lock_reservation(pk: int) -> Reservation | None:
    return Reservation.objects.select_for_update().filter(pk=pk).first()


def lock_allocatable(
    warehouse_id: int, product_ids: Iterable[int], *, exclude_location_ids: Iterable[int] = ()
) -> list[Allocatable]:
    """Locks, in primary-key order and in one statement, every balance of these products in the
    warehouse that allocation may take from: available status, free quantity above zero, at a
    pickable, unblocked, physical location. Under READ COMMITTED a row another transaction just
    allocated in full is re-checked after its commit and left out, so what comes back is free."""
    products = sorted(set(product_ids))
    if not products:
        return []
    excluded = sorted(set(exclude_location_ids)) or [0]
    balance = Balance._meta.db_table
    location = Location._meta.db_table
    lot = Lot._meta.db_table
    sql = (
        "SELECT b.id, b.product_id, b.location_id, l.code, l.kind, l.zone_id, l.pick_sequence, "  # noqa: S608
        "b.lot_id, lot.expiry_date, b.lpn_id, b.on_hand - b.allocated, b.first_received_at "
        f"FROM {balance} b JOIN {location} l ON l.id = b.location_id "
        f"LEFT JOIN {lot} lot ON lot.id = b.lot_id "
        "WHERE b.warehouse_id = %s AND b.product_id = ANY(%s) AND b.status = 'available' "
        "AND b.on_hand > b.allocated AND l.is_pickable AND NOT l.is_blocked "
        "AND NOT l.is_virtual AND NOT (b.location_id = ANY(%s)) "
        "ORDER BY b.id FOR UPDATE OF b"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [warehouse_id, products, excluded])
        return [Allocatable(*row) for row in cursor.fetchall()]


def lock_reservations(pks: Iterable[int]) -> dict[int, Reservation]:
    ordered = sorted(set(pks))
    rows = Reservation.objects.select_for_update().filter(pk__in=ordered).order_by("pk")
    return {row.pk: row for row in rows}
