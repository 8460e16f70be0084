"""Orders: create (idempotent on client plus reference), status changes through the one
transition table, cancel. Each public function is the outermost transaction and writes its event
row in it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from control.services.returns import ReturnItem, request_returns
from inventory import lifecycle
from inventory import selectors as inventory_selectors
from inventory.events import emit
from inventory.models import Client, Product, Reason, StockMove, Warehouse
from inventory.services import ledger
from picking.exceptions import DuplicateOrder, OrderRefused
from picking.models import (
    ORDER_LIFECYCLE,
    ORDER_LINE_REF,
    PICK_LINE_REF,
    Order,
    OrderLine,
    OrderStatus,
    PickLine,
    PickLineStatus,
    ServiceLevel,
)
from wms.idempotency.services import idempotent, model_codec
from wms.quantities import is_count

if TYPE_CHECKING:
    from wms.accounts.models import User

MAX_LINES = 1000


@dataclass(frozen=True)
class ShipTo:
    name: str
    street1: str
    city: str
    postal_code: str
    country: str = "US"
    company: str = ""
    street2: str = ""
    state: str = ""
    phone: str = ""
    email: str = ""

    def lines(self) -> list[str]:
        """The address as it prints on a slip or label, blank parts left out."""
        place = " ".join(part for part in (self.city, self.state, self.postal_code) if part)
        lines = [self.name, self.company, self.street1, self.street2, place, self.country]
        return [line for line in lines if line]


@dataclass(frozen=True)
class OrderLineSpec:
    """One line of a new order, as a form, CSV row or API body gives it."""

    product: Product
    quantity: int


def lock_order(order: Order | int) -> Order:
    """The order's row, locked FOR UPDATE and freshly read."""
    pk = order if isinstance(order, int) else order.pk
    return Order.objects.select_for_update().select_related("client", "warehouse").get(pk=pk)


@dataclass(slots=True)
class OrderRow:
    """An order as a set-based service reads it (locked, as a tuple, ORDER_ROW_FIELDS): what
    urgency, grouping and the status change need. A wave's worth of Order instances cost more
    than the work itself."""

    pk: int
    reference: str
    status: str
    warehouse_id: int
    client_id: int
    priority: int
    ship_by: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime | None = None  # set by bulk_transition


ORDER_ROW_FIELDS = (
    "pk",
    "reference",
    "status",
    "warehouse_id",
    "client_id",
    "priority",
    "ship_by",
    "created_at",
)


def locked_order_rows(**where: Any) -> list[OrderRow]:
    """The orders matching `where`, locked FOR UPDATE in primary-key order, read as rows."""
    rows = Order.objects.select_for_update().filter(**where).order_by("pk")
    return [OrderRow(*row) for row in rows.values_list(*ORDER_ROW_FIELDS)]


def check_transition(order: Order | OrderRow, to_status: str) -> None:
    """Raises InvalidTransition unless ORDER_TRANSITIONS lets the order become `to_status`."""
    ORDER_LIFECYCLE.check(order, to_status)


def transition(
    order: Order, to_status: str, user: User | None, *, payload: dict[str, Any] | None = None
) -> Order:
    """Moves a (locked) order along ORDER_LIFECYCLE and writes the status's event in the
    caller's transaction; raises InvalidTransition otherwise."""
    return lifecycle.transition(ORDER_LIFECYCLE, order, to_status, user=user, payload=payload)


def bulk_transition(
    orders: Iterable[Order | OrderRow],
    to_status: str,
    user: User | None,
    payloads: dict[int, dict[str, Any]],
) -> None:
    """The set-based form of `transition` for locked orders: one UPDATE and one INSERT of events
    for any number. An order already at `to_status` is left alone, unless that status reports
    again (a retried allocation that changes a partially allocated order's reservations)."""
    ready = list(orders)
    lifecycle.transition_many(
        ORDER_LIFECYCLE,
        [o for o in ready if o.status != to_status or to_status in _REPEATABLE],
        to_status,
        user=user,
        payloads=payloads,
        skip_unchanged=False,
    )


# A retried allocation that changes an allocated order's reservations reports it again.
_REPEATABLE = frozenset({OrderStatus.PARTIALLY_ALLOCATED})


def _digest(lines: Sequence[OrderLineSpec]) -> str:
    body = json.dumps([[line.product.pk, line.quantity] for line in lines])
    return hashlib.sha256(body.encode()).hexdigest()


def _check(client: Client, warehouse: Warehouse, lines: Sequence[OrderLineSpec]) -> None:
    errors: dict[str, list[str]] = {}
    if not client.is_active:
        errors["client"] = [f"Client {client.code} is inactive."]
    if not warehouse.is_active:
        errors["warehouse"] = [f"Warehouse {warehouse.code} is inactive."]
    if not lines:
        errors["lines"] = ["An order needs at least one line."]
    if len(lines) > MAX_LINES:
        errors["lines"] = [f"An order takes at most {MAX_LINES} lines; got {len(lines)}."]
    for n, line in enumerate(lines, start=1):
        quantity = line.quantity
        if not is_count(quantity):
            errors[f"lines.{n}.quantity"] = [
                f"Line {n}: quantity must be a whole number above zero; got {quantity!r}."
            ]
        if line.product.client_id != client.pk:
            errors[f"lines.{n}.product"] = [
                f"Line {n}: SKU {line.product.sku} belongs to another client."
            ]
        elif not line.product.is_active:
            errors[f"lines.{n}.product"] = [f"Line {n}: SKU {line.product.sku} is inactive."]
    if errors:
        first = next(iter(errors.values()))[0]
        raise OrderRefused(first, field_errors=errors)


def create_order(
    *,
    client: Client,
    warehouse: Warehouse,
    reference: str,
    ship_to: ShipTo,
    lines: Sequence[OrderLineSpec],
    user: User | None,
    carrier_service: str = "",
    service_level: str = ServiceLevel.STANDARD,
    priority: int = 5,
    ship_by: dt.date | None = None,
    deliver_by: dt.date | None = None,
) -> tuple[Order, bool]:
    """Creates an order, or returns the existing one when the client's reference is repeated
    with the same lines (`created` False). The same reference with other lines is refused:
    orders are never merged."""
    reference = reference.strip()
    if not reference:
        raise OrderRefused(
            "The order needs the client's reference.",
            field_errors={"reference": ["Enter the client's order reference."]},
        )
    if not 1 <= priority <= 9:
        raise OrderRefused(
            f"Priority runs from 1 (most urgent) to 9; got {priority}.",
            field_errors={"priority": ["Enter a priority from 1 to 9."]},
        )
    _check(client, warehouse, lines)
    digest = _digest(lines)
    existing = Order.objects.filter(client=client, reference=reference).first()
    if existing is not None:
        return _repeat(existing, digest), False
    try:
        with transaction.atomic():
            return _insert(
                client,
                warehouse,
                reference,
                ship_to,
                lines,
                user,
                digest,
                carrier_service=carrier_service,
                service_level=service_level,
                priority=priority,
                ship_by=ship_by,
                deliver_by=deliver_by,
            ), True
    except IntegrityError:
        # A concurrent request with the same reference won the insert.
        existing = Order.objects.get(client=client, reference=reference)
        return _repeat(existing, digest), False


def _repeat(existing: Order, digest: str) -> Order:
    if existing.content_digest != digest:
        raise DuplicateOrder(
            f"Order {existing.reference} already exists for {existing.client.name} with other "
            "lines; use a new reference (orders are never merged).",
            field_errors={"reference": ["This reference is taken by an order with other lines."]},
        )
    return existing


def _insert(
    client: Client,
    warehouse: Warehouse,
    reference: str,
    ship_to: ShipTo,
    lines: Sequence[OrderLineSpec],
    user: User | None,
    digest: str,
    **fields: Any,
) -> Order:
    order = Order.objects.create(
        client=client,
        warehouse=warehouse,
        reference=reference,
        content_digest=digest,
        total_units=sum(line.quantity for line in lines),
        line_count=len(lines),
        created_by=user if getattr(user, "pk", None) else None,
        **{f"ship_to_{k}": v for k, v in asdict(ship_to).items()},
        **fields,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(order=order, line_number=n, product=line.product, quantity=line.quantity)
            for n, line in enumerate(lines, start=1)
        ]
    )
    emit(
        "order.created",
        client_id=client.pk,
        warehouse_id=warehouse.pk,
        payload={
            "order_id": order.pk,
            "reference": reference,
            "lines": [
                {"line": n, "sku": line.product.sku, "quantity": line.quantity}
                for n, line in enumerate(lines, start=1)
            ],
        },
        user=user,
    )
    return order


@transaction.atomic
@idempotent("order.cancel", result=model_codec(Order))
def cancel_order(*, order: Order, user: User | None, idempotency_key: str | None = None) -> Order:
    """Cancels an order and gives back everything reserved for it. Refused once packed: the
    goods are in a box. Units already picked stay where they were put (a tote or staging) for a
    manager to put back; the event lists them."""
    order = lock_order(order)
    check_transition(order, OrderStatus.CANCELLED)
    lines = list(order.lines.select_for_update().order_by("pk"))
    line_refs = [str(line.pk) for line in lines]
    reservation_ids = list(
        inventory_selectors.reservations_for(
            ORDER_LINE_REF, line_refs, active_only=True
        ).values_list("pk", flat=True)
    )
    released = ledger.release_many(reservation_ids=reservation_ids, user=user)
    OrderLine.objects.filter(order=order).update(allocated_qty=0)
    PickLine.objects.filter(order=order, status=PickLineStatus.OPEN).update(
        status=PickLineStatus.CANCELLED
    )
    picked = sum(line.picked_qty for line in lines)
    returns = _request_returns(order, user)
    return transition(
        order,
        OrderStatus.CANCELLED,
        user,
        payload={
            "released_units": released,
            "picked_units_to_put_back": picked,
            "return_tasks": len(returns),
        },
    )


def _request_returns(order: Order, user: User | None) -> list[Any]:
    """Every unit picked for the order, where its pick put it (a tote or staging), gets a
    return-to-stock task back to the bin it was picked from (control's work queue)."""
    picked_lines = PickLine.objects.filter(order=order, picked_qty__gt=0).values_list(
        "pk", flat=True
    )
    moves = StockMove.objects.filter(
        reason=Reason.PICK,
        reference_type=PICK_LINE_REF,
        reference_id__in=[str(pk) for pk in picked_lines],
    ).select_related("product", "lot", "from_location", "to_location", "to_lpn")
    items = [
        ReturnItem(
            product=move.product,
            lot=move.lot,
            quantity=move.quantity,
            from_location=move.to_location,
            from_lpn=move.to_lpn,
            to_location=move.from_location,
        )
        for move in moves.order_by("pk")
    ]
    return request_returns(
        items=items, reference_type="order", reference_id=str(order.pk), user=user
    )


# Statuses in which an order may still be revised: nothing reserved, picked or packed for it.
REVISABLE = frozenset({OrderStatus.NEW, OrderStatus.BACKORDERED})


@transaction.atomic
def revise_order(
    *,
    order: Order,
    ship_to: ShipTo,
    lines: Sequence[OrderLineSpec],
    user: User | None,
    service_level: str = ServiceLevel.STANDARD,
) -> Order:
    """Replaces the ship-to, service level and lines of an order nothing is reserved for yet
    (new or backordered), as when its sales order changed upstream, and writes
    `order.revised`. Refused, with nothing written, once any of it is allocated."""
    locked = lock_order(order)
    current = list(locked.lines.select_for_update().order_by("pk"))
    if locked.status not in REVISABLE or any(
        line.allocated_qty or line.picked_qty for line in current
    ):
        raise OrderRefused(
            f"Order {locked.reference} is {locked.get_status_display().lower()}: it can only "
            "change before stock is allocated to it.",
            code="order_not_revisable",
        )
    _check(locked.client, locked.warehouse, lines)
    OrderLine.objects.filter(order=locked).delete()
    OrderLine.objects.bulk_create(
        [
            OrderLine(order=locked, line_number=n, product=line.product, quantity=line.quantity)
            for n, line in enumerate(lines, start=1)
        ]
    )
    for name, value in asdict(ship_to).items():
        setattr(locked, f"ship_to_{name}", value)
    locked.service_level = service_level
    locked.content_digest = _digest(lines)
    locked.total_units = sum(line.quantity for line in lines)
    locked.line_count = len(lines)
    locked.updated_at = timezone.now()
    locked.save()
    emit(
        "order.revised",
        client_id=locked.client_id,
        warehouse_id=locked.warehouse_id,
        payload={
            "order_id": locked.pk,
            "reference": locked.reference,
            "lines": [
                {"line": n, "sku": line.product.sku, "quantity": line.quantity}
                for n, line in enumerate(lines, start=1)
            ],
        },
        user=user,
    )
    return locked
