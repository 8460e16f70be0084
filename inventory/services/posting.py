"""The posting machinery behind every stock service: legs, the checks, row locks in the fixed
order, balance updates and move rows. Used only by inventory.services.ledger and .reservations."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import psycopg.errors
from django.db import OperationalError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from inventory import locks
from inventory.exceptions import (
    InsufficientStock,
    InvalidQuantity,
    LocationRefused,
    LotRefused,
    LpnRefused,
)
from inventory.locks import BalanceKey
from inventory.models import (
    Balance,
    InventoryStatus,
    Location,
    LocationKind,
    Lot,
    Lpn,
    Product,
    StockMove,
)
from wms.idempotency.services import Codec
from wms.quantities import MAX_QUANTITY, is_count

if TYPE_CHECKING:
    from wms.accounts.models import User

P = ParamSpec("P")
T = TypeVar("T")
RETRIES = 4


def ledger_service(fn: Callable[P, T]) -> Callable[P, T]:
    """Runs the service in its own transaction. Locks are taken in one order, so deadlocks should
    not happen; if PostgreSQL still reports one (or a serialization failure), the whole
    transaction is retried, so none escapes to the caller. Inside a caller's transaction the
    caller owns the retry."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                return fn(*args, **kwargs)
        for attempt in range(RETRIES):
            try:
                with transaction.atomic():
                    return fn(*args, **kwargs)
            except OperationalError as exc:
                retryable = isinstance(
                    exc.__cause__,
                    psycopg.errors.DeadlockDetected | psycopg.errors.SerializationFailure,
                )
                if not retryable or attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    return wrapper


def in_callers_transaction(fn: Callable[P, T]) -> Callable[P, T]:
    """The service body without a transaction (or savepoint) of its own, for a caller whose
    transaction is always rolled back as a whole when the service raises: the caller never
    catches the error inside it (confirm_pick, under its idempotency key's transaction). Saves
    the SAVEPOINT and RELEASE round trips that ledger_service spends inside a transaction."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        if not transaction.get_connection().in_atomic_block:
            raise TransactionManagementError(f"{fn.__name__} needs the caller's transaction.")
        return fn(*args, **kwargs)

    return wrapper


@dataclass(kw_only=True)
class Leg:
    """One requested move of one balance key to another (built with names: a leg has nine
    fields, four of them locations and LPNs that are easy to swap by position)."""

    product: Product
    lot: Lot | None
    quantity: int
    from_location: Location
    to_location: Location
    from_lpn: Lpn | None = None
    to_lpn: Lpn | None = None
    from_status: str = InventoryStatus.AVAILABLE
    to_status: str = InventoryStatus.AVAILABLE
    consume_allocated: int = 0

    def source_key(self) -> BalanceKey:
        return BalanceKey(
            self.from_location.pk,
            self.product.pk,
            self.lot.pk if self.lot else None,
            self.from_lpn.pk if self.from_lpn else None,
            self.from_status,
        )

    def dest_key(self) -> BalanceKey:
        return BalanceKey(
            self.to_location.pk,
            self.product.pk,
            self.lot.pk if self.lot else None,
            self.to_lpn.pk if self.to_lpn else None,
            self.to_status,
        )


VIRTUAL_CODES = {
    LocationKind.SUPPLIER: "~SUPPLIER",
    LocationKind.CUSTOMER: "~CUSTOMER",
    LocationKind.ADJUSTMENT: "~ADJUSTMENT",
    LocationKind.SCRAP: "~SCRAP",
    LocationKind.IN_TRANSIT: "~IN-TRANSIT",
}


def virtual_location(warehouse_id: int, kind: str) -> Location:
    """The warehouse's virtual location of this kind (made on first use)."""
    code = VIRTUAL_CODES[LocationKind(kind)]
    location, _ = Location.objects.get_or_create(
        warehouse_id=warehouse_id,
        code=code,
        defaults={"barcode": code, "kind": kind, "is_pickable": False},
    )
    return location


def _describe(key_product: Product, location: Location, lot: Lot | None, lpn: Lpn | None) -> str:
    parts = [f"{key_product.sku} at {location.code}"]
    if lot:
        parts.append(f"lot {lot.number}")
    if lpn:
        parts.append(f"LPN {lpn.code}")
    return ", ".join(parts)


def _check_leg(leg: Leg) -> None:
    if not is_count(leg.quantity):
        raise InvalidQuantity(
            f"Quantity must be a whole number from 1 to {MAX_QUANTITY}; got {leg.quantity!r}."
        )
    product = leg.product
    if product.is_lot_tracked and leg.lot is None:
        raise LotRefused(f"{product.sku} is lot-tracked: give the lot.")
    if not product.is_lot_tracked and leg.lot is not None:
        raise LotRefused(f"{product.sku} is not lot-tracked; lot {leg.lot.number} was given.")
    if leg.lot is not None and leg.lot.product_id != product.pk:
        raise LotRefused(f"Lot {leg.lot.number} belongs to another product, not {product.sku}.")
    crossing = leg.from_location.kind == LocationKind.IN_TRANSIT and not leg.to_location.is_virtual
    if leg.from_location.warehouse_id != leg.to_location.warehouse_id and not crossing:
        # Only a transfer's receipt crosses warehouses: from the sender's in-transit location.
        raise LocationRefused(
            f"{leg.from_location.code} and {leg.to_location.code} are in different warehouses; "
            "use a transfer."
        )
    if leg.from_location.pk == leg.to_location.pk and leg.source_key() == leg.dest_key():
        raise LocationRefused(f"{leg.to_location.code} is both source and destination.")
    for lpn, location, side in (
        (leg.from_lpn, leg.from_location, "from"),
        (leg.to_lpn, leg.to_location, "to"),
    ):
        if lpn is None:
            continue
        if location.is_virtual:
            raise LpnRefused(f"LPN {lpn.code} cannot be at virtual location {location.code}.")
        if lpn.warehouse_id != location.warehouse_id:
            raise LpnRefused(f"LPN {lpn.code} belongs to another warehouse.")
        if side == "from" and lpn.location_id != location.pk:
            raise LpnRefused(f"LPN {lpn.code} is not at {location.code}.")


def _check_destinations(legs: list[Leg]) -> None:
    """Blocked and capacity checks, under the destination locations' row locks so that two
    movers into one bin cannot both fit the last space."""
    physical = {
        leg.to_location.pk: leg.to_location for leg in legs if not leg.to_location.is_virtual
    }
    limited = [
        pk
        for pk, loc in physical.items()
        if loc.max_units is not None
        or loc.max_volume_cm3 is not None
        or loc.max_weight_g is not None
    ]
    locked = locks.lock_locations(limited)
    for pk, location in physical.items():
        current = locked.get(pk, location)
        if current.is_blocked and any(
            leg.from_location.pk != pk for leg in legs if leg.to_location.pk == pk
        ):
            reason = f" ({current.blocked_reason})" if current.blocked_reason else ""
            raise LocationRefused(f"Location {current.code} is blocked{reason}.")
    for pk in limited:
        location = locked[pk]
        incoming = [leg for leg in legs if leg.to_location.pk == pk and leg.from_location.pk != pk]
        if not incoming:
            continue
        here = Balance.objects.filter(location_id=pk, on_hand__gt=0).select_related("product")
        units = sum(b.on_hand for b in here) + sum(leg.quantity for leg in incoming)
        if location.max_units is not None and units > location.max_units:
            raise LocationRefused(
                f"Location {location.code} holds at most {location.max_units} units; "
                f"this would make {units}."
            )
        if location.max_volume_cm3 is not None:
            volume = sum(b.on_hand * (b.product.volume_cm3 or 0) for b in here) + sum(
                leg.quantity * (leg.product.volume_cm3 or 0) for leg in incoming
            )
            if volume > location.max_volume_cm3:
                raise LocationRefused(
                    f"Location {location.code} holds at most {location.max_volume_cm3} cm³; "
                    f"this would make {volume} cm³."
                )
        if location.max_weight_g is not None:
            weight = sum(b.on_hand * (b.product.weight_g or 0) for b in here) + sum(
                leg.quantity * (leg.product.weight_g or 0) for leg in incoming
            )
            if weight > location.max_weight_g:
                raise LocationRefused(
                    f"Location {location.code} holds at most {location.max_weight_g} g; "
                    f"this would make {weight} g."
                )


def post_legs(
    legs: list[Leg],
    *,
    user: User | None,
    reason: str,
    event_type: str,
    reason_code: str = "",
    reference_type: str = "",
    reference_id: str = "",
    note: str = "",
    under_lock: Callable[[], None] | None = None,
    event_payload: dict[str, Any] | None = None,
) -> list[StockMove]:
    """Applies the legs under locks, writes their moves and one `event_type` event per move
    (each event's payload is the move's, plus `event_payload`: facts of the calling document,
    such as a receipt's unit of measure, that readers of the outbox need). Must run inside a
    transaction. `under_lock` runs once the balances are locked and before
    anything changes: the place for checks on rows later in the lock order (reservations).

    Each leg is posted by the database function inventory_post_leg (migration 0004): lock,
    check, update both balances, insert the move and its event, in one round trip. With several
    legs (or a check to run under the lock) every balance is locked first, in the one order."""
    for leg in legs:
        _check_leg(leg)
    _check_destinations(legs)
    if len(legs) > 1 or under_lock is not None:
        sources = [leg.source_key() for leg in legs if not leg.from_location.is_virtual]
        dests = {
            leg.dest_key(): (leg.product.client_id, leg.to_location.warehouse_id)
            for leg in legs
            if not leg.to_location.is_virtual
        }
        locks.lock_balances([*sources, *dests], create=dests)
        if under_lock is not None:
            under_lock()
    now = timezone.now()
    user_id = user.pk if user is not None else None
    moves = []
    for leg in legs:
        move = StockMove(
            product=leg.product,
            lot=leg.lot,
            quantity=leg.quantity,
            from_location=leg.from_location,
            to_location=leg.to_location,
            from_lpn=leg.from_lpn,
            to_lpn=leg.to_lpn,
            from_status=leg.from_status,
            to_status=leg.to_status,
            reason=reason,
            reason_code=reason_code,
            reference_type=reference_type,
            reference_id=str(reference_id),
            note=note,
            warehouse_id=leg.to_location.warehouse_id,
            client_id=leg.product.client_id,
            user_id=user_id,
            created_at=now,
        )
        _post_leg(leg, move, event_type, event_payload)
        moves.append(move)
    for leg in legs:
        if leg.to_lpn is not None and leg.to_lpn.location_id != leg.to_location.pk:
            if leg.to_lpn.location_id is not None and leg.from_lpn != leg.to_lpn:
                raise LpnRefused(
                    f"LPN {leg.to_lpn.code} is at another location; scan it there or move it first."
                )
            Lpn.objects.filter(pk=leg.to_lpn.pk).update(location=leg.to_location)
            leg.to_lpn.location = leg.to_location
    return moves


# The call with named arguments (PostgreSQL's `name => value`, the parameters of
# inventory/sql/post_leg.sql); the payload is cast because psycopg sends it as text.
POST_LEG_CALL = (
    "SELECT * FROM inventory_post_leg(p_product => %(p_product)s, p_client => %(p_client)s, "
    "p_warehouse => %(p_warehouse)s, p_lot => %(p_lot)s, p_qty => %(p_qty)s, "
    "p_from_loc => %(p_from_loc)s, p_from_virtual => %(p_from_virtual)s, "
    "p_from_lpn => %(p_from_lpn)s, p_from_status => %(p_from_status)s, "
    "p_to_loc => %(p_to_loc)s, p_to_virtual => %(p_to_virtual)s, p_to_lpn => %(p_to_lpn)s, "
    "p_to_status => %(p_to_status)s, p_consume => %(p_consume)s, p_reason => %(p_reason)s, "
    "p_reason_code => %(p_reason_code)s, p_ref_type => %(p_ref_type)s, "
    "p_ref_id => %(p_ref_id)s, p_note => %(p_note)s, p_user => %(p_user)s, "
    "p_now => %(p_now)s, p_event_type => %(p_event_type)s, p_payload => %(p_payload)s::jsonb)"
)


def _post_leg(
    leg: Leg, move: StockMove, event_type: str, event_payload: dict[str, Any] | None = None
) -> None:
    """Posts one leg through inventory_post_leg and sets the new move's primary key. Raises
    InsufficientStock (nothing written) when the source has too little free stock."""
    arguments = {
        "p_product": move.product_id,
        "p_client": move.client_id,
        "p_warehouse": move.warehouse_id,
        "p_lot": move.lot_id,
        "p_qty": move.quantity,
        "p_from_loc": move.from_location_id,
        "p_from_virtual": leg.from_location.is_virtual,
        "p_from_lpn": move.from_lpn_id,
        "p_from_status": move.from_status,
        "p_to_loc": move.to_location_id,
        "p_to_virtual": leg.to_location.is_virtual,
        "p_to_lpn": move.to_lpn_id,
        "p_to_status": move.to_status,
        "p_consume": leg.consume_allocated,
        "p_reason": move.reason,
        "p_reason_code": move.reason_code,
        "p_ref_type": move.reference_type,
        "p_ref_id": move.reference_id,
        "p_note": move.note,
        "p_user": move.user_id,
        "p_now": move.created_at,
        "p_event_type": event_type,
        "p_payload": json.dumps(_move_payload(move) | (event_payload or {})),
    }
    with connection.cursor() as cursor:
        cursor.execute(POST_LEG_CALL, arguments)
        move_id, on_hand, allocated = cursor.fetchone()
    if move_id is None:
        where = _describe(leg.product, leg.from_location, leg.lot, leg.from_lpn)
        free = on_hand - allocated
        raise InsufficientStock(
            f"Not enough {leg.from_status} stock of {where}: {free} available "
            f"({on_hand} on hand, {allocated} allocated), {leg.quantity} requested."
        )
    move.pk = move_id
    move._state.adding = False


def _move_payload(move: StockMove) -> dict[str, Any]:
    return {
        "product_id": move.product_id,
        "sku": move.product.sku,
        "quantity": move.quantity,
        "lot": move.lot.number if move.lot else None,
        "from_location": move.from_location.code,
        "to_location": move.to_location.code,
        "from_lpn": move.from_lpn.code if move.from_lpn else None,
        "to_lpn": move.to_lpn.code if move.to_lpn else None,
        "from_status": move.from_status,
        "to_status": move.to_status,
        "reason": move.reason,
        "reason_code": move.reason_code,
        "reference": {"type": move.reference_type, "id": move.reference_id},
    }


def load_moves(ids: list[int]) -> list[StockMove]:
    return list(
        StockMove.objects.filter(pk__in=ids)
        .select_related("product", "lot", "from_location", "to_location", "from_lpn", "to_lpn")
        .order_by("pk")
    )


# How a stock service's result is kept with its idempotency key: the moves' ids, loaded again
# for a repeat (wms.idempotency).
MOVES: Codec[list[StockMove]] = Codec(dump=lambda moves: [m.pk for m in moves], load=load_moves)
MOVE: Codec[StockMove] = Codec(dump=lambda move: move.pk, load=lambda pk: load_moves([pk])[0])
