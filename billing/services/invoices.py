"""Closing a period into a draft invoice, re-rating it, finalising it with the tenant's next
invoice number, and credit notes against a finalised invoice's lines.

Numbers are gapless: the counter row is updated (and so locked) in the finalising transaction,
which rolls the number back with everything else when it fails; concurrent finalisations queue
on that row and take consecutive numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from billing.exceptions import ChargeRefused, InvoiceRefused, PeriodRefused
from billing.models import (
    INVOICE_LIFECYCLE,
    PERIOD_LIFECYCLE,
    Basis,
    BillingPeriod,
    ChargeLine,
    CreditNote,
    CreditNoteLine,
    DocumentCounter,
    Invoice,
    InvoiceStatus,
    PeriodStatus,
    RateCardVersion,
    RateRule,
    RuleKind,
    UnratedActivity,
    UnratedStatus,
)
from billing.rules import PERIOD_BASES, UNITS
from billing.selectors import billing_settings, open_unrated_count
from billing.services.periods import billing_today
from billing.services.rating import RatingResult, rate_events, rate_pending
from billing.services.storage import record_storage
from inventory import lifecycle
from inventory.events import emit
from wms.idempotency.services import idempotent, model_codec

if TYPE_CHECKING:
    from wms.accounts.models import User

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal) -> Decimal:
    """Rounded half-up to cents (the currency's smallest unit), as every line is."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _lock_period(period: BillingPeriod) -> BillingPeriod:
    return BillingPeriod.objects.select_for_update().select_related("client").get(pk=period.pk)


def _version_at(client_id: int, day: dt.date) -> RateCardVersion | None:
    return (
        RateCardVersion.objects.filter(card__client_id=client_id, effective_from__lte=day)
        .order_by("-effective_from", "-number")
        .first()
    )


def _minimum_line(
    period: BillingPeriod, invoice: Invoice, rule: RateRule, charged: Decimal, kind: str
) -> ChargeLine | None:
    """A top-up line when `charged` is below the rule's minimum (the rule's unit price)."""
    if charged >= rule.unit_price:
        return None
    top_up = money(rule.unit_price - charged)
    return ChargeLine(
        client_id=period.client_id,
        period=period,
        version_id=rule.version_id,
        rule=rule,
        kind=kind,
        basis=rule.basis,
        description=f"{rule.label}: minimum {money(rule.unit_price)}, charged {money(charged)}",
        activity_date=period.end_date,
        quantity=Decimal("1"),
        unit=UNITS[rule.basis],
        unit_price=top_up,
        amount=top_up,
        invoice=invoice,
    )


def _build(invoice: Invoice, period: BillingPeriod) -> Invoice:
    """Makes the draft match its period: every line of the period on it, the minimums topped
    up by the card in effect on the period's last day, the totals summed from the lines."""
    ChargeLine.objects.filter(period=period, basis__in=PERIOD_BASES).delete()
    ChargeLine.objects.filter(period=period, invoice__isnull=True).update(invoice=invoice)
    version = _version_at(period.client_id, period.end_date)
    if version is not None:
        rules = {r.basis: r for r in version.rules.filter(basis__in=PERIOD_BASES)}
        lines = ChargeLine.objects.filter(invoice=invoice)
        if storage_min := rules.get(Basis.STORAGE_MINIMUM):
            stored = lines.filter(kind=RuleKind.STORAGE).aggregate(s=Sum("amount"))["s"] or ZERO
            if line := _minimum_line(period, invoice, storage_min, stored, RuleKind.STORAGE):
                line.save()
        if period_min := rules.get(Basis.PERIOD_MINIMUM):
            total = lines.aggregate(s=Sum("amount"))["s"] or ZERO
            if line := _minimum_line(period, invoice, period_min, total, RuleKind.MINIMUM):
                line.save()
    settings = billing_settings()
    subtotal = ChargeLine.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or ZERO
    tax = money(subtotal * settings.tax_rate_percent / 100)
    Invoice.objects.filter(pk=invoice.pk).update(
        currency=settings.currency,
        subtotal=subtotal,
        tax_label=settings.tax_label,
        tax_rate_percent=settings.tax_rate_percent,
        tax_amount=tax,
        total=subtotal + tax,
        updated_at=timezone.now(),
    )
    invoice.refresh_from_db()
    return invoice


def catch_up() -> RatingResult:
    """Records the nights that have ended and rates the outbox up to now: what closing a
    period needs first. Each in its own transactions (it must not run inside a close)."""
    record_storage()
    return rate_pending()


def close_period(*, user: User, period: BillingPeriod) -> Invoice:
    """Closes an ended, open period into its draft invoice, after recording storage and rating
    everything up to now. Refused (nothing written) before the period has ended in every
    warehouse, or while activity of the period waits in the unrated queue."""
    catch_up()
    with transaction.atomic():
        locked = _lock_period(period)
        PERIOD_LIFECYCLE.check(locked, PeriodStatus.CLOSED)
        today = billing_today()
        if locked.end_date >= today:
            raise PeriodRefused(
                f"The period {locked} has not ended everywhere yet; close it from "
                f"{locked.end_date + dt.timedelta(days=1):%Y-%m-%d} on.",
                code="period_not_ended",
            )
        waiting = open_unrated_count(locked)
        if waiting:
            raise PeriodRefused(
                f"{waiting} billable activit{'y' if waiting == 1 else 'ies'} of {locked.client} "
                f"in {locked} {'is' if waiting == 1 else 'are'} unrated: rate or mark them "
                "non-billable in the unrated queue first.",
                code="unrated_activity",
            )
        invoice = Invoice.objects.create(
            client_id=locked.client_id,
            period=locked,
            currency=billing_settings().currency,
            client_name=locked.client.name,
        )
        _build(invoice, locked)
        lifecycle.transition(PERIOD_LIFECYCLE, locked, PeriodStatus.CLOSED, user=user)
        emit(
            "invoice.drafted",
            client_id=locked.client_id,
            warehouse_id=None,
            payload={"invoice_id": invoice.pk, "period_id": locked.pk, "total": str(invoice.total)},
            user=user,
        )
        return invoice


@dataclass(frozen=True)
class RerateResult:
    events: int
    lines: int
    unrated: int
    invoice: Invoice | None


@transaction.atomic
def rerate_period(*, user: User, period: BillingPeriod) -> RerateResult:
    """Rates an open period's or a draft's events again by the cards as they are now: their
    lines and open unrated entries are replaced (manual charges and non-billable decisions
    stay), and a draft is rebuilt, minimums and totals included. Refused once finalised."""
    locked = _lock_period(period)
    if locked.status == PeriodStatus.FINALIZED:
        raise PeriodRefused(
            f"The period {locked} is invoiced (finalised); correct it with a credit note.",
            code="period_finalized",
        )
    lines = ChargeLine.objects.filter(period=locked)
    waiting = UnratedActivity.objects.filter(period=locked, status=UnratedStatus.OPEN)
    events = set(lines.filter(event__isnull=False).values_list("event_id", flat=True)) | set(
        waiting.values_list("event_id", flat=True)
    )
    lines.filter(Q(event__isnull=False) | Q(basis__in=PERIOD_BASES)).delete()
    waiting.delete()
    result = rate_events(events, period=locked)
    invoice = Invoice.objects.filter(period=locked).first()
    if invoice is not None:
        _build(invoice, locked)
    emit(
        "period.rerated",
        client_id=locked.client_id,
        warehouse_id=None,
        payload={"period_id": locked.pk, "events": len(events), "lines": result.lines},
        user=user,
    )
    return RerateResult(len(events), result.lines, result.unrated, invoice)


def _next_number(kind: str) -> int:
    """The next number of a document kind. The UPDATE locks the counter row until the caller's
    transaction ends, so concurrent callers queue and none skips or repeats a number."""
    table = DocumentCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, last_number) VALUES (%s, 0) "  # noqa: S608
            "ON CONFLICT (kind) DO NOTHING",
            [kind],
        )
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 WHERE kind = %s "  # noqa: S608
            "RETURNING last_number",
            [kind],
        )
        return int(cursor.fetchone()[0])


@idempotent("billing.finalize_invoice", result=model_codec(Invoice, "client", "period"))
def finalize_invoice(
    *, user: User, invoice: Invoice, idempotency_key: str | None = None
) -> Invoice:
    """Finalises a draft: the next invoice number, the seller's and client's names as they are
    now, issue and due dates, `invoice.finalized`; the period becomes finalised. From then on the
    database refuses any change to the invoice and its lines. Refused (nothing written) when it
    is final already, or when the period gained lines or unrated activity since the draft was
    built (re-rate it first)."""
    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("period", "client")
            .get(pk=invoice.pk)
        )
        INVOICE_LIFECYCLE.check(locked, InvoiceStatus.FINALIZED)
        period = _lock_period(locked.period)
        stray = ChargeLine.objects.filter(period=period, invoice__isnull=True).count()
        waiting = open_unrated_count(period)
        if stray or waiting:
            raise InvoiceRefused(
                f"Since the draft was built, {period.client} got {stray} new line(s) and "
                f"{waiting} unrated activit{'y' if waiting == 1 else 'ies'} in {period}: "
                "re-rate the draft, check it, then finalise.",
                code="draft_outdated",
            )
        settings = billing_settings()
        number = _next_number("invoice")
        issued = timezone.localdate()
        lifecycle.transition(
            INVOICE_LIFECYCLE,
            locked,
            InvoiceStatus.FINALIZED,
            user=user,
            changes={
                "number": number,
                "number_text": f"{settings.invoice_prefix}{number:06d}",
                "seller_name": settings.company_name,
                "seller_address": settings.company_address,
                "client_name": locked.client.name,
                "issue_date": issued,
                "due_date": issued + dt.timedelta(days=settings.payment_terms_days),
                "finalized_by": user if getattr(user, "pk", None) else None,
            },
        )
        lifecycle.transition(PERIOD_LIFECYCLE, period, PeriodStatus.FINALIZED, user=user)
        return locked


@dataclass(frozen=True)
class CreditSpec:
    """An amount to credit against one line of the invoice."""

    charge_line_id: int
    amount: Decimal
    description: str = ""


def _check_credits(
    invoice: Invoice, specs: Sequence[CreditSpec]
) -> tuple[list[tuple[ChargeLine, Decimal, str]], dict[str, list[str]]]:
    lines = {
        line.pk: line
        for line in ChargeLine.objects.filter(
            invoice=invoice, pk__in=[s.charge_line_id for s in specs]
        )
    }
    credited = dict(
        CreditNoteLine.objects.filter(charge_line_id__in=list(lines))
        .values("charge_line_id")
        .annotate(s=Sum("amount"))
        .values_list("charge_line_id", "s")
    )
    errors: dict[str, list[str]] = {}
    rows = []
    for n, spec in enumerate(specs):
        line = lines.get(spec.charge_line_id)
        if line is None:
            errors[f"lines.{n}.charge_line_id"] = [
                f"Line {spec.charge_line_id} is not a line of invoice {invoice}."
            ]
            continue
        try:
            amount = Decimal(spec.amount)
        except (InvalidOperation, TypeError, ValueError):
            errors[f"lines.{n}.amount"] = ["Must be a number."]
            continue
        left = line.amount - credited.get(line.pk, ZERO)
        if not amount.is_finite() or amount <= 0 or amount != money(amount):
            errors[f"lines.{n}.amount"] = ["An amount above zero, in cents."]
        elif amount > left:
            errors[f"lines.{n}.amount"] = [f"At most {left} is left to credit on this line."]
        else:
            rows.append((line, amount, spec.description.strip()[:200] or line.description))
    return rows, errors


@idempotent("billing.credit_note", result=model_codec(CreditNote, "invoice", "client"))
def create_credit_note(
    *,
    user: User,
    invoice: Invoice,
    lines: Sequence[CreditSpec],
    reason: str,
    idempotency_key: str | None = None,
) -> CreditNote:
    """A credit note against lines of a finalised invoice, with the next credit-note number.
    Never more than a line's amount in all (the invoice is locked while checking), never on a
    draft (re-rate it instead). Writes `credit_note.issued`."""
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status != InvoiceStatus.FINALIZED:
            raise ChargeRefused(
                f"{locked} is a draft: change its period and re-rate it; credit notes correct "
                "finalised invoices.",
                code="invoice_not_final",
            )
        rows, errors = _check_credits(locked, lines)
        if not reason.strip():
            errors["reason"] = ["Say why the client is credited."]
        if not lines:
            errors["lines"] = ["Credit at least one line."]
        if errors:
            raise ChargeRefused("The credit note was not issued.", field_errors=errors)
        settings = billing_settings()
        number = _next_number("credit_note")
        note = CreditNote.objects.create(
            invoice=locked,
            client_id=locked.client_id,
            number=number,
            number_text=f"{settings.credit_note_prefix}{number:06d}",
            currency=locked.currency,
            total=sum((amount for _, amount, _ in rows), ZERO),
            reason=reason.strip()[:300],
            created_by=user if getattr(user, "pk", None) else None,
        )
        CreditNoteLine.objects.bulk_create(
            CreditNoteLine(credit_note=note, charge_line=line, amount=amount, description=text)
            for line, amount, text in rows
        )
        emit(
            "credit_note.issued",
            client_id=locked.client_id,
            warehouse_id=None,
            payload={
                "credit_note_id": note.pk,
                "number": note.number_text,
                "invoice": locked.number_text,
                "total": str(note.total),
                "currency": note.currency,
                "lines": [{"charge_line_id": line.pk, "amount": str(a)} for line, a, _ in rows],
            },
            user=user,
        )
        return note
