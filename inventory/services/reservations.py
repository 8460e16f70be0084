"""Reservations: promise a quantity of one balance to a document line, give it back, or pick it.
Lock order: balance, then reservation (inventory.locks)."""

from __future__ import annotations

from typing import Any

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
    Leg,
    ledger_service,
    moves_once,
    pk_or_none,
    post_legs,
)


@ledger_service
def reserve(
    *,
    balance_id: int,
    quantity: int,
    reference_type: str,
    reference_id: str,
    user: Any = None,
) -> Reservation:
    """Reserves free, available stock of one balance at a pickable location for one document
    line. Never over-allocates: the check runs under the balance's row lock."""
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidQuantity(f"Reserve a whole number above zero; got {quantity!r}.")
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
    emit(
        "stock.reserved",
        client_id=balance.client_id,
        warehouse_id=balance.warehouse_id,
        payload={
            "reservation_id": reservation.pk,
            "balance_id": balance.pk,
            "product_id": balance.product_id,
            "location": location.code,
            "quantity": quantity,
            "reference": {"type": reference_type, "id": str(reference_id)},
        },
        user=user,
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
def release(*, reservation_id: int, quantity: int | None = None, user: Any = None) -> Reservation:
    """Gives back all (or `quantity`) of what a reservation still holds."""
    reservation, balance = _locked_active_reservation(reservation_id)
    quantity = reservation.quantity if quantity is None else quantity
    if not isinstance(quantity, int) or quantity <= 0 or quantity > reservation.quantity:
        raise InvalidQuantity(f"Release between 1 and {reservation.quantity}; got {quantity!r}.")
    Balance.objects.filter(pk=balance.pk).update(
        allocated=F("allocated") - quantity, updated_at=timezone.now()
    )
    _reduce(reservation, quantity, ReservationStatus.RELEASED)
    emit(
        "stock.released",
        client_id=balance.client_id,
        warehouse_id=balance.warehouse_id,
        payload={
            "reservation_id": reservation.pk,
            "balance_id": balance.pk,
            "product_id": balance.product_id,
            "quantity": quantity,
            "reference": {"type": reservation.reference_type, "id": reservation.reference_id},
        },
        user=user,
    )
    return reservation


@ledger_service
def consume(
    *,
    user: Any,
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

    def act() -> list[StockMove]:
        found = (
            Reservation.objects.filter(pk=reservation_id)
            .select_related("balance__product", "balance__lot", "balance__lpn", "balance__location")
            .first()
        )
        if found is None:
            raise ReservationRefused(f"No reservation {reservation_id}.")
        b = found.balance
        leg = Leg(
            b.product,
            b.lot,
            quantity,
            b.location,
            to_location,
            b.lpn,
            to_lpn,
            b.status,
            b.status,
            consume_allocated=quantity,
        )
        locked: list[Reservation] = []

        def check_reservation() -> None:
            # The balance is locked now; the reservation comes next in the lock order, and is
            # checked before anything changes (another picker may have used it meanwhile).
            reservation = locks.lock_reservation(reservation_id)
            assert reservation is not None
            held = reservation.quantity if reservation.status == ReservationStatus.ACTIVE else 0
            if not isinstance(quantity, int) or quantity <= 0 or quantity > held:
                raise ReservationRefused(
                    f"Reservation {reservation_id} holds {held}; "
                    f"{quantity!r} cannot be picked against it."
                )
            locked.append(reservation)

        moves = post_legs(
            [leg],
            event_type="stock.consumed",
            user=user,
            reason=reason,
            reference_type=reference_type or found.reference_type,
            reference_id=reference_id or found.reference_id,
            under_lock=check_reservation,
        )
        reservation = locked[0]
        _reduce(reservation, quantity, ReservationStatus.CONSUMED)
        return moves

    payload = {
        "reservation": reservation_id,
        "quantity": quantity,
        "to": to_location.pk,
        "to_lpn": pk_or_none(to_lpn),
        "reason": reason,
    }
    return moves_once(
        user=user,
        key=idempotency_key,
        scope="stock.consume",
        payload=payload,
        action=act,
    )[0]
