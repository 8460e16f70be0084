"""Writes to master data. Guards what the ledger depends on (a SKU with stock keeps its SKU)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction

from inventory.exceptions import MasterDataRefused
from inventory.models import (
    VIRTUAL_KINDS,
    Balance,
    Client,
    Location,
    LocationKind,
    Lot,
    Lpn,
    LpnKind,
    Product,
    ProductBarcode,
    StockMove,
    Tracking,
    Warehouse,
    Zone,
)
from inventory.services.ledger import virtual_location

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def create_warehouse(**fields: Any) -> Warehouse:
    """Creates a warehouse with its virtual locations (supplier, customer, adjustment, scrap,
    in transit)."""
    warehouse = Warehouse.objects.create(**fields)
    ensure_virtual_locations(warehouse)
    return warehouse


def ensure_virtual_locations(warehouse: Warehouse) -> None:
    for kind in (
        LocationKind.SUPPLIER,
        LocationKind.CUSTOMER,
        LocationKind.ADJUSTMENT,
        LocationKind.SCRAP,
        LocationKind.IN_TRANSIT,
    ):
        virtual_location(warehouse.pk, kind)


def product_has_history(product: Product) -> bool:
    return (
        Balance.objects.filter(product=product, on_hand__gt=0).exists()
        or StockMove.objects.filter(product=product).exists()
    )


@transaction.atomic
def update_product(product: Product, **changes: Any) -> Product:
    """Saves changes to a product. Its SKU and client cannot change once it has stock or ledger
    history (every move and label names them); tracking cannot change while it has stock."""
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if "sku" in changes and changes["sku"] != locked.sku and product_has_history(locked):
        raise MasterDataRefused(
            f"{locked.sku} has stock or ledger history; its SKU cannot change. "
            "Create a new product instead."
        )
    if "client" in changes and changes["client"] != locked.client and product_has_history(locked):
        raise MasterDataRefused(
            f"{locked.sku} has stock or ledger history; its client cannot change."
        )
    if (
        "tracking" in changes
        and changes["tracking"] != locked.tracking
        and Balance.objects.filter(product=locked, on_hand__gt=0).exists()
    ):
        raise MasterDataRefused(f"{locked.sku} has stock; its lot tracking cannot change now.")
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    return locked


# --- Creates and edits behind the API -----------------------------------------------------------
# Each validates in full (model rules, unique codes) before writing, so bad input is a
# ValidationError with field errors (422), never an IntegrityError (500).


def _unique_errors_on_fields(exc: ValidationError) -> ValidationError:
    """A duplicate on a multi-field unique constraint (client + SKU, warehouse + code) is reported
    by Django as a non-field error; report it under its last field, which the caller typed."""
    errors: dict[str, list[ValidationError]] = {}
    for field, field_errors in exc.error_dict.items():
        for error in field_errors:
            target = field
            if field == NON_FIELD_ERRORS and error.code == "unique_together" and error.params:
                target = str(error.params["unique_check"][-1])
            errors.setdefault(target, []).append(error)
    return ValidationError(errors)


def _clean(instance: models.Model) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise _unique_errors_on_fields(exc) from None


@contextmanager
def _saved_once() -> Iterator[None]:
    """Two requests saving the same new code both pass validation; the one that loses the race
    at the unique index gets a conflict instead of a 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise MasterDataRefused(
            "Another request saved a record with the same code at the same moment; "
            "reload and try again."
        ) from exc


def _save_changes(record: M, changes: dict[str, Any]) -> M:
    with _saved_once():
        locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
        for field, value in changes.items():
            setattr(locked, field, value)
        _clean(locked)
        locked.save()
    return locked


def create_client(*, code: str, name: str) -> Client:
    """Creates a client (a stock owner); its code is unique."""
    client = Client(code=code, name=name)
    _clean(client)
    with _saved_once():
        client.save()
    return client


def update_client(client: Client, **changes: Any) -> Client:
    """Saves changes to a client after validating them (a code stays unique)."""
    return _save_changes(client, changes)


def add_warehouse(**fields: Any) -> Warehouse:
    """Validates a new warehouse (unique code, a real time zone), then creates it with its
    virtual locations through create_warehouse."""
    _clean(Warehouse(**fields))
    with _saved_once():
        return create_warehouse(**fields)


def update_warehouse(warehouse: Warehouse, **changes: Any) -> Warehouse:
    """Saves changes to a warehouse after validating them (unique code, a real time zone)."""
    return _save_changes(warehouse, changes)


def create_zone(
    *, warehouse: Warehouse, code: str, name: str = "", storage_class: str = ""
) -> Zone:
    """Creates a zone; its code is unique in its warehouse."""
    zone = Zone(warehouse=warehouse, code=code, name=name, storage_class=storage_class)
    _clean(zone)
    with _saved_once():
        zone.save()
    return zone


def update_zone(zone: Zone, **changes: Any) -> Zone:
    """Saves changes to a zone after validating them (its code stays unique in the warehouse)."""
    return _save_changes(zone, changes)


def _check_location(location: Location) -> None:
    if location.kind in VIRTUAL_KINDS:
        raise ValidationError(
            {"kind": ["Virtual locations are made by the system; choose a physical kind."]}
        )
    if location.zone is not None and location.zone.warehouse_id != location.warehouse_id:
        raise ValidationError({"zone": [f"Zone {location.zone.code} is in another warehouse."]})


def create_location(*, warehouse: Warehouse, code: str, **fields: Any) -> Location:
    """Creates a physical location (virtual ones are made per warehouse by the system). Its code
    and barcode are unique in its warehouse; the barcode defaults to the code."""
    fields.setdefault("barcode", code)
    location = Location(warehouse=warehouse, code=code, **fields)
    _check_location(location)
    _clean(location)
    with _saved_once():
        location.save()
    return location


def update_location(location: Location, **changes: Any) -> Location:
    """Saves changes to a physical location; virtual locations are the system's and stay as
    they are."""
    if location.is_virtual:
        raise MasterDataRefused(f"{location.code} is a virtual location; it cannot be edited.")
    with _saved_once():
        locked = Location.objects.select_for_update().get(pk=location.pk)
        for field, value in changes.items():
            setattr(locked, field, value)
        _check_location(locked)
        _clean(locked)
        locked.save()
    return locked


@dataclass(frozen=True)
class ProductDraft:
    """One product to create: its client's code, its model fields, its (barcode, pack quantity)
    pairs."""

    client_code: str
    fields: dict[str, Any]
    barcodes: list[tuple[str, int]] = dataclass_field(default_factory=list)


def _check_drafts(
    drafts: list[ProductDraft],
) -> tuple[list[Product], list[list[ProductBarcode]], dict[int, dict[str, list[str]]]]:
    """Builds the products and barcodes and every error per draft index: unknown clients, model
    rules, SKUs and barcodes repeated in the request or already taken. A fixed number of queries
    whatever the number of drafts."""
    errors: dict[int, dict[str, list[str]]] = {}

    def fail(index: int, field: str, message: str) -> None:
        errors.setdefault(index, {}).setdefault(field, []).append(message)

    codes = {d.client_code.strip() for d in drafts}
    clients = {c.code: c for c in Client.objects.filter(code__in=codes, is_active=True)}
    products: list[Product] = []
    barcodes: list[list[ProductBarcode]] = []
    for i, draft in enumerate(drafts):
        client = clients.get(draft.client_code.strip())
        if client is None:
            fail(i, "client", f"No active client with code “{draft.client_code}”.")
        product = Product(client=client, **draft.fields)
        try:
            product.full_clean(
                exclude=["client"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    fail(i, field, message)
        products.append(product)
        rows = []
        for j, (code, pack_quantity) in enumerate(draft.barcodes):
            if not code.strip():
                fail(i, f"barcodes.{j}.barcode", "A barcode cannot be blank.")
            if pack_quantity < 1:
                fail(i, f"barcodes.{j}.pack_quantity", "A pack holds at least 1 unit.")
            rows.append(ProductBarcode(barcode=code.strip(), pack_quantity=pack_quantity))
        barcodes.append(rows)

    first_sku: dict[tuple[int, str], int] = {}
    first_barcode: dict[tuple[int, str], int] = {}
    for i, (product, rows) in enumerate(zip(products, barcodes, strict=True)):
        if product.client_id is None:
            continue
        sku_key = (product.client_id, product.sku)
        if sku_key in first_sku:
            fail(
                i, "sku", f"SKU “{product.sku}” is also item {first_sku[sku_key]} of this request."
            )
        first_sku.setdefault(sku_key, i)
        for j, row in enumerate(rows):
            code_key = (product.client_id, row.barcode)
            if code_key in first_barcode:
                fail(
                    i,
                    f"barcodes.{j}.barcode",
                    f"Barcode “{row.barcode}” is also given in item {first_barcode[code_key]}.",
                )
            first_barcode.setdefault(code_key, i)
    client_ids = {cid for cid, _ in first_sku}
    taken_skus = set(
        Product.objects.filter(
            client_id__in=client_ids, sku__in={sku for _, sku in first_sku}
        ).values_list("client_id", "sku")
    )
    taken_barcodes = set(
        ProductBarcode.objects.filter(
            client_id__in=client_ids, barcode__in={code for _, code in first_barcode}
        ).values_list("client_id", "barcode")
    )
    for i, (product, rows) in enumerate(zip(products, barcodes, strict=True)):
        if (product.client_id, product.sku) in taken_skus:
            fail(i, "sku", f"SKU “{product.sku}” already exists for this client.")
        for j, row in enumerate(rows):
            if (product.client_id, row.barcode) in taken_barcodes:
                fail(
                    i,
                    f"barcodes.{j}.barcode",
                    f"Barcode “{row.barcode}” already belongs to another product of this client.",
                )
    return products, barcodes, errors


def _insert_products(products: list[Product], barcodes: list[list[ProductBarcode]]) -> None:
    with _saved_once():
        Product.objects.bulk_create(products)
        for product, rows in zip(products, barcodes, strict=True):
            for row in rows:
                row.product = product
                # bulk_create skips save(), which copies the client for the per-client index.
                row.client_id = product.client_id
        ProductBarcode.objects.bulk_create([row for rows in barcodes for row in rows])


def create_products(drafts: list[ProductDraft]) -> list[Product]:
    """All or nothing: creates every product with its barcodes, or, if any draft is invalid,
    none, raising one ValidationError whose keys are `items.<index>.<field>`."""
    products, barcodes, errors = _check_drafts(drafts)
    if errors:
        raise ValidationError(
            {
                f"items.{i}.{field}": messages
                for i, fields in sorted(errors.items())
                for field, messages in fields.items()
            }
        )
    _insert_products(products, barcodes)
    return products


def create_product(draft: ProductDraft) -> Product:
    """Creates one product with its barcodes; a ValidationError keyed by field otherwise."""
    products, barcodes, errors = _check_drafts([draft])
    if errors:
        raise ValidationError(errors[0])
    _insert_products(products, barcodes)
    return products[0]


def edit_product(
    product: Product,
    changes: dict[str, Any],
    barcodes: list[tuple[str, int]] | None = None,
) -> Product:
    """Changes a product through update_product (whose guards hold: no SKU change once it has
    history) and, when `barcodes` is given, replaces its barcodes with that list, in one
    transaction."""
    with _saved_once():
        updated = product
        if changes:
            try:
                updated = update_product(product, **changes)
            except ValidationError as exc:
                raise _unique_errors_on_fields(exc) from None
        if barcodes is not None:
            _replace_barcodes(updated, barcodes)
    return updated


def _replace_barcodes(product: Product, barcodes: list[tuple[str, int]]) -> None:
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    codes = [code.strip() for code, _ in barcodes]
    taken = set(
        ProductBarcode.objects.filter(client_id=product.client_id, barcode__in=codes)
        .exclude(product=product)
        .values_list("barcode", flat=True)
    )
    for j, (code, pack_quantity) in enumerate(zip(codes, (q for _, q in barcodes), strict=True)):
        if not code:
            errors.setdefault(f"barcodes.{j}.barcode", []).append("A barcode cannot be blank.")
        elif code in seen:
            errors.setdefault(f"barcodes.{j}.barcode", []).append(f"“{code}” is given twice.")
        elif code in taken:
            errors.setdefault(f"barcodes.{j}.barcode", []).append(
                f"Barcode “{code}” already belongs to another product of this client."
            )
        if pack_quantity < 1:
            errors.setdefault(f"barcodes.{j}.pack_quantity", []).append(
                "A pack holds at least 1 unit."
            )
        seen.add(code)
    if errors:
        raise ValidationError(errors)
    ProductBarcode.objects.filter(product=product).delete()
    ProductBarcode.objects.bulk_create(
        [
            ProductBarcode(
                product=product, client_id=product.client_id, barcode=code, pack_quantity=q
            )
            for code, (_, q) in zip(codes, barcodes, strict=True)
        ]
    )


def create_lot(*, product: Product, number: str, expiry_date: datetime.date | None = None) -> Lot:
    """Creates a lot of a lot-tracked product; one that tracks expiry needs the expiry date."""
    if not product.is_lot_tracked:
        raise ValidationError({"product": [f"{product.sku} is not lot-tracked; it has no lots."]})
    if product.tracking == Tracking.LOT_EXPIRY and expiry_date is None:
        raise ValidationError(
            {"expiry_date": [f"{product.sku} tracks expiry: give the lot's expiry date."]}
        )
    lot = Lot(product=product, number=number, expiry_date=expiry_date)
    _clean(lot)
    with _saved_once():
        lot.save()
    return lot


def create_lpn(
    *, code: str, warehouse: Warehouse, kind: str = LpnKind.PALLET, location: Location | None = None
) -> Lpn:
    """Creates a license plate in a warehouse, optionally standing at one of its physical
    locations. Its code is unique in the tenant."""
    if location is not None and (location.warehouse_id != warehouse.pk or location.is_virtual):
        raise ValidationError(
            {"location": [f"{location.code} is not a physical location of {warehouse.code}."]}
        )
    lpn = Lpn(code=code, kind=kind, warehouse=warehouse, location=location)
    _clean(lpn)
    with _saved_once():
        lpn.save()
    return lpn
