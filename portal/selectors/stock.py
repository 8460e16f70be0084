"""The client's stock as the portal shows it: per SKU (on-hand, allocated, available, on hold or
damaged, inbound on open ASNs, lots and the earliest expiry), and a SKU's history as a client may
see it (what entered or left the building and status changes, never bins or LPNs). Every read
starts from the user's own products (inventory.selectors), so another client's SKU is not there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from inventory import selectors as inventory_selectors
from inventory.models import Balance, InventoryStatus, Product, Reason, StockMove
from receiving.models import AsnLine, AsnStatus

if TYPE_CHECKING:
    from wms.accounts.models import User

# ASNs whose goods are still to come: announced and not yet closed.
OPEN_ASN_STATUSES = (AsnStatus.EXPECTED, AsnStatus.RECEIVING)

STOCK_FILTERS = [
    ("", "Every SKU"),
    ("in_stock", "In stock"),
    ("out_of_stock", "Out of stock"),
    ("held", "On hold or damaged"),
    ("inbound", "Inbound"),
]
SORTS: dict[str, tuple[Any, ...]] = {
    "sku": ("sku", "pk"),
    "-sku": ("-sku", "-pk"),
    "name": ("name", "pk"),
    "on_hand": ("on_hand", "sku"),
    "-on_hand": ("-on_hand", "sku"),
    "available": ("available", "sku"),
    "-available": ("-available", "sku"),
    "inbound": ("inbound", "sku"),
    "-inbound": ("-inbound", "sku"),
    "expiry": (F("earliest_expiry").asc(nulls_last=True), "sku"),
}
SORT_CHOICES = [
    ("sku", "SKU A to Z"),
    ("-sku", "SKU Z to A"),
    ("name", "Name"),
    ("-on_hand", "Most on hand"),
    ("on_hand", "Least on hand"),
    ("-available", "Most available"),
    ("available", "Least available"),
    ("-inbound", "Most inbound"),
    ("expiry", "Earliest expiry"),
]


def _balance_sum(expression: Any, **where: Any) -> Coalesce:
    """One correlated sum over the product's balances (the balance cache, never the ledger)."""
    rows = (
        Balance.objects.filter(product=OuterRef("pk"), **where)
        .order_by()
        .values("product")
        .annotate(total=Sum(expression))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _inbound() -> Coalesce:
    rows = (
        AsnLine.objects.filter(product=OuterRef("pk"), asn__status__in=OPEN_ASN_STATUSES)
        .order_by()
        .values("product")
        .annotate(total=Sum(Greatest(F("expected_qty") - F("received_qty"), Value(0))))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _lots() -> tuple[Coalesce, Subquery]:
    stocked = Balance.objects.filter(product=OuterRef("pk"), on_hand__gt=0, lot__isnull=False)
    count = stocked.order_by().values("product").annotate(n=Count("lot", distinct=True)).values("n")
    expiry = stocked.order_by().values("product").annotate(e=Min("lot__expiry_date")).values("e")
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0)), Subquery(expiry)


def sku_inventory(
    user: User, *, query: str = "", stock: str = "", sort: str = "sku"
) -> QuerySet[Product]:
    """The user's SKUs, each with `on_hand`, `allocated`, `available` (free stock in available
    status), `held` (on hold, damaged or in quarantine), `inbound` (still to come on open ASNs),
    `lot_count` and `earliest_expiry` of the lots in stock. `query` matches part of a SKU or name
    or a whole barcode."""
    lot_count, earliest_expiry = _lots()
    rows = inventory_selectors.search_products(user, query=query).annotate(
        on_hand=_balance_sum(F("on_hand")),
        allocated=_balance_sum(F("allocated")),
        available=_balance_sum(F("on_hand") - F("allocated"), status=InventoryStatus.AVAILABLE),
        held=_balance_sum(F("on_hand"), status__in=HELD_STATUSES),
        inbound=_inbound(),
        lot_count=lot_count,
        earliest_expiry=earliest_expiry,
    )
    if stock == "in_stock":
        rows = rows.filter(on_hand__gt=0)
    elif stock == "out_of_stock":
        rows = rows.filter(on_hand=0)
    elif stock == "held":
        rows = rows.filter(held__gt=0)
    elif stock == "inbound":
        rows = rows.filter(inbound__gt=0)
    return rows.order_by(*SORTS.get(sort, SORTS["sku"]))


HELD_STATUSES = (InventoryStatus.HOLD, InventoryStatus.DAMAGED, InventoryStatus.QUARANTINE)


def get_sku_for_user(user: User, pk: int) -> Product | None:
    """One of the user's SKUs with the list's figures; None for anyone else's."""
    return sku_inventory(user).filter(pk=pk).first()


@dataclass(frozen=True)
class LotRow:
    lot_number: str
    expiry_date: dt.date | None
    status: str
    on_hand: int
    allocated: int


def sku_lots(product: Product) -> list[LotRow]:
    """The SKU's stock by lot and status, summed over every bin and LPN (which stay the
    warehouse's business)."""
    rows = (
        Balance.objects.filter(product=product, on_hand__gt=0)
        .values("lot__number", "lot__expiry_date", "status")
        .annotate(on_hand=Sum("on_hand"), allocated=Sum("allocated"))
        .order_by(F("lot__expiry_date").asc(nulls_last=True), "lot__number", "status")
    )
    labels = dict(InventoryStatus.choices)
    return [
        LotRow(
            lot_number=row["lot__number"] or "",
            expiry_date=row["lot__expiry_date"],
            status=labels.get(row["status"], row["status"]),
            on_hand=row["on_hand"],
            allocated=row["allocated"],
        )
        for row in rows
    ]


# What a client sees of the ledger: stock entering or leaving the building, and changes of
# status (hold, damage). Moves inside the building (putaway, replenishment, picks to a tote,
# packing) name bins and LPNs and change nothing the client owns, so they are left out.
CLIENT_VISIBLE = (
    Q(from_location__is_virtual=True)
    | Q(to_location__is_virtual=True)
    | ~Q(from_status=F("to_status"))
)


def sku_history(user: User, product: Product) -> QuerySet[StockMove]:
    """The SKU's client-visible moves, newest first, each with `signed` (its effect on the
    building's on-hand): receipts, shipments, adjustments and counts with their reason code,
    returns, and status changes. Scoped by the user's client through the ledger's selector."""
    moves = inventory_selectors.stock_moves_for_user(
        user, inventory_selectors.MoveFilters(product_id=product.pk)
    )
    signed = Case(
        When(
            Q(from_location__is_virtual=True) & Q(to_location__is_virtual=False),
            then=F("quantity"),
        ),
        When(
            Q(from_location__is_virtual=False) & Q(to_location__is_virtual=True),
            then=-F("quantity"),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return moves.filter(CLIENT_VISIBLE).annotate(signed=signed)


REASON_LABELS = dict(Reason.choices)
