"""The portal's home page: the client's figures at a glance, each one the head of a list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from billing import selectors as billing_selectors
from inventory import selectors as inventory_selectors
from inventory.models import Balance, Client
from picking import selectors as picking_selectors
from picking.models import Order, OrderStatus
from receiving import selectors as receiving_selectors
from receiving.models import AsnStatus
from shipping import selectors as shipping_selectors
from shipping.models import ShipmentStatus
from wms.permissions import client_id_of

if TYPE_CHECKING:
    from billing.selectors import Accrued
    from wms.accounts.models import User

CLOSED_ORDER_STATUSES = (OrderStatus.SHIPPED, OrderStatus.CANCELLED)
ANNOUNCED_ASN_STATUSES = (AsnStatus.DRAFT, AsnStatus.EXPECTED, AsnStatus.RECEIVING)


@dataclass
class Home:
    client: Client
    on_hand_units: int = 0
    skus_in_stock: int = 0
    open_orders: list[tuple[str, str, int]] = field(default_factory=list)
    open_orders_total: int = 0
    shipped_today: int = 0
    late: int = 0
    asns_this_week: int = 0
    week_start: dt.date | None = None
    week_end: dt.date | None = None
    accrued: Accrued | None = None


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the day's week."""
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def late_orders(user: User, today: dt.date) -> QuerySet[Order]:
    """Open orders whose ship-by date has passed."""
    return (
        picking_selectors.orders_for_user(user)
        .exclude(status__in=CLOSED_ORDER_STATUSES)
        .filter(ship_by__lt=today)
    )


def home(user: User) -> Home:
    """The client user's figures: stock, open orders by status, shipped today, late, ASNs due
    this week, and the charges accrued in the open billing period. A fixed handful of queries."""
    client = Client.objects.get(pk=client_id_of(user))
    today = timezone.localdate()
    result = Home(client=client)
    stock = inventory_selectors.scope_by_user(
        Balance.objects.filter(on_hand__gt=0), user
    ).aggregate(units=Sum("on_hand"), skus=Count("product", distinct=True))
    result.on_hand_units = stock["units"] or 0
    result.skus_in_stock = stock["skus"]
    labels = dict(OrderStatus.choices)
    by_status = dict(
        picking_selectors.orders_for_user(user)
        .exclude(status__in=CLOSED_ORDER_STATUSES)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    result.open_orders = [
        (status, labels[status], by_status[status])
        for status in OrderStatus.values
        if by_status.get(status)
    ]
    result.open_orders_total = sum(by_status.values())
    result.shipped_today = (
        shipping_selectors.shipments_for_user(user, status=ShipmentStatus.SHIPPED)
        .filter(shipped_at__date=today)
        .values("order_id")
        .distinct()
        .count()
    )
    result.late = late_orders(user, today).count()
    result.week_start, result.week_end = week_of(today)
    result.asns_this_week = (
        receiving_selectors.search_asns(user)
        .filter(
            status__in=ANNOUNCED_ASN_STATUSES,
            expected_date__range=(result.week_start, result.week_end),
        )
        .count()
    )
    period = billing_selectors.current_period(client, today)
    result.accrued = billing_selectors.accrued_for_client(client, period)
    return result
