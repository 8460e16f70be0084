"""Pulling a client's ERP: confirmed purchase orders become ASNs (through receiving's services),
confirmed sales orders become orders (through picking's), incrementally from the connection's
cursor, by a beat task and on demand.

The ERP is read first, outside any transaction; then each document is applied in a transaction
of its own, so one bad document fails alone and nothing of it is half-written. Idempotent: the
ERP's id is kept in an ErpLink with the content last applied, so a repeat pull changes nothing;
a changed or cancelled document is applied while the warehouse allows it (an ASN before its
first receipt, an order before allocation; a cancel until packed) and flagged on the link and
in the sync log (failed, with the reason) when it no longer can."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from erp.adapters.base import ErpDocument
from erp.adapters.registry import adapter_for
from erp.exceptions import ErpError, ErpRefused
from erp.models import (
    ConnectionScope,
    Direction,
    DocumentType,
    ErpConnection,
    ErpLink,
    SyncKind,
    SyncRecord,
    SyncState,
    UnknownSkuPolicy,
)
from inventory.models import Product, Warehouse
from inventory.services.master import create_product
from picking.models import Order, OrderStatus, ServiceLevel
from picking.services.orders import OrderLineSpec, ShipTo, cancel_order, create_order, revise_order
from receiving.models import Asn, AsnStatus
from receiving.services.asn import AsnLineSpec, cancel_asn, create_asn, mark_expected, revise_asn
from wms.exceptions import DomainError

logger = logging.getLogger(__name__)


@dataclass
class PullSummary:
    """What one pull did, per outcome: created, updated, cancelled, flagged, failed; unchanged
    documents are counted, never logged."""

    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1

    @property
    def message(self) -> str:
        parts = [f"{n} {outcome}" for outcome, n in sorted(self.counts.items()) if n]
        text = ", ".join(parts) or "nothing new"
        return f"{text}; {self.error}" if self.error else text


def pull(*, connection_id: int) -> PullSummary:
    """Reads the purchases and sales written in the ERP since the connection's cursors and
    applies each; moves each cursor only once its documents are applied. An unreachable ERP
    is reported (and the cursors kept): the floor keeps working, the next pull catches up."""
    connection = ErpConnection.objects.select_related("client").get(pk=connection_id)
    summary = PullSummary()
    if connection.scope != ConnectionScope.CLIENT or not connection.is_enabled:
        summary.error = "the connection is disabled or is not a client's ERP"
        return summary
    cursors = dict(connection.pull_cursors)
    try:
        with adapter_for(connection) as adapter:
            purchases = adapter.purchases_since(cursors.get("purchase"), limit=0)
            sales = adapter.sales_since(cursors.get("sale"), limit=0)
    except ErpError as exc:
        summary.error = exc.message
        ErpConnection.objects.filter(pk=connection_id).update(last_pull_at=timezone.now())
        return summary
    for document in purchases.documents:
        summary.add(apply_document(connection_id=connection_id, document=document))
    for document in sales.documents:
        summary.add(apply_document(connection_id=connection_id, document=document))
    cursors.update({k: v for k, v in (("purchase", purchases.cursor), ("sale", sales.cursor)) if v})
    ErpConnection.objects.filter(pk=connection_id).update(
        pull_cursors=cursors, last_pull_at=timezone.now()
    )
    return summary


def pull_one(*, record_id: int) -> str:
    """A failed inbound row tried again (the page's retry): reads its ERP document as it is now
    and applies it."""
    record = SyncRecord.objects.select_related("connection").get(pk=record_id)
    try:
        with adapter_for(record.connection) as adapter:
            read = adapter.purchase if record.kind == SyncKind.PURCHASE else adapter.sale
            document = read(int(record.erp_id or 0))
    except ErpError as exc:
        _fail(record_id, exc.message)
        return "failed"
    outcome = apply_document(
        connection_id=record.connection_id, document=document, retry_of=record_id
    )
    return outcome


def _fail(record_id: int, message: str) -> None:
    now = timezone.now()
    SyncRecord.objects.filter(pk=record_id).update(
        state=SyncState.FAILED, message=message, updated_at=now, last_attempt_at=now
    )


def apply_document(
    *, connection_id: int, document: ErpDocument, retry_of: int | None = None
) -> str:
    """Applies one ERP document in its own transaction and returns the outcome: "unchanged",
    "created", "updated", "cancelled", "flagged" or "failed" (logged with the reason). The
    connection row is locked first, so two pulls of one connection apply documents one at a
    time."""
    try:
        with transaction.atomic():
            return _apply(connection_id, document, retry_of)
    except IntegrityError:
        # A concurrent pull recorded this revision first.
        return "unchanged"


def _apply(connection_id: int, document: ErpDocument, retry_of: int | None) -> str:
    connection = (
        ErpConnection.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=connection_id)
    )
    kind = SyncKind.PURCHASE if document.erp_model.startswith("purchase") else SyncKind.SALE
    link = ErpLink.objects.filter(
        connection=connection, erp_model=document.erp_model, erp_id=document.erp_id
    ).first()
    content = document.content()
    if retry_of is None and link is not None and link.content == content:
        return "unchanged"
    if retry_of is None and link is None and document.cancelled:
        return "unchanged"  # cancelled before we ever saw it: nothing to do
    record = _record(connection, document, kind, retry_of)
    if record is None:
        return "unchanged"
    try:
        with transaction.atomic():
            if link is None:
                outcome, message = _create(connection, document, kind)
            else:
                outcome, message = _change(connection, link, document, kind)
    except (DomainError, ErpRefused) as exc:
        outcome, message = "failed", exc.message
    if outcome == "flagged" and link is not None:
        ErpLink.objects.filter(pk=link.pk).update(flag=message, updated_at=timezone.now())
    state = SyncState.DONE if outcome in ("created", "updated", "cancelled") else SyncState.FAILED
    link = ErpLink.objects.filter(
        connection=connection, erp_model=document.erp_model, erp_id=document.erp_id
    ).first()
    now = timezone.now()
    SyncRecord.objects.filter(pk=record.pk).update(
        state=state,
        message=message,
        document_type=link.document_type if link else "",
        document_id=link.document_id if link else None,
        attempts=record.attempts + 1,
        last_attempt_at=now,
        done_at=now if state == SyncState.DONE else None,
        updated_at=now,
    )
    return outcome


def _record(
    connection: ErpConnection, document: ErpDocument, kind: str, retry_of: int | None
) -> SyncRecord | None:
    if retry_of is not None:
        record = SyncRecord.objects.select_for_update().get(pk=retry_of)
        if record.state not in (SyncState.FAILED, SyncState.PENDING):
            return None
        return record
    record, created = SyncRecord.objects.get_or_create(
        connection=connection,
        direction=Direction.INBOUND,
        erp_model=document.erp_model,
        erp_id=document.erp_id,
        erp_revision=document.revision,
        defaults={
            "kind": kind,
            "erp_number": document.number,
            "reference": document.number,
            "state": SyncState.PENDING,
        },
    )
    return record if created else None


def _warehouse(connection: ErpConnection, document: ErpDocument) -> Warehouse:
    code = connection.mapped_warehouse_code(document.warehouse_code)
    warehouse = Warehouse.objects.filter(code=code).first() if code else None
    if warehouse is None:
        raise ErpRefused(
            f"{_label(document)} is for ERP warehouse {document.warehouse_code or '(none)'}, "
            "which is not mapped to one of ours: map it on the connection, then retry."
        )
    return warehouse


def _label(document: ErpDocument) -> str:
    what = "Purchase order" if document.erp_model.startswith("purchase") else "Sales order"
    return f"{what} {document.number}"


def _products(connection: ErpConnection, document: ErpDocument) -> dict[str, Product]:
    client = connection.client
    assert client is not None
    skus = [line.sku for line in document.lines]
    found = {p.sku: p for p in Product.objects.filter(client=client, sku__in=skus)}
    unknown = [line for line in document.lines if line.sku not in found]
    if unknown and connection.unknown_sku_policy == UnknownSkuPolicy.REPORT:
        names = ", ".join(f"{line.sku} ({line.name})" for line in unknown)
        raise ErpRefused(
            f"{_label(document)} orders SKUs {client.code} does not have here: {names}. "
            "Create them (or let the connection create them), then retry."
        )
    for line in unknown:
        found[line.sku] = create_product(client=client, sku=line.sku, name=line.name[:200])
    return found


def _check_document(document: ErpDocument) -> None:
    if document.problems:
        raise ErpRefused(f"{_label(document)}: " + " ".join(document.problems))
    if not document.lines:
        raise ErpRefused(f"{_label(document)} has no goods lines to handle.")


def _asn_lines(products: dict[str, Product], document: ErpDocument) -> list[AsnLineSpec]:
    return [
        AsnLineSpec(product=products[line.sku], expected_qty=line.quantity)
        for line in document.lines
    ]


def _order_lines(products: dict[str, Product], document: ErpDocument) -> list[OrderLineSpec]:
    return [
        OrderLineSpec(product=products[line.sku], quantity=line.quantity) for line in document.lines
    ]


def _ship_to(document: ErpDocument) -> ShipTo:
    address = document.ship_to
    if address is None or not (address.street1 and address.city and address.postal_code):
        raise ErpRefused(
            f"{_label(document)} has no complete shipment address (street, city, postal code)."
        )
    return ShipTo(
        name=address.name[:120] or "—",
        street1=address.street1[:200],
        street2=address.street2[:200],
        city=address.city[:100],
        state=address.state[:50],
        postal_code=address.postal_code[:20],
        country=(address.country or "US")[:2],
    )


def _service_level(document: ErpDocument) -> str:
    return document.service_level if document.service_level in ServiceLevel.values else "standard"


def _create(connection: ErpConnection, document: ErpDocument, kind: str) -> tuple[str, str]:
    _check_document(document)
    warehouse = _warehouse(connection, document)
    client = connection.client
    assert client is not None
    ship_to = None if kind == SyncKind.PURCHASE else _ship_to(document)
    products = _products(connection, document)
    units = sum(line.quantity for line in document.lines)
    if kind == SyncKind.PURCHASE:
        asn = create_asn(
            client=client,
            warehouse=warehouse,
            reference=document.number,
            lines=_asn_lines(products, document),
            expected_date=document.expected_date,
        )
        if asn.status == AsnStatus.DRAFT:
            asn = mark_expected(asn=asn, user=None)
        _link(connection, document, DocumentType.ASN, asn.pk, warehouse)
        return "created", (
            f"ASN {asn.reference} expected at {warehouse.code}: {len(document.lines)} line(s), "
            f"{units} unit(s)."
        )
    assert ship_to is not None
    order, _ = create_order(
        client=client,
        warehouse=warehouse,
        reference=document.number,
        ship_to=ship_to,
        lines=_order_lines(products, document),
        user=None,
        service_level=_service_level(document),
    )
    _link(connection, document, DocumentType.ORDER, order.pk, warehouse)
    return "created", (
        f"Order {order.reference} at {warehouse.code} for {ship_to.name}: "
        f"{len(document.lines)} line(s), {units} unit(s), {order.get_service_level_display()}."
    )


def _link(
    connection: ErpConnection,
    document: ErpDocument,
    document_type: str,
    document_id: int,
    warehouse: Warehouse,
) -> None:
    ErpLink.objects.create(
        connection=connection,
        erp_model=document.erp_model,
        erp_id=document.erp_id,
        erp_number=document.number,
        document_type=document_type,
        document_id=document_id,
        warehouse=warehouse,
        content=document.content(),
    )


def _settle(link: ErpLink, document: ErpDocument) -> None:
    ErpLink.objects.filter(pk=link.pk).update(
        content=document.content(), flag="", updated_at=timezone.now()
    )


def _change(
    connection: ErpConnection, link: ErpLink, document: ErpDocument, kind: str
) -> tuple[str, str]:
    if link.document_type == DocumentType.ASN:
        return _change_asn(connection, link, document)
    return _change_order(connection, link, document)


def _flag(document: ErpDocument, what: str, status: str, why: str) -> tuple[str, str]:
    return "flagged", (
        f"{_label(document)} changed in the ERP, but {what} is {status}: {why} "
        "Settle it with the client; the ERP's change was not applied."
    )


def _change_asn(connection: ErpConnection, link: ErpLink, document: ErpDocument) -> tuple[str, str]:
    asn = Asn.objects.get(pk=link.document_id)
    if document.cancelled:
        if asn.status == AsnStatus.CANCELLED:
            _settle(link, document)
            return "cancelled", f"ASN {asn.reference} was already cancelled."
        if asn.status not in (AsnStatus.DRAFT, AsnStatus.EXPECTED):
            return _flag(
                document,
                f"ASN {asn.reference}",
                asn.get_status_display().lower(),
                "the ERP cancelled it after goods were received against it.",
            )
        cancel_asn(asn=asn, user=None)
        _settle(link, document)
        return "cancelled", f"ASN {asn.reference} cancelled: the ERP cancelled the purchase."
    _check_document(document)
    if _warehouse(connection, document).pk != asn.warehouse_id:
        return _flag(document, f"ASN {asn.reference}", "planned", "its warehouse changed.")
    if asn.status not in (AsnStatus.DRAFT, AsnStatus.EXPECTED):
        return _flag(
            document,
            f"ASN {asn.reference}",
            asn.get_status_display().lower(),
            "receiving has started, so its lines no longer change.",
        )
    products = _products(connection, document)
    revise_asn(
        asn=asn,
        lines=_asn_lines(products, document),
        user=None,
        expected_date=document.expected_date,
    )
    _settle(link, document)
    what = ", ".join(f"{line.sku} {line.quantity}" for line in document.lines)
    return "updated", f"ASN {asn.reference} now expects {what}."


def _change_order(
    connection: ErpConnection, link: ErpLink, document: ErpDocument
) -> tuple[str, str]:
    order = Order.objects.get(pk=link.document_id)
    if document.cancelled:
        if order.status == OrderStatus.CANCELLED:
            _settle(link, document)
            return "cancelled", f"Order {order.reference} was already cancelled."
        try:
            cancel_order(order=order, user=None)
        except DomainError as exc:
            return _flag(
                document,
                f"order {order.reference}",
                order.get_status_display().lower(),
                exc.message,
            )
        _settle(link, document)
        return "cancelled", f"Order {order.reference} cancelled: the ERP cancelled the sale."
    _check_document(document)
    if _warehouse(connection, document).pk != order.warehouse_id:
        return _flag(document, f"order {order.reference}", "planned", "its warehouse changed.")
    products = _products(connection, document)
    try:
        revise_order(
            order=order,
            ship_to=_ship_to(document),
            lines=_order_lines(products, document),
            user=None,
            service_level=_service_level(document),
        )
    except DomainError as exc:
        if exc.code != "order_not_revisable":
            raise
        return _flag(
            document, f"order {order.reference}", order.get_status_display().lower(), exc.message
        )
    _settle(link, document)
    what = ", ".join(f"{line.sku} {line.quantity}" for line in document.lines)
    return "updated", f"Order {order.reference} now ships {what}."
