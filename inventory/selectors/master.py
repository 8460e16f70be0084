"""Reads of master data (clients, warehouses, zones, locations, products, lots, LPNs), scoped
to what the user may see. The desktop pages and the API share these: each `search_…` takes
keyword filters (a model filter accepts the object or its id), and each `get_…_for_user` returns
None for an object outside the scope, so callers answer 404 whether it does not exist or may not
be seen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from inventory.gs1 import GS1Error, gtin_spellings, normalize_gtin
from inventory.models import (
    Balance,
    Client,
    Location,
    Lot,
    Lpn,
    Product,
    ProductBarcode,
    Warehouse,
    Zone,
)
from wms.accounts.models import Role
from wms.permissions import client_id_of, warehouse_ids_for

if TYPE_CHECKING:
    from wms.accounts.models import User


def warehouses_for_user(user: User) -> QuerySet[Warehouse]:
    """Active warehouses the user works in: operators their assigned ones, others all."""
    warehouses = Warehouse.objects.filter(is_active=True)
    if user.role == Role.OPERATOR:
        warehouses = warehouses.filter(pk__in=warehouse_ids_for(user))
    return warehouses.order_by("code")


def get_warehouse_for_user(user: User, pk: int) -> Warehouse | None:
    return warehouses_for_user(user).filter(pk=pk).first()


def find_warehouse_by_code(user: User, code: str) -> Warehouse | None:
    return warehouses_for_user(user).filter(code__iexact=code.strip()).first()


def clients_for_user(user: User, query: str = "") -> QuerySet[Client]:
    """Clients the user may see: a client user only their own."""
    clients = Client.objects.filter(is_active=True)
    if user.role == Role.CLIENT:
        clients = clients.filter(pk=client_id_of(user))
    if query:
        clients = clients.filter(Q(code__icontains=query) | Q(name__icontains=query))
    return clients.order_by("name")


def get_client_for_user(user: User, pk: int) -> Client | None:
    return clients_for_user(user).filter(pk=pk).first()


def find_client_by_code(user: User, code: str) -> Client | None:
    return clients_for_user(user).filter(code__iexact=code.strip()).first()


def scope_by_user(
    queryset: QuerySet[Any],
    user: User,
    *,
    client_field: str = "client",
    warehouse_field: str | None = "warehouse",
) -> QuerySet[Any]:
    """Narrows any queryset to the user's scope: a client user's client, an operator's
    warehouses."""
    if user.role == Role.CLIENT:
        queryset = queryset.filter(**{f"{client_field}_id": client_id_of(user)})
    if user.role == Role.OPERATOR and warehouse_field is not None:
        queryset = queryset.filter(**{f"{warehouse_field}_id__in": warehouse_ids_for(user)})
    return queryset


def products_for_user(user: User) -> QuerySet[Product]:
    return scope_by_user(Product.objects.select_related("client"), user, warehouse_field=None)


def locations_for_user(user: User) -> QuerySet[Location]:
    return (
        scope_by_user(
            Location.objects.select_related("warehouse", "zone"), user, client_field="warehouse"
        )
        if user.role != Role.CLIENT
        else Location.objects.none()
    )


# --- Stock -------------------------------------------------------------------------------------


def lots_for_product(product: Product) -> QuerySet[Lot]:
    return product.lots.order_by("expiry_date", "number")


def _warehouse_scoped(
    rows: QuerySet[Any], user: User, lookup: str = "warehouse_id"
) -> QuerySet[Any]:
    """Rows that belong to a warehouse: none for client users, the assigned ones for operators."""
    if user.role == Role.CLIENT:
        return rows.none()
    if user.role == Role.OPERATOR:
        return rows.filter(**{f"{lookup}__in": warehouse_ids_for(user)})
    return rows


# --- Clients and warehouses --------------------------------------------------------------------


def search_clients(user: User, *, query: str = "", active: bool | None = None) -> QuerySet[Client]:
    """Clients in the user's scope (inactive ones too, so they can be edited and reactivated),
    by code or name."""
    rows = Client.objects.all()
    if user.role == Role.CLIENT:
        rows = rows.filter(pk=client_id_of(user))
    if query:
        rows = rows.filter(Q(code__icontains=query) | Q(name__icontains=query))
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("code")


def search_warehouses(
    user: User, *, query: str = "", active: bool | None = None
) -> QuerySet[Warehouse]:
    """Warehouses in the user's scope (inactive ones too, so they can be edited and
    reactivated), by code, name or city."""
    rows = _warehouse_scoped(Warehouse.objects.all(), user, lookup="pk")
    if query:
        rows = rows.filter(
            Q(code__icontains=query) | Q(name__icontains=query) | Q(city__icontains=query)
        )
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("code")


# --- Zones and locations -----------------------------------------------------------------------


def search_zones(
    user: User,
    *,
    query: str = "",
    warehouse: Warehouse | int | None = None,
    warehouse_code: str = "",
) -> QuerySet[Zone]:
    """Zones in the user's warehouses (none for client users), by code or name, each with
    `location_count`."""
    rows = _warehouse_scoped(Zone.objects.select_related("warehouse"), user)
    if query:
        rows = rows.filter(Q(code__icontains=query) | Q(name__icontains=query))
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if warehouse_code:
        rows = rows.filter(warehouse__code__iexact=warehouse_code.strip())
    return rows.annotate(location_count=Count("locations")).order_by(
        "warehouse__code", "code", "pk"
    )


def get_zone_for_user(user: User, pk: int) -> Zone | None:
    return search_zones(user).filter(pk=pk).first()


def find_zone_for_user(user: User, warehouse_id: int, code: str) -> Zone | None:
    return search_zones(user, warehouse=warehouse_id).filter(code=code.strip()).first()


VIRTUAL_KIND_FILTER = "virtual"


def search_locations(
    user: User,
    *,
    query: str = "",
    warehouse: Warehouse | int | None = None,
    warehouse_code: str = "",
    zone: Zone | int | None = None,
    kind: str = "",
    code: str = "",
    is_virtual: bool | None = None,
    is_pickable: bool | None = None,
    blocked: bool | None = None,
) -> QuerySet[Location]:
    """Locations in the user's warehouses (none for client users), in walking order. `query`
    matches part of a code or barcode, `code` a whole code; `kind` is a location kind, or
    "virtual" for the system's virtual locations."""
    rows = locations_for_user(user)
    if query:
        rows = rows.filter(Q(code__icontains=query) | Q(barcode__icontains=query))
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if warehouse_code:
        rows = rows.filter(warehouse__code__iexact=warehouse_code.strip())
    if zone is not None:
        rows = rows.filter(zone=zone)
    if kind == VIRTUAL_KIND_FILTER:
        rows = rows.filter(is_virtual=True)
    elif kind:
        rows = rows.filter(kind=kind)
    if code:
        rows = rows.filter(code__iexact=code.strip())
    if is_virtual is not None:
        rows = rows.filter(is_virtual=is_virtual)
    if is_pickable is not None:
        rows = rows.filter(is_pickable=is_pickable)
    if blocked is not None:
        rows = rows.filter(is_blocked=blocked)
    return rows.order_by("warehouse__code", "pick_sequence", "code", "pk")


def get_location_for_user(user: User, pk: int) -> Location | None:
    return search_locations(user).filter(pk=pk).first()


def find_location_for_user(user: User, warehouse_code: str, code: str) -> Location | None:
    """The location a (warehouse code, location code) pair names; the location code exactly."""
    return search_locations(user, warehouse_code=warehouse_code).filter(code=code.strip()).first()


# --- Products and lots -------------------------------------------------------------------------


def search_products(
    user: User,
    *,
    query: str = "",
    client: Client | int | None = None,
    client_code: str = "",
    sku: str = "",
    tracking: str = "",
    active: bool | None = None,
) -> QuerySet[Product]:
    """Products in the user's scope (a client user: their client's), with their barcodes
    prefetched, by client code and SKU. `query` matches part of a SKU or name or a whole
    barcode; `sku` a whole SKU, any case."""
    rows = products_for_user(user).prefetch_related("barcodes")
    if query:
        query = query.strip()
        by_barcode = ProductBarcode.objects.filter(barcode__iexact=query).values("product_id")
        rows = rows.filter(
            Q(sku__icontains=query) | Q(name__icontains=query) | Q(pk__in=by_barcode)
        )
    if client is not None:
        rows = rows.filter(client=client)
    if client_code:
        rows = rows.filter(client__code__iexact=client_code.strip())
    if sku:
        rows = rows.filter(sku__iexact=sku.strip())
    if tracking:
        rows = rows.filter(tracking=tracking)
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("client__code", "sku", "pk")


def get_product_for_user(user: User, pk: int) -> Product | None:
    return search_products(user).filter(pk=pk).first()


def find_product_for_user(user: User, client_code: str, sku: str) -> Product | None:
    """The product a (client code, SKU) pair names, if the user may see it. The SKU matches
    exactly: SKUs are unique per client only as written."""
    return search_products(user, client_code=client_code).filter(sku=sku.strip()).first()


def products_by_pks(user: User, pks: list[int]) -> list[Product]:
    """The given products (with barcodes) in the order of `pks`, skipping any out of scope."""
    found = {p.pk: p for p in search_products(user).filter(pk__in=pks)}
    return [found[pk] for pk in pks if pk in found]


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


def search_lots(
    user: User,
    *,
    query: str = "",
    client: Client | int | None = None,
    client_code: str = "",
    product: Product | int | None = None,
    sku: str = "",
) -> QuerySet[Lot]:
    """Lots of the products in the user's scope (a client user: their client's), soonest
    expiry first. `query` matches part of a lot number or SKU, `sku` a whole SKU."""
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
    if client_code:
        rows = rows.filter(product__client__code__iexact=client_code.strip())
    if product is not None:
        rows = rows.filter(product=product)
    if sku:
        rows = rows.filter(product__sku__iexact=sku.strip())
    return rows.order_by(F("expiry_date").asc(nulls_last=True), "product__sku", "number", "pk")


def get_lot_for_user(user: User, pk: int) -> Lot | None:
    return search_lots(user).filter(pk=pk).first()


def find_lot(product: Product, number: str) -> Lot | None:
    return Lot.objects.filter(product=product, number=number.strip()).first()


# --- LPNs --------------------------------------------------------------------------------------


def search_lpns(
    user: User,
    *,
    query: str = "",
    warehouse: Warehouse | int | None = None,
    warehouse_code: str = "",
    location: Location | int | None = None,
    location_code: str = "",
    code: str = "",
    kind: str = "",
) -> QuerySet[Lpn]:
    """LPNs in the user's warehouses (none for client users: an LPN may hold several clients'
    stock), with the location the ledger put them at. `query` matches part of a code, `code` a
    whole one."""
    rows = _warehouse_scoped(Lpn.objects.select_related("warehouse", "location"), user)
    if query:
        rows = rows.filter(code__icontains=query)
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if warehouse_code:
        rows = rows.filter(warehouse__code__iexact=warehouse_code.strip())
    if location is not None:
        rows = rows.filter(location=location)
    if location_code:
        rows = rows.filter(location__code__iexact=location_code.strip())
    if code:
        rows = rows.filter(code__iexact=code.strip())
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("code", "pk")


def get_lpn_for_user(user: User, pk: int) -> Lpn | None:
    return search_lpns(user).filter(pk=pk).first()


def find_lpn_for_user(user: User, warehouse_id: int, code: str) -> Lpn | None:
    return search_lpns(user, warehouse=warehouse_id).filter(code=code.strip()).first()


# --- What a scanned code names -------------------------------------------------------------


@dataclass(frozen=True)
class CodeMatch:
    product: Product
    pack_quantity: int


def find_product_by_gtin(client: Client, gtin: str) -> CodeMatch | None:
    """The client's product whose barcode is this GTIN in any spelling, with its pack quantity."""
    gtin14 = normalize_gtin(gtin)
    candidates = ProductBarcode.objects.filter(
        client=client, barcode__in=gtin_spellings(gtin14)
    ).select_related("product")
    for barcode in candidates.order_by("pk"):
        return CodeMatch(barcode.product, barcode.pack_quantity)
    return None


def find_product_by_code(client: Client, code: str) -> CodeMatch | None:
    """What a plain (non-GS1) scan names among the client's products: a barcode exactly, a GTIN in
    another spelling, or a SKU (case-insensitive). A case barcode carries its pack quantity."""
    code = code.strip()
    if not code:
        return None
    barcode = (
        ProductBarcode.objects.filter(client=client, barcode=code).select_related("product").first()
    )
    if barcode is not None:
        return CodeMatch(barcode.product, barcode.pack_quantity)
    if code.isdigit() and len(code) in (8, 12, 13, 14):
        try:
            match = find_product_by_gtin(client, code)
        except GS1Error:
            match = None
        if match is not None:
            return match
    product = Product.objects.filter(client=client, sku__iexact=code).first()
    return CodeMatch(product, 1) if product is not None else None


# --- The handheld's warehouse --------------------------------------------------------------

# Where a handheld's session remembers the warehouse its operator chose.
ACTIVE_WAREHOUSE_KEY = "active_warehouse_pk"


def active_warehouse(user: User, session: Mapping[str, Any]) -> Warehouse | None:
    """The warehouse a handheld works in: the one its session chose among the user's
    warehouses, else the user's first."""
    warehouses = warehouses_for_user(user)
    chosen = session.get(ACTIVE_WAREHOUSE_KEY)
    warehouse = warehouses.filter(pk=chosen).first() if chosen else None
    return warehouse or warehouses.first()
