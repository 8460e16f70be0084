"""Charges a manager writes: manual charges (value-added services and labour), and the unrated
queue's two ways out (rate it again after fixing the card, or mark it non-billable)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from billing.exceptions import ChargeRefused
from billing.models import (
    Basis,
    BillingPeriod,
    ChargeLine,
    Invoice,
    PeriodStatus,
    RateRule,
    RuleKind,
    UnratedActivity,
    UnratedStatus,
)
from billing.services.invoices import _build, money
from billing.services.periods import PeriodResolver
from billing.services.rating import RatingResult, rate_events
from inventory.events import emit
from inventory.models import Client
from wms.idempotency.services import idempotent, model_codec

if TYPE_CHECKING:
    from wms.accounts.models import User

MAX_QUANTITY = Decimal("99999999999999.9999")  # what DecimalField(18, 4) holds
MAX_PRICE = Decimal("9999999999.9999")


def _number(value: object, places: int, most: Decimal, *, positive: bool) -> Decimal | str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return "Must be a number."
    if not number.is_finite():
        return "Must be a number."
    if positive and number <= 0:
        return "Must be above zero."
    if number < 0:
        return "Must not be negative."
    if number > most:
        return f"At most {most}."
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        return f"At most {places} decimals."
    return number


@idempotent("billing.manual_charge", result=model_codec(ChargeLine, "client", "period"))
def add_manual_charge(
    *,
    user: User,
    client: Client,
    quantity: Decimal,
    rule: RateRule | None = None,
    description: str = "",
    unit_price: Decimal | None = None,
    unit: str = "",
    activity_date: dt.date | None = None,
    note: str = "",
    idempotency_key: str | None = None,
) -> ChargeLine:
    """A value-added service or labour line entered by a manager: a service of the client's card
    (its price) or a named one with its own price, on a day of an open period (today by
    default). A day of a finalised period is refused; on a draft the line joins the invoice."""
    day = activity_date or timezone.localdate()
    errors: dict[str, list[str]] = {}
    qty = _number(quantity, 4, MAX_QUANTITY, positive=True)
    if isinstance(qty, str):
        errors["quantity"] = [qty]
    if rule is not None and (
        rule.basis != Basis.MANUAL or rule.version.card.client_id != client.pk
    ):
        errors["rule"] = [f"Not a manual service of {client.name}'s rate card."]
    price_source = unit_price if unit_price is not None else (rule.unit_price if rule else None)
    price = (
        _number(price_source, 4, MAX_PRICE, positive=False) if price_source is not None else None
    )
    if price is None:
        errors["unit_price"] = ["Give a unit price, or choose a service of the rate card."]
    elif isinstance(price, str):
        errors["unit_price"] = [price]
    text = (description or (rule.label if rule else "")).strip()
    if not text:
        errors["description"] = ["Say what was done (e.g. “Kitting, per hour”)."]
    with transaction.atomic():
        period = _open_period(client, day, errors)
        if errors:
            raise ChargeRefused("The charge was not added.", field_errors=errors)
        assert isinstance(qty, Decimal) and isinstance(price, Decimal) and period is not None
        invoice = Invoice.objects.filter(period=period).first()
        line = ChargeLine.objects.create(
            client=client,
            period=period,
            version_id=rule.version_id if rule else None,
            rule=rule,
            kind=RuleKind.VAS,
            basis=Basis.MANUAL,
            description=text[:200],
            activity_date=day,
            quantity=qty,
            unit=(unit or "each").strip()[:32],
            unit_price=price,
            amount=money(qty * price),
            note=note.strip()[:200],
            invoice=invoice,
            created_by=user if getattr(user, "pk", None) else None,
        )
        if invoice is not None:
            _build(invoice, period)
        emit(
            "charge.added",
            client_id=client.pk,
            warehouse_id=None,
            payload={
                "charge_line_id": line.pk,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "amount": str(line.amount),
                "date": day.isoformat(),
            },
            user=user,
        )
        return line


def _open_period(
    client: Client, day: dt.date, errors: dict[str, list[str]]
) -> BillingPeriod | None:
    period = PeriodResolver().period(client.pk, day)
    locked = BillingPeriod.objects.select_for_update().get(pk=period.pk)
    if not locked.contains(day) or locked.status == PeriodStatus.FINALIZED:
        errors["activity_date"] = [
            f"{day:%Y-%m-%d} lies in a finalised period of {client.name}: charge it in the "
            "current period, or correct the invoice with a credit note."
        ]
        return None
    return locked


def rerate_unrated(*, user: User, entries: Sequence[UnratedActivity]) -> RatingResult:
    """Rates waiting entries again (after the card was fixed): each leaves the queue as rated;
    an event still without a price comes back with today's reason. One transaction."""
    with transaction.atomic():
        locked = list(
            UnratedActivity.objects.select_for_update(of=("self",))
            .select_related("period")
            .filter(pk__in=[e.pk for e in entries], status=UnratedStatus.OPEN)
            .order_by("pk")
        )
        if not locked:
            return RatingResult()
        now = timezone.now()
        UnratedActivity.objects.filter(pk__in=[e.pk for e in locked]).update(
            status=UnratedStatus.RESOLVED,
            resolved_by=user if getattr(user, "pk", None) else None,
            resolved_at=now,
            resolution_note="Rated again",
        )
        result = RatingResult()
        by_period: dict[int | None, list[int]] = {}
        for entry in locked:
            keep = (
                entry.period
                if entry.period and entry.period.status != PeriodStatus.FINALIZED
                else None
            )
            by_period.setdefault(keep.pk if keep else None, []).append(entry.event_id)
        periods = {
            p.pk: p for p in BillingPeriod.objects.filter(pk__in=[k for k in by_period if k])
        }
        for period_id, events in by_period.items():
            result.add(rate_events(events, period=periods.get(period_id) if period_id else None))
        emit(
            "unrated.rerated",
            client_id=None,
            warehouse_id=None,
            payload={"entries": [e.pk for e in locked], "lines": result.lines},
            user=user,
        )
        return result


def mark_non_billable(*, user: User, entry: UnratedActivity, reason: str) -> UnratedActivity:
    """Takes a waiting entry out of the queue for good, with the manager's reason."""
    if not reason.strip():
        raise ChargeRefused(
            "Say why this activity is not billed.", field_errors={"reason": ["Required."]}
        )
    with transaction.atomic():
        updated = UnratedActivity.objects.filter(pk=entry.pk, status=UnratedStatus.OPEN).update(
            status=UnratedStatus.NON_BILLABLE,
            resolution_note=reason.strip()[:300],
            resolved_by=user if getattr(user, "pk", None) else None,
            resolved_at=timezone.now(),
        )
        if updated != 1:
            raise ChargeRefused(
                f"Entry {entry.pk} is no longer waiting (rated or marked meanwhile).",
                code="not_waiting",
            )
        entry.refresh_from_db()
        emit(
            "unrated.non_billable",
            client_id=entry.client_id,
            warehouse_id=None,
            payload={"entry": entry.pk, "event_id": entry.event_id, "reason": reason.strip()},
            user=user,
        )
        return entry
