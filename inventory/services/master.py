"""Writes to master data. Guards what the ledger depends on: a SKU, lot number or location with
stock or ledger history keeps its identity; virtual locations are the system's; stock and LPN
placement change only through the ledger (inventory.services.ledger).

Every function here is the outermost transaction of its write. A refusal raises
MasterDataRefused (with field errors where a form field is to blame) or Django's ValidationError
from the model's own checks; either way nothing is written."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q

from inventory.exceptions import MasterDataRefused
from inventory.models import (
    VIRTUAL_KINDS,
    Balance,
    Client,
    Location,
    LocationKind,
    Lot,
    Lpn,
    Product,
    ProductBarcode,
    StockMove,
    Tracking,
    Warehouse,
    Zone,
)
from inventory.services.ledger import virtual_location

M = TypeVar("M", bound=models.Model)
PHYSICAL_KINDS = [
    (value, label) for value, label in LocationKind.choices if value not in VIRTUAL_KINDS
]


@contextmanager
def _refuse_on_clash(what: str) -> Iterator[None]:
    """Turns a unique-constraint race (two people saving the same code at once; the form's own
    check passed for both) into a refusal instead of a server error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise MasterDataRefused(f"{what} clashes with one saved a moment ago: {exc}.") from exc


def _save(instance: M, changes: dict[str, Any], what: str) -> M:
    for field, value in changes.items():
        setattr(instance, field, value)
    instance.full_clean()
    with _refuse_on_clash(what):
        instance.save()
    return instance


# --- Clients and warehouses --------------------------------------------------------------------


@transaction.atomic
def create_client(**fields: Any) -> Client:
    """Creates a client (the owner of stock). Its code is unique."""
    return _save(Client(), fields, f"Client {fields.get('code', '')}")


@transaction.atomic
def update_client(client: Client, **changes: Any) -> Client:
    """Saves changes to a client, under its row lock."""
    locked = Client.objects.select_for_update().get(pk=client.pk)
    return _save(locked, changes, f"Client {changes.get('code', locked.code)}")


@transaction.atomic
def create_warehouse(**fields: Any) -> Warehouse:
    """Creates a warehouse with its virtual locations (supplier, customer, adjustment, scrap,
    in transit)."""
    warehouse = _save(Warehouse(), fields, f"Warehouse {fields.get('code', '')}")
    ensure_virtual_locations(warehouse)
    return warehouse


@transaction.atomic
def update_warehouse(warehouse: Warehouse, **changes: Any) -> Warehouse:
    """Saves changes to a warehouse, under its row lock. Its virtual locations stay."""
    locked = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    return _save(locked, changes, f"Warehouse {changes.get('code', locked.code)}")


def ensure_virtual_locations(warehouse: Warehouse) -> None:
    for kind in (
        LocationKind.SUPPLIER,
        LocationKind.CUSTOMER,
        LocationKind.ADJUSTMENT,
        LocationKind.SCRAP,
        LocationKind.IN_TRANSIT,
    ):
        virtual_location(warehouse.pk, kind)


# --- Zones and locations -----------------------------------------------------------------------


@transaction.atomic
def create_zone(**fields: Any) -> Zone:
    """Creates a zone in a warehouse. Its code is unique in that warehouse."""
    return _save(Zone(), fields, f"Zone {fields.get('code', '')}")


@transaction.atomic
def update_zone(zone: Zone, **changes: Any) -> Zone:
    """Saves changes to a zone. A zone with locations stays in its warehouse (its locations
    cannot follow it)."""
    locked = Zone.objects.select_for_update().get(pk=zone.pk)
    warehouse = changes.get("warehouse", locked.warehouse)
    if warehouse.pk != locked.warehouse_id and locked.locations.exists():
        raise MasterDataRefused(
            f"Zone {locked.code} has locations; it cannot move to another warehouse.",
            field_errors={"warehouse": ["A zone with locations stays in its warehouse."]},
        )
    return _save(locked, changes, f"Zone {changes.get('code', locked.code)}")


def location_has_history(location: Location) -> bool:
    return (
        Balance.objects.filter(location=location, on_hand__gt=0).exists()
        or StockMove.objects.filter(Q(from_location=location) | Q(to_location=location)).exists()
    )


def _check_location(fields: dict[str, Any], warehouse: Warehouse) -> dict[str, Any]:
    kind = fields.get("kind", LocationKind.STORAGE)
    if kind in VIRTUAL_KINDS:
        raise MasterDataRefused(
            "Virtual locations are made with their warehouse; choose a physical kind.",
            field_errors={"kind": [f"{LocationKind(kind).label} is made by the system."]},
        )
    zone = fields.get("zone")
    if zone is not None and zone.warehouse_id != warehouse.pk:
        raise MasterDataRefused(
            f"Zone {zone} is not in warehouse {warehouse.code}.",
            field_errors={"zone": [f"Choose a zone of warehouse {warehouse.code}."]},
        )
    if "is_blocked" in fields and not fields["is_blocked"]:
        # The reason belongs to the block; an unblocked location keeps none.
        fields["blocked_reason"] = ""
    if not fields.get("barcode") and "code" in fields:
        fields["barcode"] = fields["code"]
    return fields


@transaction.atomic
def create_location(**fields: Any) -> Location:
    """Creates a physical location. Virtual kinds are refused (each warehouse has its own, made
    by create_warehouse); the zone must be in the same warehouse; the barcode defaults to the
    code."""
    fields = _check_location(dict(fields), fields["warehouse"])
    return _save(Location(), fields, f"Location {fields.get('code', '')}")


@transaction.atomic
def update_location(location: Location, **changes: Any) -> Location:
    """Saves changes to a physical location. Virtual locations are refused; a location with
    stock or ledger history stays in its warehouse."""
    locked = Location.objects.select_for_update().get(pk=location.pk)
    if locked.is_virtual:
        raise MasterDataRefused(f"{locked.code} is a virtual location; the system keeps it.")
    warehouse = changes.get("warehouse", locked.warehouse)
    if warehouse.pk != locked.warehouse_id and location_has_history(locked):
        raise MasterDataRefused(
            f"{locked.code} has stock or ledger history; it cannot move to another warehouse.",
            field_errors={"warehouse": ["A location with history stays in its warehouse."]},
        )
    changes = _check_location({"kind": locked.kind, "zone": locked.zone, **changes}, warehouse)
    return _save(locked, changes, f"Location {changes.get('code', locked.code)}")


# --- Products and barcodes ---------------------------------------------------------------------


@dataclass(frozen=True)
class BarcodeSpec:
    """One scannable code of a product; pack_quantity eaches per scan (1 for the each)."""

    barcode: str
    pack_quantity: int = 1


def product_has_history(product: Product) -> bool:
    return (
        Balance.objects.filter(product=product, on_hand__gt=0).exists()
        or StockMove.objects.filter(product=product).exists()
    )


def _set_barcodes(product: Product, barcodes: Sequence[BarcodeSpec]) -> None:
    """Makes the product's barcodes exactly `barcodes`. A barcode another product of the same
    client already uses is refused (scans must resolve to one product per client)."""
    wanted: dict[str, int] = {}
    for spec in barcodes:
        if spec.barcode in wanted:
            raise MasterDataRefused(
                f"Barcode {spec.barcode} is listed twice.",
                field_errors={"barcodes": [f"Barcode {spec.barcode} is listed twice."]},
            )
        wanted[spec.barcode] = spec.pack_quantity
    taken = (
        ProductBarcode.objects.filter(client_id=product.client_id, barcode__in=list(wanted))
        .exclude(product=product)
        .select_related("product")
        .first()
    )
    if taken is not None:
        message = f"Barcode {taken.barcode} already belongs to {taken.product.sku}."
        raise MasterDataRefused(message, field_errors={"barcodes": [message]})
    product.barcodes.exclude(barcode__in=list(wanted)).delete()
    existing = {row.barcode: row for row in product.barcodes.all()}
    for barcode, pack_quantity in wanted.items():
        row = existing.get(barcode) or ProductBarcode(product=product, barcode=barcode)
        if row.pk and (row.pack_quantity, row.client_id) == (pack_quantity, product.client_id):
            continue
        row.pack_quantity = pack_quantity
        row.full_clean(exclude=["client"])
        with _refuse_on_clash(f"Barcode {barcode}"):
            row.save()


@transaction.atomic
def create_product(*, barcodes: Sequence[BarcodeSpec] = (), **fields: Any) -> Product:
    """Creates a product with its barcodes. SKU is unique per client; a barcode is unique per
    client."""
    product = _save(Product(), fields, f"SKU {fields.get('sku', '')}")
    _set_barcodes(product, barcodes)
    return product


@transaction.atomic
def update_product(
    product: Product, *, barcodes: Sequence[BarcodeSpec] | None = None, **changes: Any
) -> Product:
    """Saves changes to a product and, when given, makes its barcodes exactly `barcodes`. Its
    SKU and client cannot change once it has stock or ledger history (every move and label
    names them); tracking cannot change while it has stock."""
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if "sku" in changes and changes["sku"] != locked.sku and product_has_history(locked):
        raise MasterDataRefused(
            f"{locked.sku} has stock or ledger history; its SKU cannot change. "
            "Create a new product instead.",
            field_errors={"sku": [f"{locked.sku} has stock or ledger history; keep its SKU."]},
        )
    if "client" in changes and changes["client"] != locked.client and product_has_history(locked):
        raise MasterDataRefused(
            f"{locked.sku} has stock or ledger history; its client cannot change.",
            field_errors={"client": [f"{locked.sku} has stock or ledger history."]},
        )
    if (
        "tracking" in changes
        and changes["tracking"] != locked.tracking
        and Balance.objects.filter(product=locked, on_hand__gt=0).exists()
    ):
        raise MasterDataRefused(
            f"{locked.sku} has stock; its lot tracking cannot change now.",
            field_errors={"tracking": [f"{locked.sku} has stock; tracking cannot change now."]},
        )
    old_client_id = locked.client_id
    _save(locked, changes, f"SKU {changes.get('sku', locked.sku)}")
    if barcodes is None and locked.client_id != old_client_id:
        # Barcodes are unique per client: they follow the product and are checked there.
        barcodes = [BarcodeSpec(b.barcode, b.pack_quantity) for b in locked.barcodes.all()]
    if barcodes is not None:
        _set_barcodes(locked, barcodes)
    return locked


@transaction.atomic
def create_products(
    items: Sequence[dict[str, Any]],
    *,
    refused: Mapping[int, Mapping[str, list[str]]] | None = None,
) -> list[Product]:
    """All or nothing: creates every item (create_product's keyword arguments) or none. Each
    item is tried in its own savepoint, so every bad one is found, not just the first; if any is
    refused, everything is rolled back and one ValidationError names each problem as
    `items.<index>.<field>`. `refused` holds the caller's own errors per index (an unknown client
    code); those items are reported, not tried. A SKU given twice is refused at its repeat."""
    errors: dict[str, list[ValidationError]] = {}

    def fail(index: int, field: str, messages: Sequence[str | ValidationError]) -> None:
        key = f"items.{index}.{field}"
        errors.setdefault(key, []).extend(
            ValidationError(m) if isinstance(m, str) else m for m in messages
        )

    first_of_sku: dict[tuple[Any, Any], int] = {}
    products: list[Product] = []
    for index, item in enumerate(items):
        if refused and index in refused:
            for field, messages in refused[index].items():
                fail(index, field, messages)
            continue
        sku_key = (item.get("client"), item.get("sku"))
        if sku_key in first_of_sku:
            fail(
                index,
                "sku",
                [f"SKU “{item.get('sku')}” is also item {first_of_sku[sku_key]} of this request."],
            )
            continue
        first_of_sku[sku_key] = index
        try:
            products.append(create_product(**item))  # its own savepoint: a refusal undoes only it
        except MasterDataRefused as exc:
            for field, messages in (exc.field_errors or {NON_FIELD_ERRORS: [exc.message]}).items():
                fail(index, field, messages)
        except ValidationError as exc:
            for field, field_errors in exc.update_error_dict({}).items():
                fail(index, field, field_errors)
    if errors:
        raise ValidationError(errors)  # leaving the transaction rolls back every item made
    return products


# --- Lots and LPNs -----------------------------------------------------------------------------


def lot_has_history(lot: Lot) -> bool:
    return (
        Balance.objects.filter(lot=lot, on_hand__gt=0).exists()
        or StockMove.objects.filter(lot=lot).exists()
    )


def _check_lot(product: Product, fields: dict[str, Any]) -> None:
    if not product.is_lot_tracked:
        raise MasterDataRefused(
            f"{product.sku} is not lot-tracked; it has no lots.",
            field_errors={"product": [f"{product.sku} is not lot-tracked."]},
        )
    if product.tracking == Tracking.LOT_EXPIRY and fields.get("expiry_date") is None:
        raise MasterDataRefused(
            f"{product.sku} tracks expiry: give the lot's expiry date.",
            field_errors={"expiry_date": [f"{product.sku} tracks expiry: give the date."]},
        )


@transaction.atomic
def create_lot(**fields: Any) -> Lot:
    """Creates a lot of a lot-tracked product (with its expiry date when the product tracks
    expiry). The number is unique per product."""
    _check_lot(fields["product"], fields)
    return _save(Lot(), fields, f"Lot {fields.get('number', '')}")


@transaction.atomic
def update_lot(lot: Lot, **changes: Any) -> Lot:
    """Saves changes to a lot. A lot with stock or ledger history keeps its product and number
    (labels and moves name them); its expiry date may be corrected."""
    locked = Lot.objects.select_for_update().select_related("product").get(pk=lot.pk)
    product = changes.get("product", locked.product)
    renamed = changes.get("number", locked.number) != locked.number
    if (product.pk != locked.product_id or renamed) and lot_has_history(locked):
        raise MasterDataRefused(
            f"Lot {locked.number} has stock or ledger history; its product and number stay.",
            field_errors={"number": [f"Lot {locked.number} has history; keep its number."]},
        )
    _check_lot(product, {"expiry_date": locked.expiry_date, **changes})
    return _save(locked, changes, f"Lot {changes.get('number', locked.number)}")


def lpn_has_history(lpn: Lpn) -> bool:
    return (
        Balance.objects.filter(lpn=lpn, on_hand__gt=0).exists()
        or StockMove.objects.filter(Q(from_lpn=lpn) | Q(to_lpn=lpn)).exists()
    )


@transaction.atomic
def create_lpn(**fields: Any) -> Lpn:
    """Creates an empty LPN in a warehouse, at no location: the ledger places it when stock
    moves into it."""
    if fields.get("location") is not None:
        raise MasterDataRefused("An LPN is placed by moving stock into it, not by editing it.")
    return _save(Lpn(), fields, f"LPN {fields.get('code', '')}")


@transaction.atomic
def update_lpn(lpn: Lpn, **changes: Any) -> Lpn:
    """Saves changes to an LPN. Its location is the ledger's to change; an LPN with stock or
    ledger history keeps its code and warehouse."""
    locked = Lpn.objects.select_for_update().get(pk=lpn.pk)
    if "location" in changes and changes["location"] != locked.location:
        raise MasterDataRefused(f"LPN {locked.code} moves only through the ledger.")
    changes.pop("location", None)
    warehouse = changes.get("warehouse", locked.warehouse)
    renamed = changes.get("code", locked.code) != locked.code
    moved = warehouse.pk != locked.warehouse_id
    if (renamed or moved) and (locked.location_id is not None or lpn_has_history(locked)):
        raise MasterDataRefused(
            f"LPN {locked.code} is placed or has history; its code and warehouse stay.",
            field_errors={"code": [f"LPN {locked.code} has history; keep its code."]},
        )
    return _save(locked, changes, f"LPN {changes.get('code', locked.code)}")
