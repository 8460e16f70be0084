"""CSV import and export of products and locations.

An import is all or nothing: every row is read and checked first; if any row is wrong, the result
lists every wrong row by its line number and nothing is written. Otherwise every row is created
or updated (upsert by client + SKU, or warehouse + code) through inventory.services.master in one
transaction, so the same refusals apply as on the edit pages.

An export writes the import's columns, so an exported file re-imports unchanged. Columns missing
from an uploaded file are left as they are on existing rows (and take their defaults on new ones).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from inventory.exceptions import MasterDataRefused
from inventory.models import (
    Balance,
    Client,
    Location,
    LocationKind,
    Product,
    ProductBarcode,
    Tracking,
    Warehouse,
    Zone,
)
from inventory.services import master
from inventory.services.master import PHYSICAL_KINDS, BarcodeSpec
from wms.csv_io import (
    Column,
    Echo,
    FileRefused,
    ImportResult,
    Row,
    RowError,
    cell,
    read_rows,
)
from wms.permissions import require
from wms.validation import BIGINT_MAX, INT_MAX, code_problem, whole_number

if TYPE_CHECKING:
    from wms.accounts.models import User

PRODUCT_COLUMNS = (
    Column("client_code", "The client's code, e.g. acme-outdoor.", required=True),
    Column("sku", "Unique per client. With client_code, picks the product to update.", True),
    Column("name", "The product's name.", required=True),
    Column("length_mm", "Whole millimetres; empty for unknown."),
    Column("width_mm", "Whole millimetres; empty for unknown."),
    Column("height_mm", "Whole millimetres; empty for unknown."),
    Column("weight_g", "Whole grams; empty for unknown."),
    Column("tracking", "none, lot or lot_expiry (empty: none). Cannot change while in stock."),
    Column("inner_qty", "Eaches per inner pack; empty for none."),
    Column("case_qty", "Eaches per case; empty for none."),
    Column("pallet_qty", "Eaches per pallet; empty for none."),
    Column(
        "barcodes",
        "Every barcode of the product, separated by ;, each with an optional *pack quantity: "
        "0123456789012;10012345678902*12. Replaces the product's barcodes.",
    ),
)

LOCATION_COLUMNS = (
    Column("warehouse_code", "The warehouse's code, e.g. EAST.", required=True),
    Column("zone_code", "A zone of that warehouse; empty for none."),
    Column("code", "Unique per warehouse. With warehouse_code, picks the location.", True),
    Column("barcode", "What the bin label encodes; empty: the code."),
    Column(
        "kind", "dock, storage, pick_face, staging, pack_station or ship_dock (empty: storage)."
    ),
    Column("pick_sequence", "Walking order for picking, a whole number (empty: 0)."),
    Column("max_units", "Capacity in units; empty for no limit."),
    Column("max_volume_cm3", "Capacity in cm³; empty for no limit."),
    Column("max_weight_g", "Capacity in grams; empty for no limit."),
    Column("pickable", "yes or no (empty: no)."),
    Column("blocked", "yes or no (empty: no)."),
    Column("blocked_reason", "Why it is blocked; ignored when not blocked."),
)


class _Abort(Exception):
    def __init__(self, error: RowError) -> None:
        self.error = error


def _run(
    file: IO[bytes],
    user: User,
    columns: tuple[Column, ...],
    plan: Callable[[list[Row]], list[_Step]],
    *,
    perm: str = "inventory.change_master_data",
    perm_object: Any = None,
) -> ImportResult:
    require(user, perm, perm_object)
    try:
        rows = read_rows(file, columns)
    except FileRefused as exc:
        return ImportResult(errors=[RowError(None, str(exc))])
    steps = plan(rows)
    errors = [RowError(row.line, " ".join(row.problems)) for row in rows if row.problems]
    if errors:
        return ImportResult(errors=errors)
    result = ImportResult()
    try:
        with transaction.atomic():
            for step in steps:
                try:
                    outcome = step.write()
                except (MasterDataRefused, ValidationError) as exc:
                    raise _Abort(RowError(step.line, _describe(exc))) from exc
                setattr(result, outcome, getattr(result, outcome) + 1)
    except _Abort as abort:
        # Checked above, refused at write time (someone changed the data meanwhile): all rolled
        # back, and the row is named.
        return ImportResult(errors=[abort.error])
    return result


@dataclass
class _Step:
    line: int
    write: Callable[[], str]  # returns "created", "updated" or "unchanged"


def _describe(exc: MasterDataRefused | ValidationError) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return " ".join(
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in exc.message_dict.items()
            for message in messages
        )
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _changed(instance: Any, fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if getattr(instance, name) != value}


# --- Products ----------------------------------------------------------------------------------


def parse_barcodes(row: Row) -> list[BarcodeSpec]:
    specs: list[BarcodeSpec] = []
    for part in row.cells.get("barcodes", "").split(";"):
        part = part.strip()
        if not part:
            continue
        code, _, quantity = part.partition("*")
        code = code.strip()
        pack_quantity = 1
        if quantity:
            pack_quantity = whole_number(quantity) or 0
            if not 1 <= pack_quantity <= INT_MAX:
                row.problems.append(
                    f"Barcode {code}: pack quantity “{quantity}” is not a whole number from 1 "
                    f"to {INT_MAX}."
                )
                pack_quantity = 1
        if not code or len(code) > 64:
            row.problems.append(f"Barcode “{part}” must be 1 to 64 characters before the *.")
        elif problem := code_problem(code):
            row.problems.append(f"Barcode {problem}")
        elif any(spec.barcode == code for spec in specs):
            row.problems.append(f"Barcode {code} is listed twice.")
        specs.append(BarcodeSpec(code, pack_quantity))
    return specs


def import_products(file: IO[bytes], user: User, *, client: Client | None = None) -> ImportResult:
    """Creates or updates products (by client code + SKU) from a CSV file with PRODUCT_COLUMNS.
    All rows or none: any bad row, or any change update_product refuses (tracking of a product in
    stock), means nothing is written and every bad row is reported. With `client`, the file may
    name that client only (a client's own catalogue, checked by `inventory.change_product`)."""
    if client is None:
        return _run(file, user, PRODUCT_COLUMNS, _plan_products)
    return _run(
        file,
        user,
        PRODUCT_COLUMNS,
        lambda rows: _plan_products(rows, only=client),
        perm="inventory.change_product",
        perm_object=Product(client=client),
    )


def _plan_products(rows: list[Row], only: Client | None = None) -> list[_Step]:
    everyone = Client.objects.all() if only is None else Client.objects.filter(pk=only.pk)
    clients = {client.code.lower(): client for client in everyone}
    skus = {row.cells["sku"] for row in rows}
    existing = {
        (product.client_id, product.sku): product
        for product in Product.objects.filter(sku__in=skus).prefetch_related("barcodes")
    }
    stocked = set(
        Balance.objects.filter(
            product_id__in=[p.pk for p in existing.values()], on_hand__gt=0
        ).values_list("product_id", flat=True)
    )
    all_barcodes = {
        spec.strip().partition("*")[0].strip()
        for row in rows
        for spec in row.cells.get("barcodes", "").split(";")
    }
    barcode_owners = {
        (client_id, barcode): (product_id, sku)
        for client_id, barcode, product_id, sku in ProductBarcode.objects.filter(
            barcode__in=all_barcodes
        ).values_list("client_id", "barcode", "product_id", "product__sku")
    }
    seen_skus: dict[tuple[int, str], int] = {}
    seen_barcodes: dict[tuple[int, str], tuple[int, str]] = {}
    steps: list[_Step] = []
    for row in rows:
        client_code = row.text("client_code", max_length=32, required=True, code=True)
        client = clients.get(client_code.lower())
        if client_code and client is None:
            row.problems.append(f"No client has the code “{client_code}”.")
        fields: dict[str, Any] = {
            "sku": row.text("sku", max_length=64, required=True, code=True),
            "name": row.text("name", max_length=200, required=True),
        }
        for name in ("length_mm", "width_mm", "height_mm", "weight_g"):
            if row.has(name):
                fields[name] = row.whole(name)
        for name in ("inner_qty", "case_qty", "pallet_qty"):
            if row.has(name):
                fields[name] = row.whole(name, minimum=1)
        if row.has("tracking"):
            fields["tracking"] = row.choice("tracking", Tracking.choices, Tracking.NONE)
        barcodes = parse_barcodes(row) if row.has("barcodes") else None
        if client is None or not fields["sku"]:
            continue
        key = (client.pk, fields["sku"])
        if key in seen_skus:
            row.problems.append(
                f"{fields['sku']} of {client.code} is also on line {seen_skus[key]}."
            )
        seen_skus[key] = row.line
        product = existing.get(key)
        for spec in barcodes or []:
            owner = barcode_owners.get((client.pk, spec.barcode))
            if owner is not None and (product is None or owner[0] != product.pk):
                row.problems.append(f"Barcode {spec.barcode} already belongs to {owner[1]}.")
            earlier = seen_barcodes.get((client.pk, spec.barcode))
            if earlier is not None and earlier[1] != fields["sku"]:
                row.problems.append(f"Barcode {spec.barcode} is also on line {earlier[0]}.")
            seen_barcodes[(client.pk, spec.barcode)] = (row.line, fields["sku"])
        if product is None:
            steps.append(_Step(row.line, _create_product(client, fields, barcodes)))
            continue
        changes = _changed(product, fields)
        if "tracking" in changes and product.pk in stocked:
            row.problems.append(
                f"{product.sku} has stock; its tracking cannot change from {product.tracking} "
                f"to {changes['tracking']}."
            )
        current = {(b.barcode, b.pack_quantity) for b in product.barcodes.all()}
        if barcodes is not None and current == {(b.barcode, b.pack_quantity) for b in barcodes}:
            barcodes = None
        steps.append(_Step(row.line, _update_product(product, changes, barcodes)))
    return steps


def _create_product(
    client: Client, fields: dict[str, Any], barcodes: list[BarcodeSpec] | None
) -> Callable[[], str]:
    def write() -> str:
        master.create_product(client=client, barcodes=barcodes or (), **fields)
        return "created"

    return write


def _update_product(
    product: Product, changes: dict[str, Any], barcodes: list[BarcodeSpec] | None
) -> Callable[[], str]:
    def write() -> str:
        if not changes and barcodes is None:
            return "unchanged"
        master.update_product(product, barcodes=barcodes, **changes)
        return "updated"

    return write


def export_products(products: QuerySet[Product]) -> Iterator[str]:
    """The CSV lines (header first) of these products, in PRODUCT_COLUMNS, streamed in chunks."""
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow([column.name for column in PRODUCT_COLUMNS])
    for product in (
        products.select_related("client").prefetch_related("barcodes").iterator(chunk_size=500)
    ):
        barcodes = ";".join(
            b.barcode if b.pack_quantity == 1 else f"{b.barcode}*{b.pack_quantity}"
            for b in product.barcodes.all()
        )
        values = [
            product.client.code,
            product.sku,
            product.name,
            product.length_mm,
            product.width_mm,
            product.height_mm,
            product.weight_g,
            product.tracking,
            product.inner_qty,
            product.case_qty,
            product.pallet_qty,
            barcodes,
        ]
        yield writer.writerow([cell(value) for value in values])


# --- Locations ---------------------------------------------------------------------------------


def import_locations(file: IO[bytes], user: User) -> ImportResult:
    """Creates or updates physical locations (by warehouse code + location code) from a CSV file
    with LOCATION_COLUMNS. All rows or none; virtual locations are never touched."""
    return _run(file, user, LOCATION_COLUMNS, _plan_locations)


def _plan_locations(rows: list[Row]) -> list[_Step]:
    warehouses = {w.code.lower(): w for w in Warehouse.objects.all()}
    zones = {(z.warehouse_id, z.code.lower()): z for z in Zone.objects.all()}
    codes = {row.cells["code"] for row in rows}
    existing = {
        (location.warehouse_id, location.code): location
        for location in Location.objects.filter(code__in=codes).select_related("zone")
    }
    barcode_owners = {
        (location.warehouse_id, location.barcode): location
        for location in Location.objects.filter(
            barcode__in={row.cells.get("barcode") or row.cells["code"] for row in rows}
        )
    }
    seen_codes: dict[tuple[int, str], int] = {}
    seen_barcodes: dict[tuple[int, str], int] = {}
    steps: list[_Step] = []
    for row in rows:
        warehouse_code = row.text("warehouse_code", max_length=16, required=True, code=True)
        warehouse = warehouses.get(warehouse_code.lower())
        if warehouse_code and warehouse is None:
            row.problems.append(f"No warehouse has the code “{warehouse_code}”.")
        code = row.text("code", max_length=32, required=True, code=True)
        fields: dict[str, Any] = {"code": code}
        if row.has("barcode"):
            fields["barcode"] = row.text("barcode", max_length=64, code=True) or code
        if row.has("kind"):
            fields["kind"] = row.choice("kind", PHYSICAL_KINDS, LocationKind.STORAGE)
        if row.has("pick_sequence"):
            fields["pick_sequence"] = row.whole("pick_sequence", default=0)
        if row.has("max_units"):
            fields["max_units"] = row.whole("max_units")
        for name in ("max_volume_cm3", "max_weight_g"):
            if row.has(name):
                fields[name] = row.whole(name, maximum=BIGINT_MAX)
        if row.has("pickable"):
            fields["is_pickable"] = row.flag("pickable")
        if row.has("blocked"):
            fields["is_blocked"] = row.flag("blocked")
        if row.has("blocked_reason"):
            fields["blocked_reason"] = row.text("blocked_reason", max_length=200)
            if not fields.get("is_blocked", True):
                fields["blocked_reason"] = ""
        if warehouse is None or not code:
            continue
        if row.has("zone_code"):
            zone_code = row.cells["zone_code"]
            fields["zone"] = zones.get((warehouse.pk, zone_code.lower())) if zone_code else None
            if zone_code and fields["zone"] is None:
                row.problems.append(f"Warehouse {warehouse.code} has no zone “{zone_code}”.")
        key = (warehouse.pk, code)
        if key in seen_codes:
            row.problems.append(f"{code} in {warehouse.code} is also on line {seen_codes[key]}.")
        seen_codes[key] = row.line
        location = existing.get(key)
        if location is not None and location.is_virtual:
            row.problems.append(f"{code} is a virtual location; the system keeps it.")
            continue
        barcode = fields.get("barcode", location.barcode if location else code)
        owner = barcode_owners.get((warehouse.pk, barcode))
        if owner is not None and (location is None or owner.pk != location.pk):
            row.problems.append(f"Barcode {barcode} is already location {owner.code}'s.")
        if (warehouse.pk, barcode) in seen_barcodes:
            line = seen_barcodes[(warehouse.pk, barcode)]
            row.problems.append(f"Barcode {barcode} is also on line {line}.")
        seen_barcodes[(warehouse.pk, barcode)] = row.line
        if location is None:
            steps.append(_Step(row.line, _create_location(warehouse, fields)))
        else:
            steps.append(_Step(row.line, _update_location(location, _changed(location, fields))))
    return steps


def _create_location(warehouse: Warehouse, fields: dict[str, Any]) -> Callable[[], str]:
    def write() -> str:
        master.create_location(warehouse=warehouse, **fields)
        return "created"

    return write


def _update_location(location: Location, changes: dict[str, Any]) -> Callable[[], str]:
    def write() -> str:
        if not changes:
            return "unchanged"
        master.update_location(location, **changes)
        return "updated"

    return write


def export_locations(locations: QuerySet[Location]) -> Iterator[str]:
    """The CSV lines (header first) of these physical locations, in LOCATION_COLUMNS, streamed.
    Virtual locations are left out: they cannot be imported."""
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow([column.name for column in LOCATION_COLUMNS])
    rows = locations.filter(is_virtual=False).select_related("warehouse", "zone")
    for location in rows.iterator(chunk_size=1000):
        values = [
            location.warehouse.code,
            location.zone.code if location.zone else "",
            location.code,
            location.barcode,
            location.kind,
            location.pick_sequence,
            location.max_units,
            location.max_volume_cm3,
            location.max_weight_g,
            "yes" if location.is_pickable else "no",
            "yes" if location.is_blocked else "no",
            location.blocked_reason,
        ]
        yield writer.writerow([cell(value) for value in values])
