"""Billing's data: rate cards (cards.py), what is charged (charges.py) and what is invoiced
(invoices.py)."""

from billing.models.cards import (
    Basis,
    PeriodKind,
    RateCard,
    RateCardVersion,
    RateRule,
    RuleKind,
    StorageMode,
)
from billing.models.charges import (
    PERIOD_LIFECYCLE,
    BillingPeriod,
    ChargeLine,
    PeriodStatus,
    RatingCheckpoint,
    StorageDay,
    StorageSnapshot,
    UnratedActivity,
    UnratedReason,
    UnratedStatus,
)
from billing.models.disputes import DISPUTE_LIFECYCLE, Dispute, DisputeStatus
from billing.models.invoices import (
    INVOICE_LIFECYCLE,
    BillingSettings,
    CreditNote,
    CreditNoteLine,
    DocumentCounter,
    Invoice,
    InvoiceStatus,
)

__all__ = [
    "DISPUTE_LIFECYCLE",
    "INVOICE_LIFECYCLE",
    "PERIOD_LIFECYCLE",
    "Basis",
    "BillingPeriod",
    "BillingSettings",
    "ChargeLine",
    "CreditNote",
    "CreditNoteLine",
    "Dispute",
    "DisputeStatus",
    "DocumentCounter",
    "Invoice",
    "InvoiceStatus",
    "PeriodKind",
    "PeriodStatus",
    "RateCard",
    "RateCardVersion",
    "RateRule",
    "RatingCheckpoint",
    "RuleKind",
    "StorageDay",
    "StorageMode",
    "StorageSnapshot",
    "UnratedActivity",
    "UnratedReason",
    "UnratedStatus",
]
