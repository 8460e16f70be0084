"""Invoices and credit notes, the tenant's billing settings and its document counters.

A finalised invoice is immutable: a trigger in every tenant schema (migration 0002) refuses
UPDATE and DELETE of a finalised invoice and of its lines, and INSERT of a line into one. Credit
notes are immutable from the start. Numbers come from a counter row locked in the finalising
transaction, so they are unique and without gaps."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from billing.models.charges import BillingPeriod, ChargeLine
from inventory.lifecycle import Lifecycle
from inventory.models import Client

CURRENCY = RegexValidator(r"^[A-Z]{3}$", "A three-letter ISO currency code, such as USD.")


class BillingSettings(models.Model):
    """The tenant's one row (pk 1): who invoices, in which currency, with which tax."""

    company_name = models.CharField(max_length=200, blank=True, help_text="Printed as the seller.")
    company_address = models.TextField(blank=True)
    currency = models.CharField(max_length=3, default="USD", validators=[CURRENCY])
    tax_label = models.CharField(max_length=40, blank=True, help_text="e.g. VAT, Sales tax.")
    tax_rate_percent = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    invoice_prefix = models.CharField(max_length=12, default="INV-")
    credit_note_prefix = models.CharField(max_length=12, default="CN-")
    payment_terms_days = models.PositiveSmallIntegerField(default=30)

    class Meta:
        verbose_name_plural = "billing settings"

    def __str__(self) -> str:
        return f"billing settings ({self.currency})"


class DocumentCounter(models.Model):
    """The last number given per document kind ("invoice", "credit_note"). Locked FOR UPDATE by
    the transaction that takes the next number, so numbers never repeat or skip."""

    kind = models.CharField(max_length=16, primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind}: {self.last_number}"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINALIZED = "finalized", "Finalised"


INVOICE_TRANSITIONS: dict[str, frozenset[str]] = {
    InvoiceStatus.DRAFT: frozenset({InvoiceStatus.FINALIZED}),
    InvoiceStatus.FINALIZED: frozenset(),
}


class Invoice(models.Model):
    """A period's bill: its lines are the period's charge lines. Totals are stored when the draft
    is built (closing, re-rating) and frozen with the seller's details when it is finalised."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    period = models.OneToOneField(BillingPeriod, on_delete=models.PROTECT, related_name="invoice")
    status = models.CharField(
        max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    number = models.PositiveIntegerField(null=True, blank=True, unique=True)
    number_text = models.CharField(max_length=32, blank=True)
    currency = models.CharField(max_length=3, validators=[CURRENCY])
    subtotal = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    tax_label = models.CharField(max_length=40, blank=True)
    tax_rate_percent = models.DecimalField(max_digits=6, decimal_places=3, default=Decimal("0"))
    tax_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    seller_name = models.CharField(max_length=200, blank=True)
    seller_address = models.TextField(blank=True)
    client_name = models.CharField(max_length=200, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finalized_at = models.DateTimeField(null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-period__start_date", "client__name"]

    def __str__(self) -> str:
        return self.number_text or f"Draft invoice {self.pk}"

    @property
    def is_final(self) -> bool:
        return self.status == InvoiceStatus.FINALIZED


INVOICE_LIFECYCLE = Lifecycle(
    model=Invoice,
    transitions=INVOICE_TRANSITIONS,
    event_prefix="invoice",
    describe=lambda invoice: f"Invoice {invoice}",
    payload=lambda invoice: {
        "invoice_id": invoice.pk,
        "number": invoice.number_text or None,
        "period_start": invoice.period.start_date.isoformat(),
        "period_end": invoice.period.end_date.isoformat(),
        "currency": invoice.currency,
        "subtotal": str(invoice.subtotal),
        "tax": str(invoice.tax_amount),
        "total": str(invoice.total),
    },
    stamps={InvoiceStatus.FINALIZED: "finalized_at"},
)


class CreditNote(models.Model):
    """A correction of a finalised invoice: amounts credited against some of its lines. Issued
    with the next credit-note number and immutable from then on."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(unique=True)
    number_text = models.CharField(max_length=32)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return self.number_text


class CreditNoteLine(models.Model):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    charge_line = models.ForeignKey(ChargeLine, on_delete=models.PROTECT, related_name="credits")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    description = models.CharField(max_length=200)

    class Meta:
        ordering = ["credit_note", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="credit_note_line_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} against line {self.charge_line_id}"
