"""The one door to stock. Every function here is a public service: the outermost transaction,
rows locked through inventory.locks, a domain error (and nothing written) on refusal, an event
row in the same transaction as its moves, and an optional idempotency key. Reservations live in
inventory.services.reservations and are re-exported here, so callers use one module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from inventory.exceptions import InvalidQuantity, LocationRefused, LpnRefused
from inventory.locks import Allocatable
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
    MOVE,
    MOVES,
    Leg,
    ledger_service,
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
from wms.idempotency.services import idempotent
from wms.quantities import MAX_QUANTITY, is_count

if TYPE_CHECKING:
    from wms.accounts.models import User

__all__ = [
    "Allocatable",
    "Grant",
    "adjust",
    "change_status",
    "consume",
    "consume_in_transaction",
    "move",
    "move_lpn",
    "post_count",
    "receive",
    "release",
    "release_many",
    "reserve",
    "reserve_set",
    "ship_lpn",
    "transfer_in",
    "transfer_out",
    "virtual_location",
]


@ledger_service
@idempotent("stock.receive", result=MOVE)
def receive(
    *,
    user: User | None,
    product: Product,
    quantity: int,
    location: Location,
    lot: Lot | None = None,
    lpn: Lpn | None = None,
    status: str = InventoryStatus.AVAILABLE,
    reference_type: str = "",
    reference_id: str = "",
    event_payload: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> StockMove:
    """Brings stock into a physical location from the warehouse's supplier location. The
    `stock.received` event carries `event_payload` too (the receipt's facts, for billing)."""
    if location.is_virtual:
        raise LocationRefused(f"Receive into a physical location, not {location.code}.")
    supplier = virtual_location(location.warehouse_id, LocationKind.SUPPLIER)
    leg = Leg(
        product=product,
        lot=lot,
        quantity=quantity,
        from_location=supplier,
        to_location=location,
        to_lpn=lpn,
        from_status=status,
        to_status=status,
    )
    return post_legs(
        [leg],
        event_type="stock.received",
        user=user,
        reason=Reason.RECEIPT,
        reference_type=reference_type,
        reference_id=reference_id,
        event_payload=event_payload,
    )[0]


@ledger_service
@idempotent("stock.move", result=MOVE)
def move(
    *,
    user: User | None,
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
    leg = Leg(
        product=product,
        lot=lot,
        quantity=quantity,
        from_location=from_location,
        to_location=to_location,
        from_lpn=from_lpn,
        to_lpn=to_lpn,
        from_status=status,
        to_status=status,
    )
    return post_legs(
        [leg],
        event_type="stock.moved",
        user=user,
        reason=reason,
        reference_type=reference_type,
        reference_id=reference_id,
    )[0]


def _lpn_contents(lpn: Lpn) -> tuple[Lpn, list[Balance]]:
    """The LPN as it is now and the balances inside it, in primary-key order."""
    current = Lpn.objects.select_related("location").get(pk=lpn.pk)
    contents = list(
        Balance.objects.filter(lpn=current, location=current.location, on_hand__gt=0)
        .select_related("product", "lot")
        .order_by("pk")
    )
    return current, contents


def _whole_lpn_legs(lpn: Lpn, contents: list[Balance], to_location: Location) -> list[Leg]:
    """One leg per balance inside the LPN: all of it, in its status, to `to_location` (inside
    the LPN unless that is a virtual location)."""
    assert lpn.location is not None
    return [
        Leg(
            product=b.product,
            lot=b.lot,
            quantity=b.on_hand,
            from_location=lpn.location,
            to_location=to_location,
            from_lpn=lpn,
            to_lpn=None if to_location.is_virtual else lpn,
            from_status=b.status,
            to_status=b.status,
        )
        for b in contents
    ]


@ledger_service
@idempotent("stock.move_lpn", result=MOVES)
def move_lpn(
    *,
    user: User | None,
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
    current, contents = _lpn_contents(lpn)
    if current.location is None:
        raise LpnRefused(f"LPN {lpn.code} is not at any location yet.")
    if current.location_id == to_location.pk:
        raise LpnRefused(f"LPN {lpn.code} is already at {to_location.code}.")
    if any(b.allocated for b in contents):
        raise LpnRefused(
            f"LPN {lpn.code} holds stock allocated to orders; pick it or release it first."
        )
    moves = (
        post_legs(
            _whole_lpn_legs(current, contents, to_location),
            event_type="stock.moved",
            user=user,
            reason=reason,
            reference_type=reference_type,
            reference_id=reference_id,
        )
        if contents
        else []
    )
    Lpn.objects.filter(pk=lpn.pk).update(location=to_location)
    return moves


@ledger_service
@idempotent("stock.adjust", result=MOVE)
def adjust(
    *,
    user: User | None,
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
    adjustment = virtual_location(location.warehouse_id, LocationKind.ADJUSTMENT)
    inward = quantity > 0
    leg = Leg(
        product=product,
        lot=lot,
        quantity=abs(quantity),
        from_location=adjustment if inward else location,
        to_location=location if inward else adjustment,
        from_lpn=None if inward else lpn,
        to_lpn=lpn if inward else None,
        from_status=status,
        to_status=status,
    )
    return post_legs(
        [leg],
        event_type="stock.adjusted",
        user=user,
        reason=Reason.ADJUST,
        reason_code=reason_code.strip(),
        note=note,
    )[0]


@dataclass(frozen=True)
class CountDifference:
    """One difference an approved count found: `quantity` units more (> 0) or fewer (< 0) of
    a product (lot, LPN) in the bin than the ledger held at the count's scan."""

    product: Product
    lot: Lot | None
    lpn: Lpn | None
    quantity: int


@ledger_service
def post_count(
    *,
    user: User | None,
    location: Location,
    differences: list[CountDifference],
    reference_id: str,
) -> list[StockMove]:
    """Posts an approved count: one move per difference between the bin and the adjustment
    location, reason count with reason code `cycle_count`, available status. A loss larger than
    the free stock left in the bin now is refused (InsufficientStock) and nothing is written."""
    if location.is_virtual:
        raise LocationRefused(f"Count a physical location, not {location.code}.")
    adjustment = virtual_location(location.warehouse_id, LocationKind.ADJUSTMENT)
    legs = []
    for difference in differences:
        if difference.quantity == 0:
            continue
        inward = difference.quantity > 0
        legs.append(
            Leg(
                product=difference.product,
                lot=difference.lot,
                quantity=abs(difference.quantity),
                from_location=adjustment if inward else location,
                to_location=location if inward else adjustment,
                from_lpn=None if inward else difference.lpn,
                to_lpn=difference.lpn if inward else None,
            )
        )
    if not legs:
        return []
    return post_legs(
        legs,
        event_type="stock.adjusted",
        user=user,
        reason=Reason.COUNT,
        reason_code="cycle_count",
        reference_type="count_task",
        reference_id=reference_id,
    )


@dataclass(frozen=True)
class TransferLeg:
    """Units of one product (lot, LPN) leaving a bin for another warehouse, or arriving."""

    product: Product
    lot: Lot | None
    quantity: int
    location: Location
    lpn: Lpn | None = None


@ledger_service
def transfer_out(
    *, user: User | None, legs: list[TransferLeg], reference_id: str
) -> list[StockMove]:
    """Ships free available stock from bins of one warehouse to its in-transit location (reason
    transfer out), all legs or none: more than is free anywhere refuses the whole shipment."""
    if not legs:
        return []
    warehouse_ids = {leg.location.warehouse_id for leg in legs}
    if len(warehouse_ids) != 1 or any(leg.location.is_virtual for leg in legs):
        raise LocationRefused("A transfer ships from physical bins of one warehouse.")
    in_transit = virtual_location(warehouse_ids.pop(), LocationKind.IN_TRANSIT)
    return post_legs(
        [
            Leg(
                product=leg.product,
                lot=leg.lot,
                quantity=leg.quantity,
                from_location=leg.location,
                to_location=in_transit,
                from_lpn=leg.lpn,
            )
            for leg in legs
        ],
        event_type="stock.transferred_out",
        user=user,
        reason=Reason.TRANSFER_OUT,
        reference_type="transfer",
        reference_id=reference_id,
    )


@ledger_service
def transfer_in(
    *, user: User | None, from_warehouse_id: int, legs: list[TransferLeg], reference_id: str
) -> list[StockMove]:
    """Receives a transfer: from the sending warehouse's in-transit location into bins of the
    receiving one (reason transfer in)."""
    if not legs:
        return []
    in_transit = virtual_location(from_warehouse_id, LocationKind.IN_TRANSIT)
    for leg in legs:
        if leg.location.is_virtual or leg.location.warehouse_id == from_warehouse_id:
            raise LocationRefused(
                "Receive a transfer into a bin of the receiving warehouse, "
                f"not {leg.location.code}."
            )
    return post_legs(
        [
            Leg(
                product=leg.product,
                lot=leg.lot,
                quantity=leg.quantity,
                from_location=in_transit,
                to_location=leg.location,
                to_lpn=leg.lpn,
            )
            for leg in legs
        ],
        event_type="stock.transferred_in",
        user=user,
        reason=Reason.TRANSFER_IN,
        reference_type="transfer",
        reference_id=reference_id,
    )


@ledger_service
@idempotent("stock.change_status", result=MOVE)
def change_status(
    *,
    user: User | None,
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
    leg = Leg(
        product=product,
        lot=lot,
        quantity=quantity,
        from_location=location,
        to_location=location,
        from_lpn=lpn,
        to_lpn=lpn,
        from_status=from_status,
        to_status=to_status,
    )
    return post_legs(
        [leg],
        user=user,
        reason=Reason.STATUS_CHANGE,
        event_type="stock.status_changed",
        reason_code=reason_code,
    )[0]


@ledger_service
@idempotent("stock.ship_lpn", result=MOVES)
def ship_lpn(
    *,
    user: User | None,
    lpn: Lpn,
    reference_type: str = "",
    reference_id: str = "",
    idempotency_key: str | None = None,
) -> list[StockMove]:
    """Sends everything in an LPN (a packed carton) out of the building: one move per balance
    from its location to the warehouse's customer location, reason ship; the LPN is then at no
    location. Allocated stock is refused (it still belongs to an order's pick)."""
    current, contents = _lpn_contents(lpn)
    if current.location is None:
        raise LpnRefused(f"LPN {lpn.code} is not at any location: has it shipped already?")
    if any(b.allocated for b in contents):
        raise LpnRefused(f"LPN {lpn.code} holds stock allocated to orders; pick it first.")
    customer = virtual_location(current.warehouse_id, LocationKind.CUSTOMER)
    moves = (
        post_legs(
            _whole_lpn_legs(current, contents, customer),
            event_type="stock.shipped",
            user=user,
            reason=Reason.SHIP,
            reference_type=reference_type,
            reference_id=reference_id,
        )
        if contents
        else []
    )
    Lpn.objects.filter(pk=lpn.pk).update(location=None)
    return moves
