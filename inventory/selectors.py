"""Reads of master data and stock, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

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


# --- Master data pages -------------------------------------------------------------------------


def _warehouse_scoped(
    rows: QuerySet[Any], user: Any, lookup: str = "warehouse_id"
) -> QuerySet[Any]:
    """Rows that belong to a warehouse: none for client users, the assigned ones for operators."""
    if user.role == Role.CLIENT:
        return rows.none()
    if user.role == Role.OPERATOR:
        return rows.filter(**{f"{lookup}__in": warehouse_ids_for(user)})
    return rows


def search_clients(user: Any, *, query: str = "", active: bool | None = None) -> QuerySet[Client]:
    """Clients in the user's scope (inactive ones too), by code or name."""
    rows = Client.objects.all()
    if user.role == Role.CLIENT:
        rows = rows.filter(pk=user.client_id)
    if query:
        rows = rows.filter(Q(code__icontains=query) | Q(name__icontains=query))
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("code")


def search_warehouses(
    user: Any, *, query: str = "", active: bool | None = None
) -> QuerySet[Warehouse]:
    """Warehouses in the user's scope (inactive ones too), by code, name or city."""
    rows = _warehouse_scoped(Warehouse.objects.all(), user, lookup="pk")
    if query:
        rows = rows.filter(
            Q(code__icontains=query) | Q(name__icontains=query) | Q(city__icontains=query)
        )
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("code")


def search_zones(
    user: Any, *, query: str = "", warehouse: Warehouse | None = None
) -> QuerySet[Zone]:
    """Zones in the user's warehouses, by code or name, each with `location_count`."""
    rows = _warehouse_scoped(Zone.objects.select_related("warehouse"), user)
    if query:
        rows = rows.filter(Q(code__icontains=query) | Q(name__icontains=query))
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    return rows.annotate(location_count=Count("locations")).order_by("warehouse__code", "code")


VIRTUAL_KIND_FILTER = "virtual"


def search_locations(
    user: Any,
    *,
    query: str = "",
    warehouse: Warehouse | None = None,
    zone: Zone | None = None,
    kind: str = "",
    blocked: bool | None = None,
) -> QuerySet[Location]:
    """Locations in the user's warehouses, by code or barcode. `kind` is a location kind,
    "virtual" for the system's virtual locations, or empty for every physical location."""
    rows = locations_for_user(user)
    if query:
        rows = rows.filter(Q(code__icontains=query) | Q(barcode__icontains=query))
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if zone is not None:
        rows = rows.filter(zone=zone)
    if kind == VIRTUAL_KIND_FILTER:
        rows = rows.filter(is_virtual=True)
    elif kind:
        rows = rows.filter(kind=kind)
    else:
        rows = rows.filter(is_virtual=False)
    if blocked is not None:
        rows = rows.filter(is_blocked=blocked)
    return rows.order_by("warehouse__code", "pick_sequence", "code")


def search_products(
    user: Any,
    *,
    query: str = "",
    client: Client | None = None,
    tracking: str = "",
    active: bool | None = None,
) -> QuerySet[Product]:
    """Products in the user's scope, by SKU, name or an exact barcode."""
    rows = products_for_user(user)
    if query:
        by_barcode = ProductBarcode.objects.filter(barcode__iexact=query).values("product_id")
        rows = rows.filter(
            Q(sku__icontains=query) | Q(name__icontains=query) | Q(pk__in=by_barcode)
        )
    if client is not None:
        rows = rows.filter(client=client)
    if tracking:
        rows = rows.filter(tracking=tracking)
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("client__code", "sku")


def with_on_hand(products: QuerySet[Product]) -> QuerySet[Product]:
    """Adds `on_hand` (physical, all warehouses) to each product by one correlated subquery over
    the balance cache, and prefetches barcodes: a page of products costs a fixed number of
    queries however many rows it has."""
    total = (
        Balance.objects.filter(product=OuterRef("pk"))
        .order_by()
        .values("product")
        .annotate(total=Sum("on_hand"))
        .values("total")
    )
    return products.annotate(
        on_hand=Coalesce(Subquery(total, output_field=IntegerField()), Value(0))
    ).prefetch_related("barcodes")


def search_lots(user: Any, *, query: str = "", client: Client | None = None) -> QuerySet[Lot]:
    """Lots of the products in the user's scope, by lot number or SKU, soonest expiry first."""
    rows = scope_by_user(
        Lot.objects.select_related("product", "product__client"),
        user,
        client_field="product__client",
        warehouse_field=None,
    )
    if query:
        rows = rows.filter(Q(number__icontains=query) | Q(product__sku__icontains=query))
    if client is not None:
        rows = rows.filter(product__client=client)
    return rows.order_by(F("expiry_date").asc(nulls_last=True), "product__sku", "number")


def search_lpns(
    user: Any, *, query: str = "", warehouse: Warehouse | None = None, kind: str = ""
) -> QuerySet[Lpn]:
    """LPNs in the user's warehouses, by code, with the location the ledger put them at."""
    rows = _warehouse_scoped(Lpn.objects.select_related("warehouse", "location"), user)
    if query:
        rows = rows.filter(code__icontains=query)
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("code")
