"""Reservations: promise a quantity of one balance to a document line, give it back, or pick it.
Lock order: balance, then reservation (inventory.locks)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from inventory import locks
from inventory.events import emit
from inventory.exceptions import (
    InsufficientStock,
    InvalidQuantity,
    NotAllocatable,
    ReservationRefused,
)
from inventory.locks import Allocatable
from inventory.models import (
    Balance,
    InventoryStatus,
    Location,
    Lpn,
    Reason,
    Reservation,
    ReservationStatus,
    StockMove,
)
from inventory.services.posting import (
    MOVE,
    Leg,
    in_callers_transaction,
    ledger_service,
    post_legs,
)
from wms.idempotency.services import idempotent
from wms.instances import saved_instance
from wms.quantities import MAX_QUANTITY, is_count
from wms.sqlarrays import int_array

if TYPE_CHECKING:
    from wms.accounts.models import User


@ledger_service
def reserve(
    *,
    balance_id: int,
    quantity: int,
    reference_type: str,
    reference_id: str,
    user: User | None = None,
) -> Reservation:
    """Reserves free, available stock of one balance at a pickable location for one document
    line. Never over-allocates: the check runs under the balance's row lock."""
    if not is_count(quantity):
        raise InvalidQuantity(f"Reserve a whole number from 1 to {MAX_QUANTITY}; got {quantity!r}.")
    balance = locks.lock_balance_pks([balance_id]).get(balance_id)
    if balance is None:
        raise NotAllocatable(f"No balance {balance_id}.")
    location = Location.objects.get(pk=balance.location_id)
    if balance.status != InventoryStatus.AVAILABLE:
        raise NotAllocatable(
            f"Stock in status {balance.status} cannot be allocated; only available stock."
        )
    if not location.is_pickable or location.is_blocked or location.is_virtual:
        raise NotAllocatable(
            f"Location {location.code} is not pickable; stock there cannot be allocated."
        )
    if balance.available < quantity:
        raise InsufficientStock(
            f"Only {balance.available} free at {location.code} ({balance.on_hand} on hand, "
            f"{balance.allocated} allocated); {quantity} requested."
        )
    Balance.objects.filter(pk=balance.pk).update(
        allocated=F("allocated") + quantity, updated_at=timezone.now()
    )
    reservation = Reservation.objects.create(
        balance=balance,
        quantity=quantity,
        original_quantity=quantity,
        reference_type=reference_type,
        reference_id=str(reference_id),
    )
    _emit_reservation(
        "stock.reserved", reservation, balance, quantity, user, location=location.code
    )
    return reservation


def _locked_active_reservation(reservation_id: int) -> tuple[Reservation, Balance]:
    """Locks balance then reservation (the fixed order) and checks the reservation is active."""
    unlocked = Reservation.objects.filter(pk=reservation_id).only("balance_id").first()
    if unlocked is None:
        raise ReservationRefused(f"No reservation {reservation_id}.")
    balance = locks.lock_balance_pks([unlocked.balance_id])[unlocked.balance_id]
    reservation = locks.lock_reservation(reservation_id)
    assert reservation is not None
    if reservation.status != ReservationStatus.ACTIVE:
        raise ReservationRefused(
            f"Reservation {reservation_id} is {reservation.status}, not active."
        )
    return reservation, balance


def _reduce(reservation: Reservation, quantity: int, done_status: str) -> None:
    reservation.quantity -= quantity
    if reservation.quantity == 0:
        reservation.status = done_status
    reservation.updated_at = timezone.now()
    reservation.save(update_fields=["quantity", "status", "updated_at"])


@ledger_service
def release(
    *, reservation_id: int, quantity: int | None = None, user: User | None = None
) -> Reservation:
    """Gives back all (or `quantity`) of what a reservation still holds."""
    reservation, balance = _locked_active_reservation(reservation_id)
    quantity = reservation.quantity if quantity is None else quantity
    if not isinstance(quantity, int) or quantity <= 0 or quantity > reservation.quantity:
        raise InvalidQuantity(f"Release between 1 and {reservation.quantity}; got {quantity!r}.")
    Balance.objects.filter(pk=balance.pk).update(
        allocated=F("allocated") - quantity, updated_at=timezone.now()
    )
    _reduce(reservation, quantity, ReservationStatus.RELEASED)
    _emit_reservation("stock.released", reservation, balance, quantity, user)
    return reservation


def _emit_reservation(
    event_type: str,
    reservation: Reservation,
    balance: Balance,
    quantity: int,
    user: User | None,
    **extra: Any,
) -> None:
    """The event of a reservation made or given back: which balance, how many, for what."""
    emit(
        event_type,
        client_id=balance.client_id,
        warehouse_id=balance.warehouse_id,
        payload={
            "reservation_id": reservation.pk,
            "balance_id": balance.pk,
            "product_id": balance.product_id,
            **extra,
            "quantity": quantity,
            "reference": {"type": reservation.reference_type, "id": reservation.reference_id},
        },
        user=user,
    )


@idempotent("stock.consume", result=MOVE)
def _consume(
    *,
    user: User,
    reservation_id: int,
    quantity: int,
    to_location: Location,
    to_lpn: Lpn | None = None,
    reason: str = Reason.PICK,
    reference_type: str = "",
    reference_id: str = "",
    idempotency_key: str | None = None,
) -> StockMove:
    """Picks reserved stock: moves `quantity` from the reserved balance to `to_location` (a tote
    or staging place) and uses up that much of the reservation."""
    found = (
        Reservation.objects.filter(pk=reservation_id)
        .select_related("balance__product", "balance__lot", "balance__lpn", "balance__location")
        .first()
    )
    if found is None:
        raise ReservationRefused(f"No reservation {reservation_id}.")
    b = found.balance
    leg = Leg(
        product=b.product,
        lot=b.lot,
        quantity=quantity,
        from_location=b.location,
        to_location=to_location,
        from_lpn=b.lpn,
        to_lpn=to_lpn,
        from_status=b.status,
        to_status=b.status,
        consume_allocated=quantity,
    )

    def check_and_use_reservation() -> None:
        # The balance is locked now; the reservation comes next in the lock order, and is
        # checked before anything changes (another picker may have used it meanwhile). The
        # check and the decrement are one statement: the UPDATE locks the row and only
        # matches an active reservation holding enough. An error after it (the leg refused)
        # rolls the whole transaction back.
        if not is_count(quantity):
            held = _held(reservation_id)
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Reservation._meta.db_table} SET quantity = quantity - %s, "  # noqa: S608
                    "status = CASE WHEN quantity = %s THEN %s ELSE status END, "
                    "updated_at = %s WHERE id = %s AND status = %s AND quantity >= %s "
                    "RETURNING id",
                    [
                        quantity,
                        quantity,
                        ReservationStatus.CONSUMED,
                        timezone.now(),
                        reservation_id,
                        ReservationStatus.ACTIVE,
                        quantity,
                    ],
                )
                if cursor.fetchone() is not None:
                    return
            held = _held(reservation_id)
        raise ReservationRefused(
            f"Reservation {reservation_id} holds {held}; {quantity!r} cannot be picked against it."
        )

    return post_legs(
        [leg],
        event_type="stock.consumed",
        user=user,
        reason=reason,
        reference_type=reference_type or found.reference_type,
        reference_id=reference_id or found.reference_id,
        under_lock=check_and_use_reservation,
    )[0]


def _held(reservation_id: int) -> int:
    """What an (already locked) reservation still holds: 0 unless it is active."""
    reservation = locks.lock_reservation(reservation_id)
    assert reservation is not None
    return reservation.quantity if reservation.status == ReservationStatus.ACTIVE else 0


consume = ledger_service(_consume)
# For confirm_pick and short_pick: their transaction (the idempotency key's, or the pick's own)
# rolls back as a whole on any error, so consume needs no savepoint of its own there.
consume_in_transaction = in_callers_transaction(_consume)


@dataclass(frozen=True)
class Grant:
    """Part of an allocation plan: reserve `quantity` of a locked balance for `reference_id`."""

    balance_id: int
    quantity: int
    reference_id: str


Plan = Callable[[list[Allocatable]], list[Grant]]


@ledger_service
def reserve_set(
    *,
    warehouse_id: int,
    product_ids: Iterable[int],
    plan: Plan,
    reference_type: str,
    exclude_location_ids: Iterable[int] = (),
) -> list[Reservation]:
    """Set-based allocation: locks every allocatable balance of the products at once (one
    statement, primary-key order), asks `plan` which of them to reserve for which references,
    checks the plan against the locked free quantities and writes it in three statements. Two
    callers allocating the same stock queue on the balance locks; neither can over-allocate.
    The caller's document event (e.g. order.allocated) records the reservations."""
    candidates = locks.lock_allocatable(
        warehouse_id, product_ids, exclude_location_ids=exclude_location_ids
    )
    grants = [g for g in plan(candidates) if g.quantity]
    free = {c.balance_id: c.available for c in candidates}
    taken: dict[int, int] = defaultdict(int)
    for grant in grants:
        if grant.quantity < 0 or grant.balance_id not in free:
            raise NotAllocatable(f"Balance {grant.balance_id} is not allocatable here.")
        taken[grant.balance_id] += grant.quantity
    for balance_id, quantity in taken.items():
        if quantity > free[balance_id]:
            raise InsufficientStock(
                f"Plan reserves {quantity} of balance {balance_id}; {free[balance_id]} free."
            )
    if not grants:
        return []
    _add_allocated(taken)
    return _insert_reservations(grants, reference_type)


def _insert_reservations(grants: list[Grant], reference_type: str) -> list[Reservation]:
    """One INSERT ... SELECT FROM unnest for all grants; the rows come back in input order. A
    wave reserves thousands at once, and bulk_create spent longer compiling the statement than
    the database took to run it."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Reservation._meta.db_table} (balance_id, quantity, "  # noqa: S608
            "original_quantity, reference_type, reference_id, status, created_at, updated_at) "
            "SELECT d.balance_id, d.qty, d.qty, %s, d.ref, %s, %s, %s "
            "FROM unnest(%s::bigint[], %s::int[], %s::text[]) AS d(balance_id, qty, ref) "
            "RETURNING id",
            [
                reference_type,
                ReservationStatus.ACTIVE,
                now,
                now,
                int_array(g.balance_id for g in grants),
                int_array(g.quantity for g in grants),
                [g.reference_id for g in grants],
            ],
        )
        pks = [row[0] for row in cursor.fetchall()]
    # Instances as a query would return them (saved, not "adding"), without a second query.
    alias = connection.alias
    return [
        saved_instance(
            Reservation,
            alias,
            {
                "id": pk,
                "balance_id": g.balance_id,
                "quantity": g.quantity,
                "original_quantity": g.quantity,
                "reference_type": reference_type,
                "reference_id": g.reference_id,
                "status": ReservationStatus.ACTIVE,
                "created_at": now,
                "updated_at": now,
            },
        )
        for pk, g in zip(pks, grants, strict=True)
    ]


def _add_allocated(delta: dict[int, int]) -> None:
    """One UPDATE for many balances (rows already locked by the caller)."""
    if not delta:
        return
    table = Balance._meta.db_table
    ids = list(delta)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} b SET allocated = b.allocated + d.qty, updated_at = now() "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::int[]) AS d(id, qty) WHERE b.id = d.id",
            [int_array(ids), int_array(delta[i] for i in ids)],
        )


@ledger_service
def release_many(*, reservation_ids: Sequence[int], user: User | None = None) -> int:
    """Gives back everything the active reservations among `reservation_ids` still hold (a
    cancelled order, a wave taken back). Locks balances then reservations, each in pk order.
    Returns the units released."""
    balance_ids = Reservation.objects.filter(
        pk__in=reservation_ids, status=ReservationStatus.ACTIVE
    ).values_list("balance_id", flat=True)
    locks.lock_balance_pks(list(balance_ids))
    held = [
        r
        for r in locks.lock_reservations(reservation_ids).values()
        if r.status == ReservationStatus.ACTIVE and r.quantity > 0
    ]
    delta: dict[int, int] = defaultdict(int)
    for r in held:
        delta[r.balance_id] -= r.quantity
    _add_allocated(delta)
    released = sum(r.quantity for r in held)
    Reservation.objects.filter(pk__in=[r.pk for r in held]).update(
        quantity=0, status=ReservationStatus.RELEASED, updated_at=timezone.now()
    )
    return released
