"""The client's orders as the portal shows them: the list's extra views (open, late, shipped
today), and an order's page: lines with the reason a line waits, the timeline of its status
changes, its cartons and their tracking. Bins, LPNs, totes and pickers stay the warehouse's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from inventory import selectors as inventory_selectors
from inventory.models import Event
from picking import selectors as picking_selectors
from picking.models import Order, OrderLine, OrderStatus
from portal.tracking import tracking_url
from shipping import selectors as shipping_selectors
from shipping.models import Carton, Shipment, ShipmentStatus

if TYPE_CHECKING:
    from wms.accounts.models import User

CLOSED = (OrderStatus.SHIPPED, OrderStatus.CANCELLED)
# Until packed the warehouse may still cancel (picking.services.orders.cancel_order decides).
CANCELLABLE = frozenset(set(OrderStatus.values) - {OrderStatus.PACKED, *CLOSED})
VIEWS = [
    ("", "Every order"),
    ("open", "Open"),
    ("late", "Late (past ship-by)"),
    ("shipped_today", "Shipped today"),
]


def client_orders(
    user: User, *, query: str = "", status: str = "", view: str = ""
) -> QuerySet[Order]:
    """The user's orders (picking's selector scopes them), narrowed to one of VIEWS."""
    rows = picking_selectors.orders_for_user(
        user, picking_selectors.OrderFilters(status=status, query=query)
    )
    today = timezone.localdate()
    if view == "open":
        rows = rows.exclude(status__in=CLOSED)
    elif view == "late":
        rows = rows.exclude(status__in=CLOSED).filter(ship_by__lt=today)
    elif view == "shipped_today":
        shipped = shipping_selectors.shipments_for_user(user, status=ShipmentStatus.SHIPPED)
        rows = rows.filter(pk__in=shipped.filter(shipped_at__date=today).values("order_id"))
    return rows


@dataclass
class LineView:
    line: OrderLine
    waiting: int
    reason: str


@dataclass
class Step:
    label: str
    at: dt.datetime


@dataclass
class CartonView:
    carton: Carton
    shipment: Shipment | None
    tracking_url: str


@dataclass
class OrderPage:
    order: Order
    lines: list[LineView]
    timeline: list[Step]
    cartons: list[CartonView]
    cancellable: bool


STEP_LABELS = {
    "order.created": "Received",
    "order.shipped": "Shipped",
}


def _step_label(event: Event) -> str:
    """An event as the timeline names it: the order's status it reports (a partial allocation
    is an `order.allocated` event whose payload says partially allocated), with units open."""
    if event.type in STEP_LABELS:
        return STEP_LABELS[event.type]
    status = event.payload.get("status") if event.type.startswith("order.") else None
    label = STATUS_LABELS.get(status or "") or event.type.split(".", 1)[-1].replace("_", " ")
    open_units = event.payload.get("open_units")
    suffix = f" ({open_units} unit(s) waiting)" if open_units else ""
    return label.capitalize() + suffix


STATUS_LABELS = dict(OrderStatus.choices)


def _reasons(order: Order, lines: list[OrderLine]) -> list[LineView]:
    """Why each line still waits: units given up short at the pick face, or not enough free
    stock in the shipping warehouse to reserve (a backorder)."""
    free = inventory_selectors.available_to_promise(
        order.warehouse, [line.product_id for line in lines]
    )
    views = []
    for line in lines:
        waiting = line.open_qty if order.status not in CLOSED else 0
        reason = ""
        if line.short_qty:
            reason = f"{line.short_qty} unit(s) short at picking; the warehouse is checking."
        if waiting and order.status in (
            OrderStatus.BACKORDERED,
            OrderStatus.PARTIALLY_ALLOCATED,
        ):
            reason = (
                f"Backordered: {waiting} unit(s) wait for stock; "
                f"{free.get(line.product_id, 0)} free in {order.warehouse.code} now."
            )
        views.append(LineView(line=line, waiting=waiting, reason=reason))
    return views


def order_page(order: Order) -> OrderPage:
    """Everything the portal's order page shows, in a fixed handful of queries."""
    lines = list(picking_selectors.order_lines(order))
    timeline = [
        Step(label=_step_label(event), at=event.created_at)
        for event in picking_selectors.order_events(order)
        if event.type.startswith(("order.", "shipment."))
    ]
    shipments = {s.carton_id: s for s in shipping_selectors.order_shipments(order)}
    cartons = []
    for carton in shipping_selectors.order_cartons(order):
        shipment = shipments.get(carton.pk)
        url = tracking_url(shipment.carrier, shipment.tracking_code) if shipment else ""
        cartons.append(CartonView(carton=carton, shipment=shipment, tracking_url=url))
    return OrderPage(
        order=order,
        lines=_reasons(order, lines),
        timeline=timeline,
        cartons=cartons,
        cancellable=order.status in CANCELLABLE,
    )
