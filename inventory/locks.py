"""Every row lock on stock goes through here, always in one order: locations by primary key,
then balances by primary key, then reservations by primary key. Two callers therefore never wait
on each other in a cycle, whatever they move.

Balance rows that do not exist yet are inserted first, all in one statement in key order, so two
callers creating the same rows queue behind each other instead of deadlocking."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from inventory.models import Balance, Location, Reservation


@dataclass(frozen=True, order=True)
class BalanceKey:
    location_id: int
    product_id: int
    lot_id: int | None
    lpn_id: int | None
    status: str

    def sort_key(self) -> tuple[int, int, int, int, str]:
        return (self.location_id, self.product_id, self.lot_id or 0, self.lpn_id or 0, self.status)


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
