"""The client's reports: stock on a chosen date, rebuilt from the ledger (not the balance cache,
which only knows now), shipments in a period and receipts in a period. Each is rows of plain
values, so the page and the CSV show the same thing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from inventory import selectors as inventory_selectors
from receiving import selectors as receiving_selectors
from shipping import selectors as shipping_selectors
from shipping.models import ShipmentStatus

if TYPE_CHECKING:
    from wms.accounts.models import User

Row = tuple[object, ...]

STOCK_HEADER = ("sku", "name", "on_hand")
SHIPMENTS_HEADER = ("shipped_at", "order", "carton", "units", "carrier", "service", "tracking")
RECEIPTS_HEADER = ("received_at", "asn", "sku", "lot", "quantity", "status")

# A move's effect on the building's on-hand: in from a virtual location (supplier, adjustment),
# out to one (customer, scrap); moves inside the building change nothing.
SIGNED = Case(
    When(Q(from_location__is_virtual=True) & Q(to_location__is_virtual=False), then=F("quantity")),
    When(Q(from_location__is_virtual=False) & Q(to_location__is_virtual=True), then=-F("quantity")),
    default=Value(0),
    output_field=IntegerField(),
)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def stock_on(user: User, day: dt.date) -> list[Row]:
    """Per SKU, the on-hand at the end of `day` (local time), summed from every ledger move
    before then: SKUs that held stock then, by SKU."""
    moves = inventory_selectors.stock_moves_for_user(
        user, inventory_selectors.MoveFilters(until=_start_of(day + dt.timedelta(days=1)))
    )
    rows = (
        moves.order_by()
        .values("product__sku", "product__name")
        .annotate(on_hand=Sum(SIGNED))
        .filter(on_hand__gt=0)
        .order_by("product__sku")
    )
    return [(r["product__sku"], r["product__name"], r["on_hand"]) for r in rows]


def shipments_between(user: User, first: dt.date, last: dt.date) -> list[Row]:
    """Cartons shipped from `first` to `last` (local days, both included), oldest first."""
    rows = (
        shipping_selectors.shipments_for_user(user, status=ShipmentStatus.SHIPPED)
        .filter(
            shipped_at__gte=_start_of(first), shipped_at__lt=_start_of(last + dt.timedelta(days=1))
        )
        .annotate(units=Sum("carton__lines__quantity"))
        .order_by("shipped_at", "pk")
    )
    return [
        (
            timezone.localtime(s.shipped_at).strftime("%Y-%m-%d %H:%M") if s.shipped_at else "",
            s.order.reference,
            s.carton.number,
            s.units or 0,
            s.carrier,
            s.service,
            s.tracking_code,
        )
        for s in rows
    ]


def receipts_between(user: User, first: dt.date, last: dt.date) -> list[Row]:
    """Units received from `first` to `last` (local days, both included), oldest first; no
    bins or LPNs."""
    rows = receiving_selectors.receipt_history(user, date_from=first, date_to=last).order_by(
        "created_at", "pk"
    )
    return [
        (
            timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
            r.asn.reference if r.asn else "",
            r.product.sku,
            r.lot.number if r.lot else "",
            r.quantity,
            r.get_status_display(),
        )
        for r in rows
    ]
