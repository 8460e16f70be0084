"""Reads of master data and stock, scoped to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When, Window

from inventory.models import (
    Balance,
    Client,
    InventoryStatus,
    Location,
    Lot,
    Lpn,
    Product,
    ProductBarcode,
    Reservation,
    ReservationStatus,
    StockMove,
    Warehouse,
    Zone,
)
from wms.accounts.models import Role
from wms.permissions import warehouse_ids_for


def warehouses_for_user(user: Any) -> QuerySet[Warehouse]:
    """Active warehouses the user works in: operators their assigned ones, others all."""
    warehouses = Warehouse.objects.filter(is_active=True)
    if user.role == Role.OPERATOR:
        warehouses = warehouses.filter(pk__in=warehouse_ids_for(user))
    return warehouses.order_by("code")


def get_warehouse_for_user(user: Any, pk: int) -> Warehouse | None:
    return warehouses_for_user(user).filter(pk=pk).first()


def find_warehouse_by_code(user: Any, code: str) -> Warehouse | None:
    return warehouses_for_user(user).filter(code__iexact=code.strip()).first()


def clients_for_user(user: Any, query: str = "") -> QuerySet[Client]:
    """Clients the user may see: a client user only their own."""
    clients = Client.objects.filter(is_active=True)
    if user.role == Role.CLIENT:
        clients = clients.filter(pk=user.client_id)
    if query:
        clients = clients.filter(Q(code__icontains=query) | Q(name__icontains=query))
    return clients.order_by("name")


def get_client_for_user(user: Any, pk: int) -> Client | None:
    return clients_for_user(user).filter(pk=pk).first()


def scope_by_user(
    queryset: QuerySet[Any],
    user: Any,
    *,
    client_field: str = "client",
    warehouse_field: str | None = "warehouse",
) -> QuerySet[Any]:
    """Narrows any queryset to the user's scope: a client user's client, an operator's
    warehouses."""
    if user.role == Role.CLIENT:
        queryset = queryset.filter(**{f"{client_field}_id": user.client_id})
    if user.role == Role.OPERATOR and warehouse_field is not None:
        queryset = queryset.filter(**{f"{warehouse_field}_id__in": warehouse_ids_for(user)})
    return queryset


def products_for_user(user: Any) -> QuerySet[Product]:
    return scope_by_user(Product.objects.select_related("client"), user, warehouse_field=None)


def locations_for_user(user: Any) -> QuerySet[Location]:
    return (
        scope_by_user(
            Location.objects.select_related("warehouse", "zone"), user, client_field="warehouse"
        )
        if user.role != Role.CLIENT
        else Location.objects.none()
    )


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


def balances(user: Any, filters: BalanceFilters | None = None) -> QuerySet[Balance]:
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
        on_hand=Sum("on_hand"),
        allocated=Sum("allocated"),
        available=Sum(
            Case(
                When(status=InventoryStatus.AVAILABLE, then=F("on_hand") - F("allocated")),
                default=Value(0),
                output_field=IntegerField(),
            )
        ),
    )
    return {k: int(v or 0) for k, v in agg.items()}


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


def move_history(product: Product, *, location: Location | None = None) -> QuerySet[StockMove]:
    """A product's moves, oldest first, each with `signed` (its effect on the physical on-hand,
    or on one location's) and `running` (the on-hand after it), computed by the database."""
    moves = StockMove.objects.filter(product=product).select_related(
        "lot", "from_location", "to_location", "from_lpn", "to_lpn", "user"
    )
    if location is not None:
        moves = moves.filter(Q(from_location=location) | Q(to_location=location))
        signed = Case(
            When(Q(to_location=location) & Q(from_location=location), then=Value(0)),
            When(to_location=location, then=F("quantity")),
            default=-F("quantity"),
            output_field=IntegerField(),
        )
    else:
        signed = Case(
            When(
                Q(from_location__is_virtual=True) & Q(to_location__is_virtual=False),
                then=F("quantity"),
            ),
            When(
                Q(from_location__is_virtual=False) & Q(to_location__is_virtual=True),
                then=-F("quantity"),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    return moves.annotate(
        signed=signed,
        running=Window(Sum(signed), order_by=[F("created_at").asc(), F("pk").asc()]),
    ).order_by("created_at", "pk")


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


def active_reservations(balance: Balance) -> QuerySet[Reservation]:
    return Reservation.objects.filter(balance=balance, status=ReservationStatus.ACTIVE)


# --- Scans -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanMatch:
    kind: str  # "location", "product", "lpn", "warehouse"
    obj: Any
    pack_quantity: int = 1


def resolve_scan(user: Any, code: str, warehouse: Warehouse | None) -> list[ScanMatch]:
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


def lots_for_product(product: Product) -> QuerySet[Lot]:
    return product.lots.order_by("expiry_date", "number")


# --- API reads: filtered lists and single objects, each inside the user's scope ----------------
# A `get_…_for_user` returns None for an object outside the scope, so callers answer 404 whether
# it does not exist or may not be seen: guessed ids reveal nothing.


@dataclass(frozen=True)
class ProductFilters:
    client_id: int | None = None
    client_code: str = ""
    sku: str = ""
    search: str = ""
    tracking: str = ""
    is_active: bool | None = None


def search_products(user: Any, filters: ProductFilters | None = None) -> QuerySet[Product]:
    """Products in the user's scope (a client user: their client's), with their barcodes
    prefetched, in a stable order. `search` matches SKU or name (contains) or a barcode (exact)."""
    f = filters or ProductFilters()
    rows = products_for_user(user).prefetch_related("barcodes")
    if f.client_id:
        rows = rows.filter(client_id=f.client_id)
    if f.client_code:
        rows = rows.filter(client__code__iexact=f.client_code.strip())
    if f.sku:
        rows = rows.filter(sku__iexact=f.sku.strip())
    if f.search:
        text = f.search.strip()
        rows = rows.filter(
            Q(sku__icontains=text)
            | Q(name__icontains=text)
            | Q(pk__in=ProductBarcode.objects.filter(barcode=text).values("product_id"))
        )
    if f.tracking:
        rows = rows.filter(tracking=f.tracking)
    if f.is_active is not None:
        rows = rows.filter(is_active=f.is_active)
    return rows.order_by("client__code", "sku", "pk")


def get_product_for_user(user: Any, pk: int) -> Product | None:
    return search_products(user).filter(pk=pk).first()


def find_product_for_user(user: Any, client_code: str, sku: str) -> Product | None:
    """The product a (client code, SKU) pair names, if the user may see it. The SKU matches
    exactly: SKUs are unique per client only as written."""
    return (
        search_products(user, ProductFilters(client_code=client_code))
        .filter(sku=sku.strip())
        .first()
    )


def products_by_pks(user: Any, pks: list[int]) -> list[Product]:
    """The given products (with barcodes) in the order of `pks`, skipping any out of scope."""
    found = {p.pk: p for p in search_products(user).filter(pk__in=pks)}
    return [found[pk] for pk in pks if pk in found]


def zones_for_user(
    user: Any, *, warehouse_id: int | None = None, warehouse_code: str = ""
) -> QuerySet[Zone]:
    """Zones of the warehouses the user works in; none for client users (they see no bins)."""
    if user.role == Role.CLIENT:
        return Zone.objects.none()
    rows = scope_by_user(Zone.objects.select_related("warehouse"), user, client_field="warehouse")
    if warehouse_id:
        rows = rows.filter(warehouse_id=warehouse_id)
    if warehouse_code:
        rows = rows.filter(warehouse__code__iexact=warehouse_code.strip())
    return rows.order_by("warehouse__code", "code", "pk")


def get_zone_for_user(user: Any, pk: int) -> Zone | None:
    return zones_for_user(user).filter(pk=pk).first()


def find_zone_for_user(user: Any, warehouse_id: int, code: str) -> Zone | None:
    return zones_for_user(user, warehouse_id=warehouse_id).filter(code=code.strip()).first()


@dataclass(frozen=True)
class LocationFilters:
    warehouse_id: int | None = None
    warehouse_code: str = ""
    zone_id: int | None = None
    kind: str = ""
    code: str = ""
    is_virtual: bool | None = None
    is_pickable: bool | None = None


def search_locations(user: Any, filters: LocationFilters | None = None) -> QuerySet[Location]:
    """Locations of the warehouses the user works in, filtered, in walking order."""
    f = filters or LocationFilters()
    rows = locations_for_user(user)
    if f.warehouse_id:
        rows = rows.filter(warehouse_id=f.warehouse_id)
    if f.warehouse_code:
        rows = rows.filter(warehouse__code__iexact=f.warehouse_code.strip())
    if f.zone_id:
        rows = rows.filter(zone_id=f.zone_id)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.code:
        rows = rows.filter(code__iexact=f.code.strip())
    if f.is_virtual is not None:
        rows = rows.filter(is_virtual=f.is_virtual)
    if f.is_pickable is not None:
        rows = rows.filter(is_pickable=f.is_pickable)
    return rows.order_by("warehouse__code", "pick_sequence", "code", "pk")


def get_location_for_user(user: Any, pk: int) -> Location | None:
    return search_locations(user).filter(pk=pk).first()


def find_location_for_user(user: Any, warehouse_code: str, code: str) -> Location | None:
    """The location a (warehouse code, location code) pair names; the location code exactly."""
    return (
        search_locations(user, LocationFilters(warehouse_code=warehouse_code))
        .filter(code=code.strip())
        .first()
    )


def lots_for_user(
    user: Any, *, product_id: int | None = None, client_code: str = "", sku: str = ""
) -> QuerySet[Lot]:
    """Lots of the products the user may see (a client user: their client's), soonest expiry
    first."""
    rows = scope_by_user(
        Lot.objects.select_related("product", "product__client"),
        user,
        client_field="product__client",
        warehouse_field=None,
    )
    if product_id:
        rows = rows.filter(product_id=product_id)
    if client_code:
        rows = rows.filter(product__client__code__iexact=client_code.strip())
    if sku:
        rows = rows.filter(product__sku__iexact=sku.strip())
    return rows.order_by("product__client__code", "product__sku", "expiry_date", "number", "pk")


def get_lot_for_user(user: Any, pk: int) -> Lot | None:
    return lots_for_user(user).filter(pk=pk).first()


def find_lot(product: Product, number: str) -> Lot | None:
    return Lot.objects.filter(product=product, number=number.strip()).first()


@dataclass(frozen=True)
class LpnFilters:
    warehouse_id: int | None = None
    warehouse_code: str = ""
    location_id: int | None = None
    location_code: str = ""
    code: str = ""


def search_lpns(user: Any, filters: LpnFilters | None = None) -> QuerySet[Lpn]:
    """LPNs of the warehouses the user works in; none for client users (an LPN may hold several
    clients' stock)."""
    if user.role == Role.CLIENT:
        return Lpn.objects.none()
    f = filters or LpnFilters()
    rows = scope_by_user(
        Lpn.objects.select_related("warehouse", "location"), user, client_field="warehouse"
    )
    if f.warehouse_id:
        rows = rows.filter(warehouse_id=f.warehouse_id)
    if f.warehouse_code:
        rows = rows.filter(warehouse__code__iexact=f.warehouse_code.strip())
    if f.location_id:
        rows = rows.filter(location_id=f.location_id)
    if f.location_code:
        rows = rows.filter(location__code__iexact=f.location_code.strip())
    if f.code:
        rows = rows.filter(code__iexact=f.code.strip())
    return rows.order_by("code", "pk")


def get_lpn_for_user(user: Any, pk: int) -> Lpn | None:
    return search_lpns(user).filter(pk=pk).first()


def find_lpn_for_user(user: Any, warehouse_id: int, code: str) -> Lpn | None:
    return (
        search_lpns(user, LpnFilters(warehouse_id=warehouse_id)).filter(code=code.strip()).first()
    )


def stock_balances(
    user: Any,
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


def stock_moves_for_user(user: Any, filters: MoveFilters | None = None) -> QuerySet[StockMove]:
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


def get_stock_move_for_user(user: Any, pk: int) -> StockMove | None:
    return stock_moves_for_user(user).filter(pk=pk).first()


def warehouse_to_edit(user: Any, pk: int) -> Warehouse | None:
    """A warehouse in the user's scope, active or not (so that it can be reactivated)."""
    rows = Warehouse.objects.filter(pk=pk)
    if user.role == Role.OPERATOR:
        rows = rows.filter(pk__in=warehouse_ids_for(user))
    return rows.first()


def client_to_edit(user: Any, pk: int) -> Client | None:
    """A client in the user's scope, active or not (so that it can be reactivated)."""
    rows = Client.objects.filter(pk=pk)
    if user.role == Role.CLIENT:
        rows = rows.filter(pk=user.client_id)
    return rows.first()
