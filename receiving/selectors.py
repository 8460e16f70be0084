"""Reads for receiving: ASNs in a user's scope with their progress, a client's policy, the dock
to receive into, what a scanned code names, and the close-out discrepancy report (as rows
and as CSV)."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone

from inventory.models import (
    Client,
    InventoryStatus,
    Location,
    LocationKind,
    Lpn,
    Product,
    Warehouse,
)
from inventory.selectors import scope_by_user
from receiving.models import (
    ACTIVE_PUTAWAY,
    OPEN_FOR_RECEIVING,
    Asn,
    AsnLine,
    PutawaySettings,
    PutawayStatus,
    PutawayTask,
    Receipt,
    ReceivingPolicy,
)
from receiving.putaway import STRATEGIES, PutawayPolicy
from wms.accounts.models import Role

if TYPE_CHECKING:
    from wms.accounts.models import User


def asns_for_user(
    user: User,
    *,
    client_code: str = "",
    warehouse_code: str = "",
    status: str = "",
    reference: str = "",
) -> QuerySet[Asn]:
    """ASNs in the user's scope (a client user: their client's; an operator: their warehouses'),
    newest first, with their lines and products loaded."""
    rows = (
        _scoped_asns(user)
        .select_related("client", "warehouse", "dock_door")
        .prefetch_related(
            Prefetch("lines", queryset=AsnLine.objects.select_related("product").order_by("pk"))
        )
    )
    if client_code:
        rows = rows.filter(client__code__iexact=client_code.strip())
    if warehouse_code:
        rows = rows.filter(warehouse__code__iexact=warehouse_code.strip())
    if status:
        rows = rows.filter(status=status)
    if reference:
        rows = rows.filter(reference=reference.strip())
    return rows.order_by("-created_at", "-pk")


def find_location_in(warehouse: Warehouse, code: str) -> Location | None:
    """A location of the warehouse by code, for an ASN's dock door. Not user-scoped: whoever may
    send ASNs into the warehouse (a client user too) may name its dock."""
    return Location.objects.filter(warehouse=warehouse, code=code.strip()).first()


def asn_exists(client: Client, reference: str) -> bool:
    return Asn.objects.filter(client=client, reference=reference.strip()).exists()


def policy_for(client: Client) -> ReceivingPolicy:
    """The client's receiving policy; an unsaved default (no tolerance, no unexpected goods) when
    none was set."""
    return ReceivingPolicy.objects.filter(client=client).first() or ReceivingPolicy(client=client)


def dock_location_for(warehouse: Warehouse, dock_door: Location | None = None) -> Location | None:
    """Where receipts land: the ASN's dock door if it has one, else the warehouse's first dock
    location (walking order, then code) that is not blocked."""
    if dock_door is not None:
        return dock_door
    return (
        Location.objects.filter(warehouse=warehouse, kind=LocationKind.DOCK, is_blocked=False)
        .order_by("pick_sequence", "code", "pk")
        .first()
    )


@dataclass(frozen=True)
class DiscrepancyRow:
    """Expected against received for one ASN line (or one unexpected product, line_id None).
    `received` includes damaged units; `short` and `over` compare it with `expected`."""

    line_id: int | None
    sku: str
    lot_number: str
    expected: int
    received: int
    damaged: int
    short: int
    over: int
    unexpected: bool


def discrepancy_report(asn: Asn) -> list[DiscrepancyRow]:
    """One row per ASN line in line order, then one per unexpected product received against it.
    Read from the line counters, which receiving.services keep under the line's row lock."""
    rows = [
        DiscrepancyRow(
            line_id=line.pk,
            sku=line.product.sku,
            lot_number=line.lot_number,
            expected=line.expected_qty,
            received=line.received_qty,
            damaged=line.damaged_qty,
            short=max(line.expected_qty - line.received_qty, 0),
            over=max(line.received_qty - line.expected_qty, 0),
            unexpected=False,
        )
        for line in asn.lines.select_related("product").order_by("pk")
    ]
    unexpected = (
        Receipt.objects.filter(asn=asn, line__isnull=True)
        .values("product__sku", "status")
        .annotate(total=Sum("quantity"))
        .order_by("product__sku", "status")
    )
    per_sku: dict[str, list[int]] = {}
    for row in unexpected:
        received_and_damaged = per_sku.setdefault(row["product__sku"], [0, 0])
        received_and_damaged[0] += row["total"]
        if row["status"] == InventoryStatus.DAMAGED:
            received_and_damaged[1] += row["total"]
    for sku, (received, damaged) in per_sku.items():
        rows.append(
            DiscrepancyRow(
                line_id=None,
                sku=sku,
                lot_number="",
                expected=0,
                received=received,
                damaged=damaged,
                short=0,
                over=received,
                unexpected=True,
            )
        )
    return rows


def discrepancy_as_dicts(rows: list[DiscrepancyRow]) -> list[dict[str, object]]:
    return [asdict(row) for row in rows]


CSV_COLUMNS = (
    "sku",
    "lot_number",
    "expected",
    "received",
    "damaged",
    "short",
    "over",
    "unexpected",
)


def discrepancy_csv(asn: Asn) -> str:
    """The discrepancy report as CSV text (header row first), for download or ERP import."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in discrepancy_report(asn):
        values = asdict(row)
        writer.writerow(
            [
                "yes" if values[c] is True else "no" if values[c] is False else values[c]
                for c in CSV_COLUMNS
            ]
        )
    return out.getvalue()


# --- ASNs for pages ----------------------------------------------------------------------------


def _scoped_asns(user: User) -> QuerySet[Asn]:
    return scope_by_user(Asn.objects.all(), user)


def _with_progress(rows: QuerySet[Asn]) -> QuerySet[Asn]:
    # Both sums come from one GROUP BY over the lines, in the same query as the ASNs.
    return rows.select_related("client", "warehouse").annotate(
        expected_total=Coalesce(Sum("lines__expected_qty"), 0),
        received_total=Coalesce(Sum("lines__received_qty"), 0),
    )


def search_asns(
    user: User,
    *,
    query: str = "",
    client: Client | None = None,
    warehouse: Warehouse | None = None,
    status: str = "",
) -> QuerySet[Asn]:
    """ASNs in the user's scope (an operator's warehouses, a client user's client), newest first,
    each with `expected_total` and `received_total` over its lines, in one query."""
    rows = _scoped_asns(user)
    if query:
        rows = rows.filter(reference__icontains=query)
    if client is not None:
        rows = rows.filter(client=client)
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if status:
        rows = rows.filter(status=status)
    return _with_progress(rows).order_by("-created_at", "-pk")


def get_asn_for_user(user: User, pk: int) -> Asn | None:
    """One ASN in the user's scope, with its progress totals; None when out of scope."""
    return _with_progress(_scoped_asns(user).filter(pk=pk)).first()


def asn_lines(asn: Asn) -> QuerySet[AsnLine]:
    """The ASN's lines in order, with their products."""
    return asn.lines.select_related("product").order_by("pk")


def asn_receipts(asn: Asn) -> QuerySet[Receipt]:
    """Every receipt against the ASN, newest first, with what the history table shows."""
    return (
        Receipt.objects.filter(asn=asn)
        .select_related("product", "lot", "lpn", "location", "user")
        .order_by("-created_at", "-pk")
    )


def floor_asns(user: User, warehouse: Warehouse) -> QuerySet[Asn]:
    """What the handheld offers in a warehouse today: ASNs open for receiving that are due today
    or earlier (or carry no date), and any already being received, oldest due first."""
    today = timezone.localdate()
    due = Q(expected_date__isnull=True) | Q(expected_date__lte=today) | Q(status="receiving")
    rows = _scoped_asns(user).filter(warehouse=warehouse, status__in=OPEN_FOR_RECEIVING)
    return _with_progress(rows.filter(due)).order_by("expected_date", "reference", "pk")


def find_floor_asn(user: User, warehouse: Warehouse, reference: str) -> Asn | None:
    """The open ASN with this reference (any case) in the warehouse, if there is exactly one."""
    rows = _scoped_asns(user).filter(
        warehouse=warehouse, status__in=OPEN_FOR_RECEIVING, reference__iexact=reference.strip()
    )
    found = list(rows[:2])
    return found[0] if len(found) == 1 else None


def get_floor_asn(user: User, pk: int) -> Asn | None:
    """An ASN the user may receive against on the handheld (in scope), with its progress."""
    return get_asn_for_user(user, pk)


def receiving_lpn(warehouse_id: int, pk: int | None) -> Lpn | None:
    """The LPN remembered for a receive page (with or without an ASN), if it is still in the
    warehouse received into and at a dock or not yet placed; one that was put away starts a new
    LPN instead."""
    if not pk:
        return None
    return (
        Lpn.objects.filter(pk=pk, warehouse_id=warehouse_id)
        .filter(Q(location__isnull=True) | Q(location__kind=LocationKind.DOCK))
        .first()
    )


def products_by_sku(client: Client, skus: list[str]) -> dict[str, Product]:
    """The client's products among these SKUs, keyed by upper-cased SKU (SKUs match any case)."""
    wanted = {sku.upper() for sku in skus if sku}
    found: dict[str, Product] = {}
    rows = Product.objects.annotate(sku_upper=Upper("sku")).filter(
        client=client, sku_upper__in=wanted
    )
    for product in rows.order_by("pk"):
        found.setdefault(product.sku.upper(), product)
    return found


def line_after_receipt(receipt: Receipt) -> AsnLine | None:
    """The receipt's ASN line as it stands now (its counters include the receipt)."""
    if receipt.line_id is None:
        return None
    return AsnLine.objects.select_related("product").filter(pk=receipt.line_id).first()


# --- Putaway tasks -----------------------------------------------------------------------------

_TASK_RELATED = (
    "warehouse",
    "lpn",
    "product",
    "lot",
    "from_location",
    "proposed_location",
    "confirmed_location",
    "assigned_to",
)


def putaway_tasks_for_user(user: User) -> QuerySet[PutawayTask]:
    """Tasks in the user's warehouses, oldest first. Client users see none: putaway is floor
    work, not a client's document."""
    if user.role == Role.CLIENT:
        return PutawayTask.objects.none()
    rows = PutawayTask.objects.select_related(*_TASK_RELATED).order_by("created_at", "pk")
    return scope_by_user(rows, user)


def get_putaway_task_for_user(user: User, pk: int) -> PutawayTask | None:
    return putaway_tasks_for_user(user).filter(pk=pk).first()


def putaway_queue(user: User, warehouse: Warehouse) -> QuerySet[PutawayTask]:
    """The handheld queue: the warehouse's open tasks and the user's own in-progress ones."""
    return putaway_tasks_for_user(user).filter(
        Q(status=PutawayStatus.OPEN) | Q(status=PutawayStatus.IN_PROGRESS, assigned_to_id=user.pk),
        warehouse=warehouse,
    )


def active_putaway_for_lpn(user: User, lpn: Lpn) -> PutawayTask | None:
    return putaway_tasks_for_user(user).filter(lpn=lpn, status__in=ACTIVE_PUTAWAY).first()


def search_putaway_tasks(
    user: User, *, warehouse_id: int | None = None, warehouse_code: str = "", status: str = ""
) -> QuerySet[PutawayTask]:
    """The desktop queue (and the API's list): every task in scope, filtered by warehouse (pk or
    code) and status."""
    rows = putaway_tasks_for_user(user)
    if warehouse_id:
        rows = rows.filter(warehouse_id=warehouse_id)
    if warehouse_code:
        rows = rows.filter(warehouse__code__iexact=warehouse_code.strip())
    if status:
        rows = rows.filter(status=status)
    return rows


# --- Labels and history ------------------------------------------------------------------------


def location_range(
    warehouse: Warehouse, *, zone: Any = None, code_from: str = "", code_to: str = ""
) -> QuerySet[Location]:
    """The real (not virtual) locations of a warehouse for bulk bin labels, ordered by code: in
    `zone` when given, with codes from `code_from` to `code_to` inclusive (either end open)."""
    rows = Location.objects.filter(warehouse=warehouse, is_virtual=False).select_related(
        "warehouse"
    )
    if zone is not None:
        rows = rows.filter(zone=zone)
    if code_from:
        rows = rows.filter(code__gte=code_from)
    if code_to:
        rows = rows.filter(code__lte=code_to)
    return rows.order_by("code", "pk")


def receipt_history(
    user: User,
    *,
    warehouse: Warehouse | None = None,
    client: Client | None = None,
    date_from: Any = None,
    date_to: Any = None,
    sku: str = "",
    reference: str = "",
) -> QuerySet[Receipt]:
    """Receipts in the user's scope across ASNs (and blind ones), newest first, with everything
    the history table shows joined in one query. Dates are local days, both ends inclusive;
    `sku` and `reference` match whole values, any case."""
    rows = scope_by_user(Receipt.objects.all(), user)
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if client is not None:
        rows = rows.filter(client=client)
    if date_from is not None:
        rows = rows.filter(created_at__date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(created_at__date__lte=date_to)
    if sku:
        rows = rows.filter(product__sku__iexact=sku.strip())
    if reference:
        rows = rows.filter(asn__reference__iexact=reference.strip())
    return rows.select_related(
        "asn", "client", "warehouse", "product", "lot", "lpn", "location", "user"
    ).order_by("-created_at", "-pk")


# --- Putaway settings ---------------------------------------------------------------------------


def putaway_settings_for(warehouse_id: int) -> PutawaySettings | None:
    return PutawaySettings.objects.filter(warehouse_id=warehouse_id).first()


def putaway_policy_for(warehouse_id: int) -> PutawayPolicy:
    """The engine's policy for a warehouse: its saved settings, or the engine's defaults when
    none are saved. A stored strategy name the engine no longer knows is skipped (and when none
    is left, the default order applies) rather than stopping all putaway."""
    saved = putaway_settings_for(warehouse_id)
    if saved is None:
        return PutawayPolicy()
    names = tuple(dict.fromkeys(name for name in saved.strategies if name in STRATEGIES))
    return PutawayPolicy(
        strategies=names or STRATEGIES,
        one_client_per_location=saved.one_client_per_location,
        one_product_per_location=saved.one_product_per_location,
        one_lot_per_location=saved.one_lot_per_location,
    )
