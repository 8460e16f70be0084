"""The one door to stock. Every function here is a public service: the outermost transaction,
rows locked through inventory.locks, a domain error (and nothing written) on refusal, an event
row in the same transaction as its moves, and an optional idempotency key. Reservations live in
inventory.services.reservations and are re-exported here, so callers use one module."""

from __future__ import annotations

from typing import Any

from inventory.exceptions import InvalidQuantity, LocationRefused, LpnRefused
from inventory.models import (
    Balance,
    InventoryStatus,
    Location,
    LocationKind,
    Lot,
    Lpn,
    Product,
    Reason,
    StockMove,
)
from inventory.services.posting import (
    Leg,
    ledger_service,
    moves_once,
    pk_or_none,
    post_legs,
    virtual_location,
)
from inventory.services.reservations import (
    Grant,
    consume,
    consume_in_transaction,
    release,
    release_many,
    reserve,
    reserve_set,
)
from wms.quantities import MAX_QUANTITY, is_count

__all__ = [
    "Grant",
    "adjust",
    "change_status",
    "consume",
    "consume_in_transaction",
    "move",
    "move_lpn",
    "receive",
    "release",
    "release_many",
    "reserve",
    "reserve_set",
    "ship_lpn",
    "virtual_location",
]


@ledger_service
def receive(
    *,
    user: Any,
    product: Product,
    quantity: int,
    location: Location,
    lot: Lot | None = None,
    lpn: Lpn | None = None,
    status: str = InventoryStatus.AVAILABLE,
    reference_type: str = "",
    reference_id: str = "",
    idempotency_key: str | None = None,
) -> StockMove:
    """Brings stock into a physical location from the warehouse's supplier location."""
    if location.is_virtual:
        raise LocationRefused(f"Receive into a physical location, not {location.code}.")

    def act() -> list[StockMove]:
        supplier = virtual_location(location.warehouse_id, LocationKind.SUPPLIER)
        leg = Leg(product, lot, quantity, supplier, location, None, lpn, status, status)
        moves = post_legs(
            [leg],
            event_type="stock.received",
            user=user,
            reason=Reason.RECEIPT,
            reference_type=reference_type,
            reference_id=reference_id,
        )
        return moves

    payload = {
        "product": product.pk,
        "quantity": quantity,
        "location": location.pk,
        "lot": pk_or_none(lot),
        "lpn": pk_or_none(lpn),
        "status": status,
        "reference": [reference_type, reference_id],
    }
    return moves_once(
        user=user,
        key=idempotency_key,
        scope="stock.receive",
        payload=payload,
        action=act,
    )[0]


@ledger_service
def move(
    *,
    user: Any,
    product: Product,
    quantity: int,
    from_location: Location,
    to_location: Location,
    lot: Lot | None = None,
    from_lpn: Lpn | None = None,
    to_lpn: Lpn | None = None,
    status: str = InventoryStatus.AVAILABLE,
    reason: str = Reason.MOVE,
    reference_type: str = "",
    reference_id: str = "",
    idempotency_key: str | None = None,
) -> StockMove:
    """Moves free (unallocated) stock between physical locations of one warehouse."""
    for location in (from_location, to_location):
        if location.is_virtual:
            raise LocationRefused(
                f"{location.code} is virtual: use receive, adjust or ship to cross it."
            )

    def act() -> list[StockMove]:
        leg = Leg(
            product, lot, quantity, from_location, to_location, from_lpn, to_lpn, status, status
        )
        moves = post_legs(
            [leg],
            event_type="stock.moved",
            user=user,
            reason=reason,
            reference_type=reference_type,
            reference_id=reference_id,
        )
        return moves

    payload = {
        "product": product.pk,
        "quantity": quantity,
        "from": from_location.pk,
        "to": to_location.pk,
        "lot": pk_or_none(lot),
        "from_lpn": pk_or_none(from_lpn),
        "to_lpn": pk_or_none(to_lpn),
        "status": status,
        "reason": reason,
    }
    return moves_once(
        user=user,
        key=idempotency_key,
        scope="stock.move",
        payload=payload,
        action=act,
    )[0]


@ledger_service
def move_lpn(
    *,
    user: Any,
    lpn: Lpn,
    to_location: Location,
    reason: str = Reason.MOVE,
    reference_type: str = "",
    reference_id: str = "",
    idempotency_key: str | None = None,
) -> list[StockMove]:
    """Moves an LPN and everything in it: one move per balance inside it."""
    if to_location.is_virtual:
        raise LocationRefused(f"{to_location.code} is virtual; an LPN sits at a physical place.")

    def act() -> list[StockMove]:
        current = Lpn.objects.select_related("location").get(pk=lpn.pk)
        if current.location is None:
            raise LpnRefused(f"LPN {lpn.code} is not at any location yet.")
        if current.location_id == to_location.pk:
            raise LpnRefused(f"LPN {lpn.code} is already at {to_location.code}.")
        contents = list(
            Balance.objects.filter(lpn=current, location=current.location, on_hand__gt=0)
            .select_related("product", "lot")
            .order_by("pk")
        )
        if not contents:
            Lpn.objects.filter(pk=lpn.pk).update(location=to_location)
            return []
        if any(b.allocated for b in contents):
            raise LpnRefused(
                f"LPN {lpn.code} holds stock allocated to orders; pick it or release it first."
            )
        legs = [
            Leg(
                b.product,
                b.lot,
                b.on_hand,
                current.location,
                to_location,
                current,
                current,
                b.status,
                b.status,
            )
            for b in contents
        ]
        moves = post_legs(
            legs,
            event_type="stock.moved",
            user=user,
            reason=reason,
            reference_type=reference_type,
            reference_id=reference_id,
        )
        Lpn.objects.filter(pk=lpn.pk).update(location=to_location)
        return moves

    payload = {"lpn": lpn.pk, "to": to_location.pk, "reason": reason}
    return moves_once(
        user=user,
        key=idempotency_key,
        scope="stock.move_lpn",
        payload=payload,
        action=act,
    )


@ledger_service
def adjust(
    *,
    user: Any,
    product: Product,
    location: Location,
    quantity: int,
    reason_code: str,
    lot: Lot | None = None,
    lpn: Lpn | None = None,
    status: str = InventoryStatus.AVAILABLE,
    note: str = "",
    idempotency_key: str | None = None,
) -> StockMove:
    """Adds (quantity > 0) or removes (quantity < 0) stock through the adjustment location, with
    a reason code. Allocated stock cannot be adjusted away."""
    if not reason_code.strip():
        raise InvalidQuantity("An adjustment needs a reason code.", code="reason_required")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not is_count(abs(quantity)):
        raise InvalidQuantity(
            f"Adjust by a whole number other than zero, at most {MAX_QUANTITY} either way; "
            f"got {quantity!r}."
        )
    if location.is_virtual:
        raise LocationRefused(f"Adjust stock at a physical location, not {location.code}.")

    def act() -> list[StockMove]:
        adjustment = virtual_location(location.warehouse_id, LocationKind.ADJUSTMENT)
        if quantity > 0:
            leg = Leg(product, lot, quantity, adjustment, location, None, lpn, status, status)
        else:
            leg = Leg(product, lot, -quantity, location, adjustment, lpn, None, status, status)
        moves = post_legs(
            [leg],
            event_type="stock.adjusted",
            user=user,
            reason=Reason.ADJUST,
            reason_code=reason_code.strip(),
            note=note,
        )
        return moves

    payload = {
        "product": product.pk,
        "location": location.pk,
        "quantity": quantity,
        "lot": pk_or_none(lot),
        "lpn": pk_or_none(lpn),
        "status": status,
        "reason_code": reason_code,
        "note": note,
    }
    return moves_once(
        user=user,
        key=idempotency_key,
        scope="stock.adjust",
        payload=payload,
        action=act,
    )[0]


@ledger_service
def change_status(
    *,
    user: Any,
    product: Product,
    location: Location,
    quantity: int,
    from_status: str,
    to_status: str,
    lot: Lot | None = None,
    lpn: Lpn | None = None,
    reason_code: str = "",
    idempotency_key: str | None = None,
) -> StockMove:
    """Moves free stock between inventory statuses in place (e.g. available to hold)."""
    if from_status == to_status:
        raise InvalidQuantity(f"The stock is already {to_status}.", code="same_status")
    valid = set(InventoryStatus.values)
    if from_status not in valid or to_status not in valid:
        raise InvalidQuantity(
            f"Unknown status; use one of {', '.join(sorted(valid))}.", code="invalid"
        )

    def act() -> list[StockMove]:
        leg = Leg(product, lot, quantity, location, location, lpn, lpn, from_status, to_status)
        moves = post_legs(
            [leg],
            user=user,
            reason=Reason.STATUS_CHANGE,
            event_type="stock.status_changed",
            reason_code=reason_code,
        )
        return moves

    payload = {
        "product": product.pk,
        "location": location.pk,
        "quantity": quantity,
        "lot": pk_or_none(lot),
        "lpn": pk_or_none(lpn),
        "from": from_status,
        "to": to_status,
        "reason_code": reason_code,
    }
    return moves_once(
        user=user,
        key=idempotency_key,
        scope="stock.change_status",
        payload=payload,
        action=act,
    )[0]


@ledger_service
def ship_lpn(
    *,
    user: Any,
    lpn: Lpn,
    reference_type: str = "",
    reference_id: str = "",
    idempotency_key: str | None = None,
) -> list[StockMove]:
    """Sends everything in an LPN (a packed carton) out of the building: one move per balance
    from its location to the warehouse's customer location, reason ship; the LPN is then at no
    location. Allocated stock is refused (it still belongs to an order's pick)."""

    def act() -> list[StockMove]:
        current = Lpn.objects.select_related("location").get(pk=lpn.pk)
        if current.location is None:
            raise LpnRefused(f"LPN {lpn.code} is not at any location: has it shipped already?")
        contents = list(
            Balance.objects.filter(lpn=current, location=current.location, on_hand__gt=0)
            .select_related("product", "lot")
            .order_by("pk")
        )
        if any(b.allocated for b in contents):
            raise LpnRefused(f"LPN {lpn.code} holds stock allocated to orders; pick it first.")
        customer = virtual_location(current.warehouse_id, LocationKind.CUSTOMER)
        legs = [
            Leg(
                b.product,
                b.lot,
                b.on_hand,
                current.location,
                customer,
                current,
                None,
                b.status,
                b.status,
            )
            for b in contents
        ]
        moves = (
            post_legs(
                legs,
                event_type="stock.shipped",
                user=user,
                reason=Reason.SHIP,
                reference_type=reference_type,
                reference_id=reference_id,
            )
            if legs
            else []
        )
        Lpn.objects.filter(pk=lpn.pk).update(location=None)
        return moves

    payload = {"lpn": lpn.pk, "reference": [reference_type, reference_id]}
    return moves_once(
        user=user,
        key=idempotency_key,
        scope="stock.ship_lpn",
        payload=payload,
        action=act,
    )
