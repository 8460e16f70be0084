"""Reads of stock: balances and their totals, the ledger (a product's history, a location's moves,
the API's move list), reservations, and what a scanned code means."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When

from inventory.models import (
    Balance,
    InventoryStatus,
    Location,
    LocationKind,
    Lot,
    Lpn,
    Product,
    ProductBarcode,
    Reservation,
    ReservationStatus,
    StockMove,
    Warehouse,
)
from inventory.selectors.master import products_for_user, scope_by_user

if TYPE_CHECKING:
    from wms.accounts.models import User

# --- Stock -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceFilters:
    client_id: int | None = None
    warehouse_id: int | None = None
    zone_id: int | None = None
    sku: str = ""
    location_code: str = ""
    lot_number: str = ""
    status: str = ""
    product_id: int | None = None
    location_id: int | None = None
    lpn_id: int | None = None


def balances(user: User, filters: BalanceFilters | None = None) -> QuerySet[Balance]:
    """Physical balances with stock, in the user's scope, filtered. Reads the balance cache
    (indexed by product/warehouse/client), never the ledger, so it stays fast as moves grow."""
    f = filters or BalanceFilters()
    rows = Balance.objects.filter(on_hand__gt=0).select_related(
        "product", "product__client", "location", "location__zone", "lot", "lpn", "warehouse"
    )
    rows = scope_by_user(rows, user)
    if f.client_id:
        rows = rows.filter(client_id=f.client_id)
    if f.warehouse_id:
        rows = rows.filter(warehouse_id=f.warehouse_id)
    if f.zone_id:
        rows = rows.filter(location__zone_id=f.zone_id)
    if f.product_id:
        rows = rows.filter(product_id=f.product_id)
    if f.location_id:
        rows = rows.filter(location_id=f.location_id)
    if f.lpn_id:
        rows = rows.filter(lpn_id=f.lpn_id)
    if f.sku:
        rows = rows.filter(product__sku__iexact=f.sku.strip())
    if f.location_code:
        rows = rows.filter(location__code__iexact=f.location_code.strip())
    if f.lot_number:
        rows = rows.filter(lot__number__iexact=f.lot_number.strip())
    if f.status:
        rows = rows.filter(status=f.status)
    return rows.order_by(
        "warehouse__code", "location__pick_sequence", "location__code", "product__sku"
    )


def totals(rows: QuerySet[Balance]) -> dict[str, int]:
    agg = rows.aggregate(on_hand=Sum("on_hand"), allocated=Sum("allocated"))
    on_hand, allocated = agg["on_hand"] or 0, agg["allocated"] or 0
    return {"on_hand": on_hand, "allocated": allocated, "available": on_hand - allocated}


def stock_summary(product: Product, warehouse: Warehouse | None = None) -> dict[str, int]:
    """On-hand, allocated and available (free, available status) of a product."""
    rows = Balance.objects.filter(product=product)
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    agg = rows.aggregate(
        total_on_hand=Sum("on_hand"),
        total_allocated=Sum("allocated"),
        total_available=Sum(
            Case(
                When(status=InventoryStatus.AVAILABLE, then=F("on_hand") - F("allocated")),
                default=Value(0),
                output_field=IntegerField(),
            )
        ),
    )
    return {k.removeprefix("total_"): int(v or 0) for k, v in agg.items()}


def available_to_promise(
    warehouse: Warehouse, product_ids: list[int] | None = None
) -> dict[int, int]:
    """Per product, the units in available status not yet allocated in one warehouse: what a
    sales channel may sell now."""
    rows = Balance.objects.filter(warehouse=warehouse, status=InventoryStatus.AVAILABLE)
    if product_ids is not None:
        rows = rows.filter(product_id__in=product_ids)
    result = rows.values("product_id").annotate(atp=Sum(F("on_hand") - F("allocated")))
    return {r["product_id"]: int(r["atp"]) for r in result}


# Where stock is sellable: where it can still be allocated or soon will be (received at the dock).
# Staging, pack stations and the ship dock hold units already picked for an order: available in
# status, but promised.
SELLABLE_KINDS = (LocationKind.DOCK, LocationKind.STORAGE, LocationKind.PICK_FACE)


def sellable_units(
    warehouse_ids: Iterable[int], product_ids: Iterable[int]
) -> dict[tuple[int, int], int]:
    """Per (warehouse, product), the units a sales channel may sell now: available status, not
    allocated, in a storage, pick-face or dock location; held, damaged, quarantined, allocated
    and already picked units never count. Pairs with no such stock are absent (zero)."""
    rows = (
        Balance.objects.filter(
            warehouse_id__in=list(warehouse_ids),
            product_id__in=list(product_ids),
            status=InventoryStatus.AVAILABLE,
            location__kind__in=SELLABLE_KINDS,
        )
        .values("warehouse_id", "product_id")
        .annotate(units=Sum(F("on_hand") - F("allocated")))
    )
    return {(r["warehouse_id"], r["product_id"]): max(int(r["units"] or 0), 0) for r in rows}


def _signed(product: Product, location: Location | None) -> Case:
    """A move's effect on the building's on-hand of the product (or on one location's)."""
    if location is not None:
        return Case(
            When(Q(to_location=location) & Q(from_location=location), then=Value(0)),
            When(to_location=location, then=F("quantity")),
            default=-F("quantity"),
            output_field=IntegerField(),
        )
    return Case(
        When(
            Q(from_location__is_virtual=True) & Q(to_location__is_virtual=False), then=F("quantity")
        ),
        When(
            Q(from_location__is_virtual=False) & Q(to_location__is_virtual=True),
            then=-F("quantity"),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def move_history(product: Product, *, location: Location | None = None) -> QuerySet[StockMove]:
    """A product's moves (at one location, if given), newest first, each annotated with `signed`:
    its effect on the on-hand. Page it, then call `with_running_on_hand` on the page."""
    moves = StockMove.objects.filter(product=product).select_related(
        "lot", "from_location", "to_location", "from_lpn", "to_lpn", "user"
    )
    if location is not None:
        moves = moves.filter(Q(from_location=location) | Q(to_location=location))
    return moves.annotate(signed=_signed(product, location)).order_by("-created_at", "-pk")


def with_running_on_hand(
    page: list[StockMove], product: Product, *, location: Location | None = None
) -> list[StockMove]:
    """Sets `running` (the on-hand right after the move) on a newest-first page of
    move_history: one aggregate over the older moves, then a walk up the page, so the cost
    does not grow with the length of the history shown before this page."""
    if not page:
        return page
    oldest = page[-1]
    older = StockMove.objects.filter(product=product).filter(
        Q(created_at__lt=oldest.created_at) | Q(created_at=oldest.created_at, pk__lt=oldest.pk)
    )
    if location is not None:
        older = older.filter(Q(from_location=location) | Q(to_location=location))
    running = older.aggregate(total=Sum(_signed(product, location)))["total"] or 0
    for move in reversed(page):
        running += move.signed  # type: ignore[attr-defined]
        move.running = running  # type: ignore[attr-defined]
    return page


def virtual_positions(product: Product) -> dict[str, int]:
    """What each virtual location "holds" of a product: the ledger's net flow into it (negative
    for the supplier, which only gives). With physical on-hand, the sum is always zero."""
    positions: dict[str, int] = {}
    for side, sign in (("to_location", 1), ("from_location", -1)):
        flows = (
            StockMove.objects.filter(product=product, **{f"{side}__is_virtual": True})
            .values(code=F(f"{side}__code"), warehouse_code=F(f"{side}__warehouse__code"))
            .annotate(q=Sum("quantity"))
        )
        for row in flows:
            name = f"{row['warehouse_code']}/{row['code']}"
            positions[name] = positions.get(name, 0) + sign * row["q"]
    return positions


def moves_at_location(location: Location) -> QuerySet[StockMove]:
    """Moves into or out of a location, newest first."""
    return (
        StockMove.objects.filter(Q(from_location=location) | Q(to_location=location))
        .select_related(
            "product", "lot", "from_location", "to_location", "from_lpn", "to_lpn", "user"
        )
        .order_by("-created_at", "-pk")
    )


def active_reservations(balance: Balance) -> QuerySet[Reservation]:
    return Reservation.objects.filter(balance=balance, status=ReservationStatus.ACTIVE)


# --- The ledger over the API ------------------------------------------------------------------


def stock_balances(
    user: User,
    filters: BalanceFilters | None = None,
    *,
    client_code: str = "",
    warehouse_code: str = "",
    lpn_code: str = "",
) -> QuerySet[Balance]:
    """`balances` narrowed by codes as well as ids, with a unique last sort key so that pages
    never repeat or skip a row."""
    rows = balances(user, filters)
    if client_code:
        rows = rows.filter(client__code__iexact=client_code.strip())
    if warehouse_code:
        rows = rows.filter(warehouse__code__iexact=warehouse_code.strip())
    if lpn_code:
        rows = rows.filter(lpn__code__iexact=lpn_code.strip())
    return rows.order_by(
        "warehouse__code", "location__pick_sequence", "location__code", "product__sku", "pk"
    )


@dataclass(frozen=True)
class MoveFilters:
    product_id: int | None = None
    sku: str = ""
    client_code: str = ""
    warehouse_id: int | None = None
    location_id: int | None = None
    location_code: str = ""
    reason: str = ""
    reference_type: str = ""
    reference_id: str = ""
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None


def stock_moves_for_user(user: User, filters: MoveFilters | None = None) -> QuerySet[StockMove]:
    """The ledger in the user's scope (a client user: their client's moves; an operator: their
    warehouses'), newest first. `location` matches either end of a move; `until` is exclusive."""
    f = filters or MoveFilters()
    rows = scope_by_user(
        StockMove.objects.select_related(
            "product",
            "client",
            "warehouse",
            "lot",
            "from_location",
            "to_location",
            "from_lpn",
            "to_lpn",
        ),
        user,
    )
    if f.product_id:
        rows = rows.filter(product_id=f.product_id)
    if f.sku:
        rows = rows.filter(product__sku__iexact=f.sku.strip())
    if f.client_code:
        rows = rows.filter(client__code__iexact=f.client_code.strip())
    if f.warehouse_id:
        rows = rows.filter(warehouse_id=f.warehouse_id)
    if f.location_id:
        rows = rows.filter(Q(from_location_id=f.location_id) | Q(to_location_id=f.location_id))
    if f.location_code:
        code = f.location_code.strip()
        rows = rows.filter(Q(from_location__code__iexact=code) | Q(to_location__code__iexact=code))
    if f.reason:
        rows = rows.filter(reason=f.reason)
    if f.reference_type:
        rows = rows.filter(reference_type=f.reference_type)
    if f.reference_id:
        rows = rows.filter(reference_id=f.reference_id)
    if f.since is not None:
        rows = rows.filter(created_at__gte=f.since)
    if f.until is not None:
        rows = rows.filter(created_at__lt=f.until)
    return rows.order_by("-created_at", "-pk")


def get_stock_move_for_user(user: User, pk: int) -> StockMove | None:
    return stock_moves_for_user(user).filter(pk=pk).first()


# --- Scans -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanMatch:
    kind: str  # "location", "product", "lpn", "warehouse"
    obj: Any
    pack_quantity: int = 1


def resolve_scan(user: User, code: str, warehouse: Warehouse | None) -> list[ScanMatch]:
    """Everything a scanned code can mean for this user in this warehouse: a bin, an LPN, a
    product barcode (each or case) or SKU. Usually one match; several clients may share a UPC."""
    code = code.strip()
    if not code:
        return []
    matches: list[ScanMatch] = []
    if warehouse is not None:
        for location in Location.objects.filter(warehouse=warehouse, is_virtual=False).filter(
            Q(barcode__iexact=code) | Q(code__iexact=code)
        ):
            matches.append(ScanMatch("location", location))
        for lpn in Lpn.objects.filter(warehouse=warehouse, code__iexact=code).select_related(
            "location"
        ):
            matches.append(ScanMatch("lpn", lpn))
    barcodes = scope_by_user(
        ProductBarcode.objects.filter(barcode=code).select_related("product", "product__client"),
        user,
        warehouse_field=None,
    )
    seen: set[int] = set()
    for barcode in barcodes:
        matches.append(ScanMatch("product", barcode.product, barcode.pack_quantity))
        seen.add(barcode.product_id)
    for product in products_for_user(user).filter(sku__iexact=code).exclude(pk__in=seen):
        matches.append(ScanMatch("product", product))
    return matches


# --- Reads the floor apps make of balances and reservations -------------------------------------


def allocatable_free_stock(**where: Any) -> QuerySet[Balance]:
    """Balances with free, available stock in a pickable, unblocked location, narrowed by
    `where` (field lookups; OuterRef values make it a subquery, e.g. product_id=OuterRef(...))."""
    return Balance.objects.filter(
        status=InventoryStatus.AVAILABLE,
        on_hand__gt=F("allocated"),
        location__is_pickable=True,
        location__is_blocked=False,
        **where,
    )


def occupancy(warehouse: Warehouse, location_kinds: Iterable[str]) -> list[dict[str, Any]]:
    """What is stored in the warehouse's locations of these kinds: one row per location, product
    and lot with `location_id`, `product_id`, `lot_id`, `lot__number` and `quantity`."""
    rows = (
        Balance.objects.filter(
            warehouse=warehouse, on_hand__gt=0, location__kind__in=list(location_kinds)
        )
        .values("location_id", "product_id", "lot_id", "lot__number")
        .annotate(quantity=Sum("on_hand"))
        .order_by()
    )
    return [dict(row) for row in rows]


def lpn_holds_stock(lpn: Lpn, *, allocated: bool = False) -> bool:
    """True when the LPN holds any stock (or, with `allocated`, any stock promised to an order)."""
    rows = Balance.objects.filter(lpn=lpn)
    return (
        rows.filter(allocated__gt=0).exists() if allocated else rows.filter(on_hand__gt=0).exists()
    )


def balance_at(
    *, location: Location, product: Product, lot: Lot | None, lpn: Lpn | None, status: str
) -> Balance | None:
    """The balance of one key (location, product, lot, LPN, status), if it has a row."""
    return Balance.objects.filter(
        location=location, product=product, lot=lot, lpn=lpn, status=status
    ).first()


def balances_by_pk(pks: Iterable[int]) -> dict[int, Balance]:
    """Balances by primary key, with their locations."""
    return {b.pk: b for b in Balance.objects.filter(pk__in=list(pks)).select_related("location")}


def reservations_for(
    reference_type: str, reference_ids: Iterable[int | str], *, active_only: bool = False
) -> QuerySet[Reservation]:
    """The reservations made for these document lines (with their balance's location, product,
    lot and LPN)."""
    rows = Reservation.objects.filter(
        reference_type=reference_type, reference_id__in=[str(pk) for pk in reference_ids]
    ).select_related("balance__location", "balance__product", "balance__lot", "balance__lpn")
    return rows.filter(status=ReservationStatus.ACTIVE) if active_only else rows


def active_reservations_in_zone(reference_type: str, reference_id: Any, zones: Any) -> Any:
    """Active reservations of a document line held in the given zones (a queryset, for Exists;
    `reference_id` may be an OuterRef)."""
    return Reservation.objects.filter(
        reference_type=reference_type,
        reference_id=reference_id,
        status=ReservationStatus.ACTIVE,
        balance__location__zone__in=zones,
    )
