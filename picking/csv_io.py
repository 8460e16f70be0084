"""Orders from a CSV file: one row per order line, grouped into orders by client plus reference.

All or nothing: every row is read and checked first (client and warehouse in the user's scope,
SKU of the client, whole quantity above zero, dates, priority, the order's header the same on
each of its rows, a reference already used with other lines); if any cell is wrong, every
problem is reported by row number and column and nothing is written. Otherwise each new order is
created through picking.services.orders.create_order in one transaction; an order that already
exists with the same lines is reported as "already existed" and left as it is."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction

from inventory import selectors as inventory_selectors
from picking import selectors
from picking.models import Order, ServiceLevel
from picking.services.orders import OrderLineSpec, ShipTo, create_order
from wms.csv_io import Column, FileRefused, Row, read_rows
from wms.exceptions import DomainError
from wms.validation import code_problem, quantity_from, whole_number

if TYPE_CHECKING:
    from wms.accounts.models import User

SHIP_TO_COLUMNS = (
    Column("ship_to_name", "The recipient's name.", required=True),
    Column("ship_to_company", "Company; may be empty."),
    Column("ship_to_street1", "Street and number.", required=True),
    Column("ship_to_street2", "Second address line; may be empty."),
    Column("ship_to_city", "City.", required=True),
    Column("ship_to_state", "State or region; may be empty."),
    Column("ship_to_postal_code", "Postal code.", required=True),
    Column("ship_to_country", "Two-letter country code (empty: US)."),
    Column("ship_to_phone", "Phone; may be empty."),
    Column("ship_to_email", "Email; may be empty."),
)
COLUMNS = (
    Column("client", "The client's code, e.g. acme-outdoor.", required=True),
    Column("reference", "The client's order number; rows with the same one form one order.", True),
    Column("warehouse", "The shipping warehouse's code, e.g. EAST.", required=True),
    *SHIP_TO_COLUMNS,
    Column("carrier_service", "Requested carrier and service, e.g. UPS Ground; may be empty."),
    Column("service_level", "standard, expedited or overnight (empty: standard)."),
    Column("priority", "1 (most urgent) to 9 (empty: 5)."),
    Column("ship_by", "Date as YYYY-MM-DD; may be empty."),
    Column("deliver_by", "Promised delivery date as YYYY-MM-DD; may be empty."),
    Column("sku", "The client's SKU (any case).", required=True),
    Column("quantity", "Whole units above zero.", required=True),
)
# Columns that describe the order, not the line: every row of one order must agree on them.
HEADER_COLUMNS = tuple(
    column.name
    for column in COLUMNS
    if column.name not in ("client", "reference", "sku", "quantity")
)
EXAMPLE = {
    "client": "acme-outdoor",
    "reference": "SO-1001",
    "warehouse": "EAST",
    "ship_to_name": "Ada Lovelace",
    "ship_to_street1": "1 Analytical Way",
    "ship_to_city": "Boston",
    "ship_to_state": "MA",
    "ship_to_postal_code": "02110",
    "ship_to_country": "US",
    "carrier_service": "UPS Ground",
    "service_level": "standard",
    "priority": "5",
    "ship_by": "2030-01-31",
    "sku": "MUG",
    "quantity": "2",
}


@dataclass(frozen=True)
class CellError:
    line: int | None  # None: about the whole file
    column: str
    message: str


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    existed: list[str] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = f"Imported orders: {len(self.created)} created"
        if self.existed:
            text += f"; {len(self.existed)} already existed ({', '.join(self.existed[:20])})"
        return text + "."


@dataclass
class _Order:
    """One order being assembled from its rows."""

    first_line: int
    header: dict[str, str]
    client: Any = None
    warehouse: Any = None
    lines: list[tuple[int, str, int | None]] = field(default_factory=list)  # line, sku, qty
    specs: list[OrderLineSpec] = field(default_factory=list)


def template_csv() -> str:
    """A header row and one example row, for people to fill in."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.name for column in COLUMNS])
    writer.writerow([EXAMPLE.get(column.name, "") for column in COLUMNS])
    return "\ufeff" + out.getvalue()


def import_orders(file: IO[bytes], user: User, can_create: Callable[[Order], bool]) -> ImportResult:
    """Creates the orders of a CSV file (COLUMNS), all or none; `can_create(order)` is the
    permission check for each order's client and warehouse."""
    try:
        rows = read_rows(file, COLUMNS)
    except FileRefused as exc:
        return ImportResult(errors=[CellError(None, "", str(exc))])
    errors: list[CellError] = [
        CellError(row.line, "", " ".join(row.problems)) for row in rows if row.problems
    ]
    orders = _group(rows, user, errors)
    _check_orders(orders, can_create, errors)
    if errors:
        return ImportResult(errors=sorted(errors, key=lambda e: (e.line or 0, e.column)))
    return _write(orders, user)


def _group(rows: list[Row], user: User, errors: list[CellError]) -> dict[tuple[str, str], _Order]:
    clients = {c.code.lower(): c for c in inventory_selectors.clients_for_user(user)}
    warehouses = {w.code.lower(): w for w in inventory_selectors.warehouses_for_user(user)}
    orders: dict[tuple[str, str], _Order] = {}
    for row in rows:
        cells = row.cells
        client_code, reference = cells.get("client", ""), cells.get("reference", "")
        for name in ("client", "reference", "sku"):
            if not cells.get(name):
                errors.append(CellError(row.line, name, f"{name} is empty."))
        if not client_code or not reference:
            continue
        if problem := code_problem(reference):
            errors.append(CellError(row.line, "reference", problem))
        key = (client_code.lower(), reference)
        header = {name: cells.get(name, "") for name in HEADER_COLUMNS}
        order = orders.get(key)
        if order is None:
            order = orders[key] = _Order(row.line, header)
            order.client = clients.get(client_code.lower())
            if order.client is None:
                errors.append(CellError(row.line, "client", f"No client “{client_code}”."))
            order.warehouse = warehouses.get(header["warehouse"].lower())
            if header["warehouse"] and order.warehouse is None:
                errors.append(
                    CellError(row.line, "warehouse", f"No warehouse “{header['warehouse']}”.")
                )
            _check_header(row.line, header, errors)
        else:
            for name in HEADER_COLUMNS:
                if header[name] != order.header[name]:
                    errors.append(
                        CellError(
                            row.line,
                            name,
                            f"Order {reference} has “{order.header[name]}” here on line "
                            f"{order.first_line}; every row of one order must agree.",
                        )
                    )
        order.lines.append((row.line, cells.get("sku", ""), _quantity(row, errors)))
    return orders


def _quantity(row: Row, errors: list[CellError]) -> int | None:
    text = row.cells.get("quantity", "")
    quantity = quantity_from(text)
    if quantity is None:
        errors.append(
            CellError(row.line, "quantity", f"“{text}” is not a whole number from 1 to 2147483647.")
        )
    return quantity


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _check_header(line: int, header: dict[str, str], errors: list[CellError]) -> None:
    for column in SHIP_TO_COLUMNS:
        if column.required and not header[column.name]:
            errors.append(CellError(line, column.name, f"{column.name} is empty."))
    if header["ship_to_country"] and len(header["ship_to_country"]) != 2:
        errors.append(CellError(line, "ship_to_country", "Give a two-letter country code."))
    for name in ("ship_by", "deliver_by"):
        try:
            _date(header[name])
        except ValueError:
            errors.append(CellError(line, name, f"“{header[name]}” is not a date (YYYY-MM-DD)."))
    priority = whole_number(header["priority"])
    if header["priority"] and (priority is None or not 1 <= priority <= 9):
        errors.append(CellError(line, "priority", f"“{header['priority']}” is not 1 to 9."))
    if header["service_level"] and header["service_level"].lower() not in ServiceLevel.values:
        allowed = ", ".join(ServiceLevel.values)
        errors.append(
            CellError(line, "service_level", f"“{header['service_level']}” is not {allowed}.")
        )


def _check_orders(
    orders: dict[tuple[str, str], _Order],
    can_create: Callable[[Order], bool],
    errors: list[CellError],
) -> None:
    known = [o for o in orders.values() if o.client is not None]
    for order in known:
        products = selectors.products_by_sku(order.client, [sku for _, sku, _ in order.lines])
        for line, sku, qty in order.lines:
            product = products.get(sku.upper())
            if sku and product is None:
                errors.append(
                    CellError(line, "sku", f"SKU “{sku}” is not a product of {order.client.code}.")
                )
            elif product is not None and qty is not None:
                order.specs.append(OrderLineSpec(product, qty))
        if order.warehouse is not None and not can_create(
            Order(client=order.client, warehouse=order.warehouse)
        ):
            errors.append(
                CellError(order.first_line, "client", f"You may not order for {order.client.code}.")
            )
    existing = selectors.existing_orders(
        {(o.client.pk, ref) for (_, ref), o in orders.items() if o.client is not None}
    )
    for (_, reference), order in orders.items():
        if order.client is None:
            continue
        lines = existing.get((order.client.pk, reference))
        if lines is not None and lines != [(s.product.pk, s.quantity) for s in order.specs]:
            errors.append(
                CellError(
                    order.first_line,
                    "reference",
                    f"Order {reference} of {order.client.code} already exists with other lines; "
                    "use a new reference (orders are never merged).",
                )
            )


class _Abort(Exception):
    def __init__(self, error: CellError) -> None:
        self.error = error


def _write(orders: dict[tuple[str, str], _Order], user: User) -> ImportResult:
    result = ImportResult()
    try:
        with transaction.atomic():
            for (_, reference), order in orders.items():
                header = order.header
                ship_to = ShipTo(
                    **{
                        name: header[f"ship_to_{name}"]
                        for name in ShipTo.__annotations__
                        if header[f"ship_to_{name}"]
                    }
                )
                try:
                    _, created = create_order(
                        client=order.client,
                        warehouse=order.warehouse,
                        reference=reference,
                        ship_to=ship_to,
                        lines=order.specs,
                        user=user,
                        carrier_service=header["carrier_service"],
                        service_level=header["service_level"].lower() or ServiceLevel.STANDARD,
                        priority=int(header["priority"] or 5),
                        ship_by=_date(header["ship_by"]),
                        deliver_by=_date(header["deliver_by"]),
                    )
                except DomainError as exc:
                    # Checked above, refused at write time (an inactive product, a concurrent
                    # order with the reference): everything rolls back and the row is named.
                    raise _Abort(CellError(order.first_line, "", exc.message)) from exc
                (result.created if created else result.existed).append(reference)
    except _Abort as abort:
        return ImportResult(errors=[abort.error])
    return result
