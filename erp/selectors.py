"""ERP sync's reads: what a push sends (received, shipped, invoiced, read from the floor's and
billing's records), our on-hand for reconciliation, and the pages' lists, scoped to the user."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum

from billing.models import Invoice
from billing.selectors import invoice_summary
from erp.adapters.base import InvoiceLineToPost, InvoiceToPost
from erp.models import (
    ConnectionScope,
    ErpConnection,
    ErpLink,
    ReconciliationRun,
    SyncRecord,
    SyncState,
)
from inventory.models import Balance, Warehouse
from shipping.models import CartonLine, CartonStatus, Shipment, ShipmentStatus

if TYPE_CHECKING:
    from wms.accounts.models import User


def shipped_by_sku(order_id: int) -> dict[str, int]:
    """Units of each SKU in the order's shipped cartons."""
    rows = (
        CartonLine.objects.filter(carton__order_id=order_id, carton__status=CartonStatus.SHIPPED)
        .values("product__sku")
        .annotate(units=Sum("quantity"))
    )
    return {row["product__sku"]: int(row["units"]) for row in rows}


def tracking_codes(order_id: int) -> list[str]:
    codes = Shipment.objects.filter(order_id=order_id, status=ShipmentStatus.SHIPPED).order_by("pk")
    return [code for code in codes.values_list("tracking_code", flat=True) if code]


def invoice_to_post(invoice_id: int) -> InvoiceToPost:
    """A finalised invoice as the books receive it: one line per rule and unit price."""
    invoice = Invoice.objects.select_related("client", "period").get(pk=invoice_id)
    lines = tuple(
        InvoiceLineToPost(
            kind=row.kind,
            description=row.description,
            quantity=row.quantity,
            unit_price=row.unit_price,
            amount=row.amount,
        )
        for row in invoice_summary(invoice)
    )
    return InvoiceToPost(
        reference=f"WMS-{invoice.number_text}",
        number=invoice.number_text,
        client_code=invoice.client.code,
        client_name=invoice.client_name or invoice.client.name,
        currency=invoice.currency,
        issue_date=invoice.issue_date,
        lines=lines,
        subtotal=invoice.subtotal,
        tax=invoice.tax_amount,
        total=invoice.total,
    )


def on_hand_by_sku(client_id: int, warehouse_codes: list[str]) -> dict[str, int]:
    """Our physical on-hand of the client's SKUs over the warehouses named."""
    rows = (
        Balance.objects.filter(
            product__client_id=client_id, location__warehouse__code__in=warehouse_codes
        )
        .values("product__sku")
        .annotate(units=Sum("on_hand"))
    )
    return {row["product__sku"]: int(row["units"] or 0) for row in rows}


# --- pages ----------------------------------------------------------------------------------------


def connections_for_user(user: User) -> QuerySet[ErpConnection]:
    """Managers and admins see every connection (ERP sync is theirs); nobody else any."""
    if not user.has_perm("erp.manage_erp"):
        return ErpConnection.objects.none()
    return ErpConnection.objects.select_related("client").annotate(
        failures=Count("records", filter=Q(records__state=SyncState.FAILED))
    )


def get_connection_for_user(user: User, pk: int) -> ErpConnection | None:
    return connections_for_user(user).filter(pk=pk).first()


@dataclass(frozen=True)
class RecordFilters:
    connection_id: int | None = None
    state: str = ""
    direction: str = ""
    kind: str = ""
    query: str = ""


def records_for_user(user: User, filters: RecordFilters | None = None) -> QuerySet[SyncRecord]:
    rows = SyncRecord.objects.select_related("connection").filter(
        connection__in=connections_for_user(user)
    )
    f = filters or RecordFilters()
    if f.connection_id:
        rows = rows.filter(connection_id=f.connection_id)
    if f.state:
        rows = rows.filter(state=f.state)
    if f.direction:
        rows = rows.filter(direction=f.direction)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.query:
        rows = rows.filter(
            Q(reference__icontains=f.query)
            | Q(erp_number__icontains=f.query)
            | Q(message__icontains=f.query)
        )
    return rows.order_by("-created_at", "-pk")


def get_record_for_user(user: User, pk: int) -> SyncRecord | None:
    return records_for_user(user).filter(pk=pk).first()


def links_for_connection(connection: ErpConnection) -> QuerySet[ErpLink]:
    return ErpLink.objects.filter(connection=connection).order_by("-updated_at", "-pk")


def reconciliations_for_user(
    user: User, connection_id: int | None = None
) -> QuerySet[ReconciliationRun]:
    rows = ReconciliationRun.objects.select_related("connection", "client").filter(
        connection__in=connections_for_user(user)
    )
    if connection_id:
        rows = rows.filter(connection_id=connection_id)
    return rows.order_by("-started_at", "-pk")


def get_reconciliation_for_user(user: User, pk: int) -> ReconciliationRun | None:
    return reconciliations_for_user(user).filter(pk=pk).first()


def failing_connections(user: User) -> list[tuple[ErpConnection, int]]:
    """Connections with failed sync rows, and how many: the managers' home shows them."""
    counts = failures_by_connection()
    rows = connections_for_user(user).filter(pk__in=list(counts)).order_by("name")
    return [(connection, counts[connection.pk]) for connection in rows]


def failures_by_connection() -> dict[int, int]:
    rows = SyncRecord.objects.filter(state=SyncState.FAILED).values("connection_id")
    counts: dict[int, int] = defaultdict(int)
    for row in rows.annotate(n=Count("pk")):
        counts[row["connection_id"]] += int(row["n"])
    return dict(counts)


def warehouses_mapped(connection: ErpConnection) -> list[Warehouse]:
    return list(Warehouse.objects.filter(code__in=connection.warehouse_map.values()))


def client_connections() -> QuerySet[ErpConnection]:
    return ErpConnection.objects.filter(scope=ConnectionScope.CLIENT, is_enabled=True)
