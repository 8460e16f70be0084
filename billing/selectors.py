"""Billing's reads for pages, the API, tasks and services. Reads that a user asks for take the
user and keep to their scope: a client user sees only their own client's charges, invoices and
cards (and none of the unrated queue, which is the 3PL's work)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, QuerySet, Sum, Value, When

from billing import documents
from billing.models import (
    BillingPeriod,
    BillingSettings,
    ChargeLine,
    CreditNote,
    Dispute,
    DisputeStatus,
    Invoice,
    PeriodStatus,
    RateCard,
    RateCardVersion,
    RuleKind,
    UnratedActivity,
    UnratedStatus,
)
from inventory.models import Client
from wms.accounts.models import Role
from wms.permissions import client_id_of

if TYPE_CHECKING:
    from wms.accounts.models import User

ZERO = Decimal("0.00")


def billing_settings() -> BillingSettings:
    """The tenant's billing settings (defaults until a manager saves them: USD, no tax)."""
    found = BillingSettings.objects.filter(pk=1).first()
    return found or BillingSettings(pk=1)


def _client_scope(user: User, queryset: QuerySet[Any], field_name: str = "client") -> QuerySet[Any]:
    if user.role == Role.CLIENT:
        return queryset.filter(**{f"{field_name}_id": client_id_of(user)})
    return queryset


def clients_for_user(user: User) -> QuerySet[Client]:
    rows = Client.objects.all()
    if user.role == Role.CLIENT:
        rows = rows.filter(pk=client_id_of(user))
    return rows.order_by("name")


def find_client_for_user(user: User, *, pk: int | None = None, code: str = "") -> Client | None:
    rows = clients_for_user(user)
    if pk is not None:
        return rows.filter(pk=pk).first()
    return rows.filter(code__iexact=code.strip()).first() if code.strip() else None


# --- Rate cards -------------------------------------------------------------------------------


def rate_cards_for_user(user: User) -> QuerySet[RateCard]:
    return (
        _client_scope(user, RateCard.objects.select_related("client"))
        .annotate(version_count=Count("versions"))
        .order_by("client__name")
    )


def get_rate_card_for_user(user: User, pk: int) -> RateCard | None:
    return rate_cards_for_user(user).filter(pk=pk).first()


def card_versions(card: RateCard) -> list[RateCardVersion]:
    """The card's versions, newest first, each with its rules loaded."""
    return list(
        card.versions.select_related("created_by")
        .prefetch_related("rules")
        .order_by("-effective_from", "-number")
    )


def version_in_effect(card: RateCard, day: dt.date) -> RateCardVersion | None:
    return (
        card.versions.filter(effective_from__lte=day).order_by("-effective_from", "-number").first()
    )


def last_finalized_end(client_id: int) -> dt.date | None:
    """The last day of the client's finalised periods: a new version may not start on or before
    it (it would reprice days already invoiced)."""
    row = (
        BillingPeriod.objects.filter(client_id=client_id, status=PeriodStatus.FINALIZED)
        .order_by("-end_date")
        .values_list("end_date", flat=True)
        .first()
    )
    return row


# --- Charges ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChargeFilters:
    client_id: int | None = None
    period_id: int | None = None
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    invoice_id: int | None = None


def charges_for_user(user: User, filters: ChargeFilters | None = None) -> QuerySet[ChargeLine]:
    """Charge lines the user may see, newest activity first."""
    f = filters or ChargeFilters()
    rows = _client_scope(user, ChargeLine.objects.select_related("client", "period"))
    if f.client_id is not None:
        rows = rows.filter(client_id=f.client_id)
    if f.period_id is not None:
        rows = rows.filter(period_id=f.period_id)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.date_from is not None:
        rows = rows.filter(activity_date__gte=f.date_from)
    if f.date_to is not None:
        rows = rows.filter(activity_date__lte=f.date_to)
    if f.invoice_id is not None:
        rows = rows.filter(invoice_id=f.invoice_id)
    return rows.order_by("-activity_date", "-pk")


def get_charge_for_user(user: User, pk: int) -> ChargeLine | None:
    return (
        _client_scope(user, ChargeLine.objects.select_related("client", "invoice"))
        .filter(pk=pk)
        .first()
    )


@dataclass
class Accrued:
    """A client's charges in its current open period so far, by kind, and what waits unrated."""

    client: Client
    period: BillingPeriod | None
    by_kind: list[tuple[str, Decimal, int]] = field(default_factory=list)
    total: Decimal = ZERO
    unrated: int = 0


def accrued_for_client(client: Client, period: BillingPeriod | None) -> Accrued:
    result = Accrued(client=client, period=period)
    if period is None:
        return result
    rows = (
        ChargeLine.objects.filter(period=period)
        .values("kind")
        .annotate(amount=Sum("amount"), lines=Count("pk"))
        .order_by("kind")
    )
    labels = dict(RuleKind.choices)
    result.by_kind = [(labels.get(r["kind"], r["kind"]), r["amount"], r["lines"]) for r in rows]
    result.total = sum((r["amount"] for r in rows), ZERO)
    result.unrated = UnratedActivity.objects.filter(
        period=period, status=UnratedStatus.OPEN
    ).count()
    return result


def current_period(client: Client, today: dt.date) -> BillingPeriod | None:
    return BillingPeriod.objects.filter(
        client=client, start_date__lte=today, end_date__gte=today
    ).first()


def periods_for_user(user: User, client_id: int | None = None) -> QuerySet[BillingPeriod]:
    rows = _client_scope(user, BillingPeriod.objects.select_related("client"))
    if client_id is not None:
        rows = rows.filter(client_id=client_id)
    return rows.annotate(line_count=Count("lines")).order_by("-start_date", "client__name")


def get_period_for_user(user: User, pk: int) -> BillingPeriod | None:
    return _client_scope(user, BillingPeriod.objects.select_related("client")).filter(pk=pk).first()


# --- The unrated queue ------------------------------------------------------------------------


def unrated_for_user(user: User, status: str = UnratedStatus.OPEN) -> QuerySet[UnratedActivity]:
    rows = UnratedActivity.objects.select_related("client", "period", "resolved_by")
    if user.role == Role.CLIENT:
        return rows.none()
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("activity_date", "pk")


def get_unrated_for_user(user: User, pk: int) -> UnratedActivity | None:
    return unrated_for_user(user, status="").filter(pk=pk).first()


def open_unrated_count(period: BillingPeriod) -> int:
    return UnratedActivity.objects.filter(period=period, status=UnratedStatus.OPEN).count()


# --- Invoices ---------------------------------------------------------------------------------


def invoices_for_user(
    user: User, status: str = "", client_id: int | None = None
) -> QuerySet[Invoice]:
    rows = _client_scope(user, Invoice.objects.select_related("client", "period"))
    if status:
        rows = rows.filter(status=status)
    if client_id is not None:
        rows = rows.filter(client_id=client_id)
    return rows.order_by("-period__start_date", "client__name", "-pk")


def get_invoice_for_user(user: User, pk: int) -> Invoice | None:
    return invoices_for_user(user).filter(pk=pk).first()


def invoice_lines(invoice: Invoice) -> QuerySet[ChargeLine]:
    return ChargeLine.objects.filter(invoice=invoice).order_by("kind", "activity_date", "pk")


@dataclass(frozen=True)
class SummaryRow:
    """Lines of one rule at one unit price, added up: what the invoice's summary prints."""

    kind: str
    description: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    lines: int


def invoice_summary(invoice: Invoice) -> list[SummaryRow]:
    rows = (
        ChargeLine.objects.filter(invoice=invoice)
        .values("kind", "description", "unit", "unit_price")
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"), lines=Count("pk"))
        .order_by("kind", "description", "unit_price")
    )
    return [
        SummaryRow(
            kind=r["kind"],
            description=r["description"],
            unit=r["unit"],
            quantity=r["quantity"],
            unit_price=r["unit_price"],
            amount=r["amount"],
            lines=r["lines"],
        )
        for r in rows
    ]


def subtotals_by_kind(invoice: Invoice) -> list[tuple[str, Decimal]]:
    labels = dict(RuleKind.choices)
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in invoice_summary(invoice):
        totals[row.kind] += row.amount
    order = [kind for kind, _ in RuleKind.choices]
    return [(labels[k], totals[k]) for k in order if k in totals]


def credit_notes_for_user(user: User, invoice_id: int | None = None) -> QuerySet[CreditNote]:
    rows = _client_scope(user, CreditNote.objects.select_related("invoice", "client"))
    if invoice_id is not None:
        rows = rows.filter(invoice_id=invoice_id)
    return rows.order_by("-number")


def credited_by_line(invoice: Invoice) -> dict[int, Decimal]:
    rows = (
        ChargeLine.objects.filter(invoice=invoice, credits__isnull=False)
        .values("pk")
        .annotate(credited=Sum("credits__amount"))
    )
    return {r["pk"]: r["credited"] for r in rows}


# --- Documents --------------------------------------------------------------------------------


def invoice_document(invoice: Invoice) -> documents.InvoiceDocument:
    """The invoice as the PDF prints it: a finalised one with the seller and client frozen on it,
    a draft with the settings as they are now."""
    settings = billing_settings()
    summary = invoice_summary(invoice)
    labels = dict(RuleKind.choices)
    sections = []
    for kind, _ in RuleKind.choices:
        rows = [r for r in summary if r.kind == kind]
        if not rows:
            continue
        sections.append(
            documents.KindSection(
                title=str(labels[kind]),
                lines=[
                    documents.SummaryLine(
                        description=r.description,
                        quantity=r.quantity,
                        unit=r.unit,
                        unit_price=r.unit_price,
                        amount=r.amount,
                    )
                    for r in rows
                ],
                subtotal=sum((r.amount for r in rows), ZERO),
            )
        )
    final = invoice.is_final
    return documents.InvoiceDocument(
        number=invoice.number_text if final else "",
        seller_name=invoice.seller_name if final else settings.company_name,
        seller_address=invoice.seller_address if final else settings.company_address,
        client_name=invoice.client_name or invoice.client.name,
        period_start=invoice.period.start_date,
        period_end=invoice.period.end_date,
        currency=invoice.currency,
        sections=sections,
        subtotal=invoice.subtotal,
        total=invoice.total,
        tax_label=invoice.tax_label,
        tax_rate_percent=invoice.tax_rate_percent,
        tax_amount=invoice.tax_amount,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        line_count=sum(r.lines for r in summary),
        credit_notes=[(c.number_text, c.total) for c in invoice.credit_notes.order_by("number")],
    )


def invoice_csv_lines(invoice: Invoice) -> Iterator[documents.CsvLine]:
    """Every line of the invoice with its source, read in chunks (an invoice may have many)."""
    rows = invoice_lines(invoice).values_list(
        "pk",
        "activity_date",
        "kind",
        "description",
        "quantity",
        "unit",
        "unit_price",
        "amount",
        "event_id",
        "event_type",
        "order_reference",
        "asn_reference",
        "carton_sscc",
        "tracking_code",
        "sku",
        "snapshot_id",
        "note",
    )
    for row in rows.iterator(chunk_size=2000):
        yield documents.CsvLine(*row)


# --- Disputes ---------------------------------------------------------------------------------


def disputes_for_user(user: User, status: str = "") -> QuerySet[Dispute]:
    """Disputes the user may see (a client user: their client's), open ones first, newest
    first."""
    rows = _client_scope(
        user, Dispute.objects.select_related("charge", "client", "opened_by", "answered_by")
    )
    if status:
        rows = rows.filter(status=status)
    open_first = Case(When(status=DisputeStatus.OPEN, then=Value(0)), default=Value(1))
    return rows.order_by(open_first, "-created_at", "-pk")


def get_dispute_for_user(user: User, pk: int) -> Dispute | None:
    return disputes_for_user(user).filter(pk=pk).first()


def open_dispute_count() -> int:
    return Dispute.objects.filter(status=DisputeStatus.OPEN).count()


def disputes_by_charge(charge_ids: list[int]) -> dict[int, Dispute]:
    """The latest dispute of each of these lines."""
    latest: dict[int, Dispute] = {}
    for dispute in Dispute.objects.filter(charge_id__in=charge_ids).order_by("created_at", "pk"):
        latest[dispute.charge_id] = dispute
    return latest
