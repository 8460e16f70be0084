"""Cycle counts: ABC classes, count plans, thresholds, count tasks, and what the ledger
held at the count's scan (never shown to the counter) against what was counted."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from inventory.lifecycle import Lifecycle
from inventory.models import (
    Client,
    CountRequest,
    Location,
    Lot,
    Lpn,
    Product,
    Warehouse,
    Zone,
)


class AbcClass(models.TextChoices):
    A = "A", "A (fast movers)"
    B = "B", "B"
    C = "C", "C (slow movers)"


class ProductClass(models.Model):
    """A product's ABC class in a warehouse, from its picked units over a window (recomputed
    nightly by control.tasks.classify_all)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    abc_class = models.CharField(max_length=1, choices=AbcClass.choices)
    picked_units = models.PositiveBigIntegerField(default=0)
    window_days = models.PositiveIntegerField(default=90)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "product"], name="one_class_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} in {self.warehouse_id}: {self.abc_class}"


class PlanKind(models.TextChoices):
    ABC = "abc", "By ABC class"
    ZONE = "zone", "By zone"
    ZERO_STOCK = "zero_stock", "Zero-stock bins"
    REQUESTS = "requests", "Count requests (short picks)"


class CountPlan(models.Model):
    """What to count and how often: bins holding a class's products, a zone's bins, bins that
    show zero, or the open count requests. Each run makes count tasks for bins not counted
    within `frequency_days` (and not already on an open task)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=PlanKind.choices)
    abc_class = models.CharField(max_length=1, choices=AbcClass.choices, blank=True)
    zone = models.ForeignKey(
        Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    frequency_days = models.PositiveIntegerField(default=30)
    is_active = models.BooleanField(default=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["warehouse__code", "name"]

    def __str__(self) -> str:
        return self.name


class CountSettings(models.Model):
    """A warehouse's variance thresholds: a count whose difference on any item exceeds any of
    them (units, percent of the expected quantity, value at the product's unit cost) needs a
    recount by another user before a manager decides."""

    warehouse = models.OneToOneField(
        Warehouse, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    max_units = models.PositiveIntegerField(default=5)
    max_percent = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("10"))
    max_value = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("100"))

    def __str__(self) -> str:
        return f"count thresholds of {self.warehouse_id}"


class CountStatus(models.TextChoices):
    OPEN = "open", "Open"
    COUNTING = "counting", "Counting"
    RECOUNT = "recount", "Recount needed"
    RECOUNTING = "recounting", "Recounting"
    REVIEW = "review", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


OPEN_COUNT_STATUSES = (
    CountStatus.OPEN,
    CountStatus.COUNTING,
    CountStatus.RECOUNT,
    CountStatus.RECOUNTING,
    CountStatus.REVIEW,
)


class CountTask(models.Model):
    """Count one bin. `round` is 1 for the first count and 2 for the recount; `scanned_at` is
    when the current round's counter scanned the bin (the moment the variance is measured at)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        CountPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    count_request = models.ForeignKey(
        CountRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=16, choices=PlanKind.choices)
    status = models.CharField(max_length=16, choices=CountStatus.choices, default=CountStatus.OPEN)
    priority = models.IntegerField(default=0, help_text="Higher is handed out first.")
    round = models.PositiveSmallIntegerField(default=1)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recounted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scanned_at = models.DateTimeField(null=True, blank=True)
    first_count_had_variance = models.BooleanField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "created_at", "pk"]
        constraints = [
            # One open count per bin: two plans (or a plan and a short pick) never send two
            # counters to the same bin.
            models.UniqueConstraint(
                fields=["location"],
                condition=Q(status__in=OPEN_COUNT_STATUSES),
                name="one_open_count_per_bin",
            ),
        ]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return f"count {self.pk} of {self.location_id} ({self.status})"


def _describe(task: CountTask) -> str:
    return f"Count task {task.pk}"


def _payload(task: CountTask) -> dict[str, object]:
    return {"count_task_id": task.pk, "location_id": task.location_id, "round": task.round}


COUNT_LIFECYCLE: Lifecycle[CountTask] = Lifecycle(
    model=CountTask,
    transitions={
        CountStatus.OPEN: frozenset({CountStatus.COUNTING, CountStatus.CANCELLED}),
        CountStatus.COUNTING: frozenset(
            {CountStatus.REVIEW, CountStatus.RECOUNT, CountStatus.APPROVED, CountStatus.OPEN}
        ),
        CountStatus.RECOUNT: frozenset({CountStatus.RECOUNTING, CountStatus.CANCELLED}),
        CountStatus.RECOUNTING: frozenset({CountStatus.REVIEW, CountStatus.RECOUNT}),
        CountStatus.REVIEW: frozenset({CountStatus.APPROVED, CountStatus.REJECTED}),
    },
    event_prefix="count",
    describe=_describe,
    payload=_payload,
    stamps={CountStatus.APPROVED: "decided_at", CountStatus.REJECTED: "decided_at"},
    client_of=lambda task: None,
)


class CountExpectation(models.Model):
    """What the ledger held in the bin, per product, lot and LPN (all statuses), at the moment
    the round's counter scanned it. Never shown to the counter."""

    task = models.ForeignKey(CountTask, on_delete=models.CASCADE, related_name="expectations")
    round = models.PositiveSmallIntegerField()
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lpn = models.ForeignKey(Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    quantity = models.IntegerField()

    def __str__(self) -> str:
        return f"expected {self.quantity} of {self.product_id}"


class CountLine(models.Model):
    """What a counter counted in the bin: one product (lot, LPN) and its quantity, per round."""

    task = models.ForeignKey(CountTask, on_delete=models.CASCADE, related_name="lines")
    round = models.PositiveSmallIntegerField()
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lpn = models.ForeignKey(Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    counted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"counted {self.quantity} of {self.product_id}"
