"""What is billed: periods per client, charge lines with their provenance, the unrated queue,
the rating job's place in the outbox, and the nightly storage snapshots.

Charge lines are written in bulk by the rating job (billing.services.rating), so their hot
references (client, period, version, rule, event) carry no database foreign key
(`db_constraint=False`): the job writes only ids it has just joined, and those five checks per
row made writing 500,000 lines 5.4 times slower (9.4 s against 1.7 s, measured on the bench's
data). Exactly-once is the unique constraint on (event, rule, sub_key)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from inventory.lifecycle import Lifecycle
from inventory.models import Client, Event, Warehouse


class PeriodStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed (draft invoice)"
    FINALIZED = "finalized", "Finalised"


# A period collects charges while open; closing makes its draft invoice (re-rating rebuilds it
# and keeps the status); finalising the invoice finalises the period. Nothing reopens.
PERIOD_TRANSITIONS: dict[str, frozenset[str]] = {
    PeriodStatus.OPEN: frozenset({PeriodStatus.CLOSED}),
    PeriodStatus.CLOSED: frozenset({PeriodStatus.FINALIZED}),
    PeriodStatus.FINALIZED: frozenset(),
}


class BillingPeriod(models.Model):
    """A client's billing period: whole days, both ends included."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(
        max_length=16, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "start_date"], name="period_start_per_client"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_date:%Y-%m-%d} to {self.end_date:%Y-%m-%d}"

    def contains(self, day: object) -> bool:
        return bool(self.start_date <= day <= self.end_date)  # type: ignore[operator]


PERIOD_LIFECYCLE = Lifecycle(
    model=BillingPeriod,
    transitions=PERIOD_TRANSITIONS,
    event_prefix="period",
    describe=lambda period: f"Billing period {period}",
    payload=lambda period: {
        "period_id": period.pk,
        "start": period.start_date.isoformat(),
        "end": period.end_date.isoformat(),
    },
    stamps={PeriodStatus.CLOSED: "closed_at", PeriodStatus.FINALIZED: "finalized_at"},
)


class ChargeLine(models.Model):
    """One line of a client's bill: quantity times unit price = amount (rounded half-up to cents),
    with where it came from: the outbox event (and for storage the snapshot), or the manager who
    entered it, or the period minimum it tops up. A credit for a voided label names the label's
    event in `credits_event_id`."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    period = models.ForeignKey(
        BillingPeriod,
        on_delete=models.PROTECT,
        related_name="lines",
        db_constraint=False,
    )
    version = models.ForeignKey(
        "billing.RateCardVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    rule = models.ForeignKey(
        "billing.RateRule",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    kind = models.CharField(max_length=16)
    basis = models.CharField(max_length=24)
    description = models.CharField(max_length=200)
    activity_date = models.DateField()
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit = models.CharField(max_length=32, blank=True)
    unit_price = models.DecimalField(max_digits=14, decimal_places=4)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    event_type = models.CharField(max_length=64, blank=True)
    sub_key = models.CharField(max_length=64, blank=True, default="")
    snapshot = models.ForeignKey(
        "billing.StorageSnapshot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    credits_event_id = models.BigIntegerField(null=True, blank=True)
    shipment_id = models.BigIntegerField(null=True, blank=True)
    order_reference = models.CharField(max_length=64, blank=True)
    asn_reference = models.CharField(max_length=64, blank=True)
    carton_sscc = models.CharField(max_length=32, blank=True)
    tracking_code = models.CharField(max_length=64, blank=True)
    sku = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=200, blank=True)
    invoice = models.ForeignKey(
        "billing.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["activity_date", "pk"]
        constraints = [
            # The exactly-once guarantee: an event is charged by a rule at most once (materials:
            # once per material code), however often the job runs or crashes.
            models.UniqueConstraint(
                fields=["event", "rule", "sub_key"],
                condition=Q(event__isnull=False),
                name="one_charge_per_event_rule",
            ),
            models.UniqueConstraint(
                fields=["period", "basis"],
                condition=Q(basis__in=["storage_minimum", "period_minimum"]),
                name="one_minimum_per_period",
            ),
        ]
        indexes = [
            models.Index(
                fields=["credits_event_id"],
                condition=Q(credits_event_id__isnull=False),
                name="charge_credits_event",
            ),
            models.Index(
                fields=["invoice"], condition=Q(invoice__isnull=False), name="charge_invoice"
            ),
            models.Index(
                fields=["shipment_id"],
                condition=Q(shipment_id__isnull=False),
                name="charge_shipment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class UnratedReason(models.TextChoices):
    NO_CLIENT = "no_client", "No client on the activity"
    NO_RATE_CARD = "no_rate_card", "No rate card"
    NO_MATCHING_RULE = "no_matching_rule", "No matching rule"
    MISSING_DIMENSIONS = "missing_dimensions", "Missing product dimensions"
    CURRENCY = "currency", "Cost in another currency"
    NOTHING_TO_CREDIT = "nothing_to_credit", "Nothing to credit"


class UnratedStatus(models.TextChoices):
    OPEN = "open", "Waiting"
    NON_BILLABLE = "non_billable", "Marked non-billable"
    RESOLVED = "resolved", "Rated"


class UnratedActivity(models.Model):
    """A billable event the rating job could not charge, with the reason. It blocks closing its
    period until a manager rates it (after fixing the card) or marks it non-billable."""

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    event_type = models.CharField(max_length=64)
    kind = models.CharField(max_length=16)
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period = models.ForeignKey(
        BillingPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="unrated"
    )
    activity_date = models.DateField()
    reason_code = models.CharField(max_length=24, choices=UnratedReason.choices)
    reason = models.CharField(max_length=300)
    status = models.CharField(
        max_length=16, choices=UnratedStatus.choices, default=UnratedStatus.OPEN
    )
    resolution_note = models.CharField(max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["activity_date", "pk"]
        verbose_name_plural = "unrated activities"
        constraints = [
            # An event waits in the queue (or is marked non-billable) at most once.
            models.UniqueConstraint(
                fields=["event"],
                condition=~Q(status="resolved"),
                name="one_unrated_entry_per_event",
            ),
        ]
        indexes = [models.Index(fields=["status", "client"], name="unrated_status_client")]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.event_id}: {self.reason}"


class RatingCheckpoint(models.Model):
    """Where the rating job is in the outbox: the (transaction id, event id) of the last event
    it read. One row (pk 1) per tenant, locked by the job for the whole batch, so two runs never
    read the same batch; advanced in the batch's transaction."""

    last_txid = models.BigIntegerField(default=0)
    last_event_id = models.BigIntegerField(default=0)
    events_read = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"rated up to event {self.last_event_id}"


class StorageDay(models.Model):
    """One warehouse night recorded (with or without stock): the nightly task fills every day
    after the last one recorded, so a missed night is found and recorded late."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    as_of = models.DateTimeField(help_text="The instant the occupancy was computed for.")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["warehouse", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "date"], name="one_storage_day")
        ]

    def __str__(self) -> str:
        return f"{self.warehouse_id} {self.date}"


class StorageSnapshot(models.Model):
    """A client's stock in one warehouse at the end of one local day, computed from the ledger
    as of that midnight. `volume_cm3` covers the products with dimensions; `undimensioned` holds
    the units of those without ({product id: units}), so a cubic rule can be rated once they are
    measured. `locations` counts occupied locations per storage type."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    units = models.BigIntegerField()
    volume_cm3 = models.BigIntegerField()
    undimensioned = models.JSONField(default=dict, blank=True)
    pallets = models.IntegerField()
    locations = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["warehouse", "client", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "client", "date"], name="one_snapshot_per_client_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} at {self.warehouse_id} on {self.date}: {self.units} units"
