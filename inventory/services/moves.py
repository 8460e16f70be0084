"""Moves on the handheld, each proven by scans and each through the ledger: bin to bin (some
units or all of an item), an LPN to another bin, splitting units off an LPN into another, and
merging one LPN into another at the same bin. Held (or otherwise unavailable) stock is refused:
a hold keeps stock where it is until a manager releases it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from inventory import selectors
from inventory.exceptions import MoveRefused
from inventory.models import (
    Balance,
    InventoryStatus,
    Location,
    Lot,
    Lpn,
    Product,
    StockMove,
    Warehouse,
)
from inventory.services import ledger
from wms.idempotency.services import dataclass_codec, idempotent

if TYPE_CHECKING:
    from wms.accounts.models import User


@dataclass(frozen=True)
class MoveResult:
    """What a move did, for the handheld's result line and the API."""

    moves: int
    units: int
    message: str


MOVE_RESULT = dataclass_codec(MoveResult)


def _location(warehouse: Warehouse, code: str, field: str) -> Location:
    found = (
        Location.objects.filter(
            warehouse=warehouse, is_virtual=False, code__iexact=code.strip()
        ).first()
        or Location.objects.filter(
            warehouse=warehouse, is_virtual=False, barcode__iexact=code.strip()
        ).first()
    )
    if found is None:
        raise MoveRefused(
            f"Unknown bin “{code.strip()}” in {warehouse.code}.",
            field_errors={field: ["Unknown bin."]},
        )
    return found


def _lpn(warehouse: Warehouse, code: str, field: str) -> Lpn:
    found = Lpn.objects.filter(warehouse=warehouse, code__iexact=code.strip()).first()
    if found is None:
        raise MoveRefused(
            f"Unknown LPN “{code.strip()}” in {warehouse.code}.",
            field_errors={field: ["Unknown LPN."]},
        )
    return found


def _product(user: User, warehouse: Warehouse, code: str, location: Location) -> Product:
    matches = [m for m in selectors.resolve_scan(user, code, warehouse) if m.kind == "product"]
    if len(matches) > 1:
        here = set(
            Balance.objects.filter(location=location, on_hand__gt=0).values_list(
                "product_id", flat=True
            )
        )
        matches = [m for m in matches if m.obj.pk in here] or matches
    if len(matches) != 1:
        raise MoveRefused(
            f"“{code.strip()}” is not one product: scan the item's barcode or type its SKU.",
            field_errors={"item": ["Unknown item."]},
        )
    product: Product = matches[0].obj
    return product


def _lot(product: Product, number: str) -> Lot | None:
    if not product.is_lot_tracked:
        return None
    lot = selectors.find_lot(product, number) if number.strip() else None
    if lot is None:
        raise MoveRefused(
            f"{product.sku} is lot-tracked: scan the lot (got “{number.strip()}”).",
            field_errors={"lot": ["Scan the lot."]},
        )
    return lot


def _refuse_held(location: Location, product: Product | None, lpn: Lpn | None) -> None:
    held = Balance.objects.filter(location=location, on_hand__gt=0).exclude(
        status=InventoryStatus.AVAILABLE
    )
    if product is not None:
        held = held.filter(product=product)
    if lpn is not None:
        held = held.filter(lpn=lpn)
    row = held.select_related("product").first()
    if row is not None:
        raise MoveRefused(
            f"{row.on_hand} of {row.product.sku} at {location.code} are {row.status}: held stock "
            "stays where it is until the hold is released.",
            code="held",
        )


def _result(moves: list[StockMove], what: str) -> MoveResult:
    units = sum(m.quantity for m in moves)
    return MoveResult(moves=len(moves), units=units, message=f"Moved {units} {what}.")


@transaction.atomic
@idempotent("stock.move_units", result=MOVE_RESULT)
def move_units(
    *,
    user: User,
    warehouse: Warehouse,
    from_code: str,
    to_code: str,
    item_code: str,
    quantity: int | None = None,
    lot_number: str = "",
    lpn_code: str = "",
    idempotency_key: str | None = None,
) -> MoveResult:
    """Bin to bin: `quantity` units of an item (all the free ones when not given) from the
    scanned bin (and LPN) to the scanned bin, through the ledger."""
    source = _location(warehouse, from_code, "from_location")
    target = _location(warehouse, to_code, "to_location")
    product = _product(user, warehouse, item_code, source)
    lot = _lot(product, lot_number)
    from_lpn = _lpn(warehouse, lpn_code, "lpn") if lpn_code.strip() else None
    if from_lpn is not None and from_lpn.location_id != source.pk:
        raise MoveRefused(f"LPN {from_lpn.code} is not at {source.code}.")
    balance = Balance.objects.filter(
        location=source,
        product=product,
        lot=lot,
        lpn=from_lpn,
        status=InventoryStatus.AVAILABLE,
    ).first()
    free = balance.available if balance else 0
    if free <= 0:
        _refuse_held(source, product, from_lpn)
    units = free if quantity is None else quantity
    if units <= 0:
        raise MoveRefused(f"No free {product.sku} at {source.code} to move.", code="nothing_free")
    move = ledger.move(
        user=user,
        product=product,
        quantity=units,
        from_location=source,
        to_location=target,
        lot=lot,
        from_lpn=from_lpn,
        reference_type="handheld_move",
    )
    return _result([move], f"{product.sku} from {source.code} to {target.code}")


@transaction.atomic
@idempotent("stock.move_whole_lpn", result=MOVE_RESULT)
def move_whole_lpn(
    *,
    user: User,
    warehouse: Warehouse,
    lpn_code: str,
    to_code: str,
    idempotency_key: str | None = None,
) -> MoveResult:
    """An LPN and everything in it to the scanned bin. Held stock inside refuses the move."""
    lpn = _lpn(warehouse, lpn_code, "lpn")
    target = _location(warehouse, to_code, "to_location")
    if lpn.location is not None:
        _refuse_held(lpn.location, None, lpn)
    moves = ledger.move_lpn(user=user, lpn=lpn, to_location=target)
    return _result(moves, f"in LPN {lpn.code} to {target.code}")


@transaction.atomic
@idempotent("stock.split_lpn", result=MOVE_RESULT)
def split_lpn(
    *,
    user: User,
    warehouse: Warehouse,
    from_lpn_code: str,
    to_lpn_code: str,
    item_code: str,
    quantity: int,
    lot_number: str = "",
    idempotency_key: str | None = None,
) -> MoveResult:
    """Moves `quantity` of an item out of one LPN into another (empty or at the same bin)."""
    source = _lpn(warehouse, from_lpn_code, "from_lpn")
    target = _lpn(warehouse, to_lpn_code, "to_lpn")
    if source.pk == target.pk:
        raise MoveRefused("Split into another LPN, not the same one.")
    if source.location is None:
        raise MoveRefused(f"LPN {source.code} is not at any bin.")
    if target.location_id not in (None, source.location_id):
        raise MoveRefused(
            f"LPN {target.code} is at {target.location}; bring it to {source.location} first."
        )
    product = _product(user, warehouse, item_code, source.location)
    lot = _lot(product, lot_number)
    _refuse_held(source.location, product, source)
    move = ledger.move(
        user=user,
        product=product,
        quantity=quantity,
        from_location=source.location,
        to_location=source.location,
        lot=lot,
        from_lpn=source,
        to_lpn=target,
        reference_type="lpn_split",
    )
    return _result([move], f"{product.sku} from LPN {source.code} into {target.code}")


@transaction.atomic
@idempotent("stock.merge_lpns", result=MOVE_RESULT)
def merge_lpns(
    *,
    user: User,
    warehouse: Warehouse,
    from_lpn_code: str,
    into_lpn_code: str,
    idempotency_key: str | None = None,
) -> MoveResult:
    """Everything in one LPN into another at the same bin (one move per balance)."""
    source = _lpn(warehouse, from_lpn_code, "from_lpn")
    target = _lpn(warehouse, into_lpn_code, "to_lpn")
    if source.pk == target.pk or source.location is None:
        raise MoveRefused("Merge an LPN at a bin into another LPN.")
    if target.location_id not in (None, source.location_id):
        raise MoveRefused(f"LPN {target.code} is not at {source.location}.")
    _refuse_held(source.location, None, source)
    moves = []
    for balance in (
        Balance.objects.filter(lpn=source, location=source.location, on_hand__gt=0)
        .select_related("product", "lot")
        .order_by("pk")
    ):
        if balance.allocated:
            raise MoveRefused(
                f"LPN {source.code} holds {balance.product.sku} allocated to orders; "
                "pick it first.",
                code="allocated",
            )
        moves.append(
            ledger.move(
                user=user,
                product=balance.product,
                quantity=balance.on_hand,
                from_location=source.location,
                to_location=source.location,
                lot=balance.lot,
                from_lpn=source,
                to_lpn=target,
                reference_type="lpn_merge",
            )
        )
    if not moves:
        raise MoveRefused(f"LPN {source.code} is empty.", code="nothing_free")
    return _result(moves, f"from LPN {source.code} into {target.code}")
