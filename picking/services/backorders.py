"""Backorders retry themselves: orders waiting for stock are allocated again once stock they
need is free in a pickable place of their warehouse (run every few minutes by beat)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef

from inventory import selectors as inventory_selectors
from picking.models import Order, OrderLine, OrderStatus
from picking.services.allocation import AllocationResult, allocate_orders

if TYPE_CHECKING:
    from wms.accounts.models import User

WAITING = (OrderStatus.BACKORDERED, OrderStatus.PARTIALLY_ALLOCATED)
BATCH = 500


def orders_with_stock_now(limit: int = BATCH) -> list[int]:
    """Waiting orders with at least one open line whose product has free, available stock in a
    pickable, unblocked location of the order's warehouse; most urgent first."""
    free_stock = inventory_selectors.allocatable_free_stock(
        product_id=OuterRef("product_id"), warehouse_id=OuterRef("order__warehouse_id")
    )
    lines = OrderLine.objects.filter(order_id=OuterRef("pk")).annotate(
        waiting=F("quantity") - F("allocated_qty") - F("picked_qty") - F("short_qty")
    )
    ready = lines.filter(waiting__gt=0).filter(Exists(free_stock))
    return list(
        Order.objects.filter(status__in=WAITING)
        .filter(Exists(ready))
        .order_by("priority", "ship_by", "created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def retry_backorders(*, user: User | None = None) -> AllocationResult:
    """Allocates waiting orders that stock has arrived for, in one set-based allocation."""
    ids = orders_with_stock_now()
    if not ids:
        return AllocationResult()
    return allocate_orders(order_ids=ids, user=user)
