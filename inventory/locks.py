"""Every row lock on stock goes through here, always in one order: locations by primary key,
then balances by primary key, then reservations by primary key. Two callers therefore never wait
on each other in a cycle, whatever they move.

Balance rows that do not exist yet are inserted first, all in one statement in key order, so two
callers creating the same rows queue behind each other instead of deadlocking."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from inventory.models import Balance, Location, Reservation


@dataclass(frozen=True, order=True)
class BalanceKey:
    location_id: int
    product_id: int
    lot_id: int | None
    lpn_id: int | None
    status: str

    def q(self) -> Q:
        return Q(
            location_id=self.location_id,
            product_id=self.product_id,
            lot_id=self.lot_id,
            lpn_id=self.lpn_id,
            status=self.status,
        )

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
    their client and warehouse ids) are first inserted at zero if missing."""
    wanted = sorted(set(keys), key=BalanceKey.sort_key)
    if create:
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
                for k in sorted(create, key=BalanceKey.sort_key)
            ],
            ignore_conflicts=True,
        )
    if not wanted:
        return {}
    condition = Q()
    for key in wanted:
        condition |= key.q()
    rows = Balance.objects.select_for_update().filter(condition).order_by("pk")
    return {BalanceKey(r.location_id, r.product_id, r.lot_id, r.lpn_id, r.status): r for r in rows}


def lock_balance_pks(pks: Iterable[int]) -> dict[int, Balance]:
    ordered = sorted(set(pks))
    rows = Balance.objects.select_for_update().filter(pk__in=ordered).order_by("pk")
    return {row.pk: row for row in rows}


def lock_reservation(pk: int) -> Reservation | None:
    return Reservation.objects.select_for_update().filter(pk=pk).first()
