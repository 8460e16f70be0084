"""Rate cards: per client, versioned by effective date, each version a set of rules.

A version is never edited once saved: a change is a new version (it may take effect on the same
date, and then wins, being the later one). Charge lines copy the unit price they were rated at,
so a new version never changes a line already written, let alone a finalised invoice."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from inventory.models import Client, StorageType

NOT_NEGATIVE = MinValueValidator(Decimal("0"), "Must not be negative.")


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    SEMI_MONTHLY = "semi_monthly", "Semi-monthly (1st to 15th, 16th to end)"
    WEEKLY = "weekly", "Weekly (Monday to Sunday)"


class StorageMode(models.TextChoices):
    DAILY = "daily", "Daily accrual (every night's stock)"
    HALF_MONTH = "half_month", "Half-month (stock on the 1st and the 16th)"


class RuleKind(models.TextChoices):
    STORAGE = "storage", "Storage"
    RECEIVING = "receiving", "Receiving"
    PICKING = "picking", "Picking"
    PACKING = "packing", "Packing"
    SHIPPING = "shipping", "Shipping"
    VAS = "vas", "Value-added services and labour"
    MINIMUM = "minimum", "Period minimum"


class Basis(models.TextChoices):
    """What a rule counts. billing.rules says which event feeds each basis and how."""

    LOCATION_DAY = "location_day", "Per location-day (by storage type)"
    PALLET_DAY = "pallet_day", "Per pallet-day (LPNs of kind pallet)"
    CUBIC_FOOT_DAY = "cubic_foot_day", "Per cubic foot-day"
    CUBIC_METRE_DAY = "cubic_metre_day", "Per cubic metre-day"
    UNIT_DAY = "unit_day", "Per unit-day"
    STORAGE_MINIMUM = "storage_minimum", "Minimum storage charge per period"
    PER_ASN = "per_asn", "Per ASN closed"
    PER_RECEIPT_LINE = "per_receipt_line", "Per receipt line"
    PER_UNIT_RECEIVED = "per_unit_received", "Per unit received"
    PER_CASE_RECEIVED = "per_case_received", "Per case received"
    PER_PALLET_RECEIVED = "per_pallet_received", "Per pallet (LPN) received"
    PUTAWAY_PER_LPN = "putaway_per_lpn", "Putaway per LPN"
    PICK_PER_ORDER = "pick_per_order", "Per order picked"
    PICK_PER_LINE = "pick_per_line", "Per order line picked"
    PICK_PER_UNIT = "pick_per_unit", "Per unit picked"
    PICK_FIRST_UNIT = "pick_first_unit", "First unit of an order"
    PICK_ADDITIONAL_UNIT = "pick_additional_unit", "Each additional unit of an order"
    PICK_UNIT_RANGE = "pick_unit_range", "Units of an order in a range (from, to)"
    PACK_PER_ORDER = "pack_per_order", "Per order packed"
    PACK_PER_CARTON = "pack_per_carton", "Per carton packed"
    MATERIALS = "materials", "Packaging materials at cost plus markup"
    BOXES = "boxes", "Boxes at cost plus markup"
    LABEL = "label", "Label cost plus markup"
    MANUAL = "manual", "Manual service (quantity entered by a manager)"
    PERIOD_MINIMUM = "period_minimum", "Minimum total per period"


class RateCard(models.Model):
    """A client's prices. One per client; its versions take effect by date."""

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="rate_card")
    name = models.CharField(max_length=120)
    period_kind = models.CharField(
        max_length=16, choices=PeriodKind.choices, default=PeriodKind.MONTHLY
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["client__name"]

    def __str__(self) -> str:
        return self.name


class RateCardVersion(models.Model):
    """The card's rules from `effective_from` on (until a later version's date). Immutable."""

    card = models.ForeignKey(RateCard, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    effective_from = models.DateField()
    storage_mode = models.CharField(
        max_length=16, choices=StorageMode.choices, default=StorageMode.DAILY
    )
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["card", "-effective_from", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["card", "number"], name="version_number_per_card")
        ]

    def __str__(self) -> str:
        return f"{self.card} v{self.number} from {self.effective_from:%Y-%m-%d}"


class RateRule(models.Model):
    """One price of a version. Cost-plus rules (materials, boxes, label) charge the cost plus
    `markup_percent` plus `markup_flat`; every other rule charges quantity times `unit_price`."""

    version = models.ForeignKey(RateCardVersion, on_delete=models.PROTECT, related_name="rules")
    kind = models.CharField(max_length=16, choices=RuleKind.choices)
    basis = models.CharField(max_length=24, choices=Basis.choices)
    storage_type = models.CharField(
        max_length=16, choices=StorageType.choices, blank=True, help_text="Location-day only."
    )
    tier_from = models.PositiveIntegerField(null=True, blank=True, help_text="Unit ranges only.")
    tier_to = models.PositiveIntegerField(
        null=True, blank=True, help_text="Unit ranges only; empty: no upper end."
    )
    unit_price = models.DecimalField(
        max_digits=14, decimal_places=4, default=Decimal("0"), validators=[NOT_NEGATIVE]
    )
    markup_percent = models.DecimalField(
        max_digits=7, decimal_places=3, default=Decimal("0"), validators=[NOT_NEGATIVE]
    )
    markup_flat = models.DecimalField(
        max_digits=14, decimal_places=4, default=Decimal("0"), validators=[NOT_NEGATIVE]
    )
    description = models.CharField(max_length=200, blank=True, help_text="Shown on the invoice.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__gte=0, markup_percent__gte=0, markup_flat__gte=0),
                name="rate_rule_prices_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(tier_from__isnull=True)
                | Q(tier_to__isnull=True)
                | Q(tier_to__gte=models.F("tier_from")),
                name="rate_rule_tier_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """How the invoice names the rule: its description, else the basis (and its detail)."""
        if self.description:
            return self.description
        text = str(Basis(self.basis).label)
        if self.basis == Basis.LOCATION_DAY and self.storage_type:
            text = f"Per {StorageType(self.storage_type).label.lower()}-day"
        if self.basis == Basis.PICK_UNIT_RANGE:
            upper = f"to {self.tier_to}" if self.tier_to else "and above"
            text = f"Units {self.tier_from} {upper} of an order"
        return text
