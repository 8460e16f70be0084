"""Min/max per pick face and the replenishment tasks that refill it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from inventory.lifecycle import Lifecycle
from inventory.models import (
    Location,
    Lot,
    Lpn,
    Product,
    Warehouse,
)


class PickFaceRule(models.Model):
    """Min/max per pick face and product: below `min_qty` the face is refilled towards
    `max_qty` in whole `multiple`s (a case), from reserve stock."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    min_qty = models.PositiveIntegerField()
    max_qty = models.PositiveIntegerField()
    multiple = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["location__code", "product__sku"]
        constraints = [
            models.UniqueConstraint(fields=["location", "product"], name="one_rule_per_face"),
            models.CheckConstraint(condition=Q(max_qty__gt=F("min_qty")), name="max_above_min"),
            models.CheckConstraint(condition=Q(multiple__gte=1), name="multiple_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.location_id}/{self.product_id}: {self.min_qty}-{self.max_qty}"


class ReplenishmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_REPLENISHMENT_STATUSES = (ReplenishmentStatus.OPEN, ReplenishmentStatus.IN_PROGRESS)


class ReplenishmentTrigger(models.TextChoices):
    PICK = "pick", "A pick dropped the face below its min"
    ALLOCATION = "allocation", "Allocation found the face short"
    SWEEP = "sweep", "Nightly sweep"


class ReplenishmentTask(models.Model):
    """Move `quantity` of a product from a reserve location to a pick face."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    from_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_lpn = models.ForeignKey(
        Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField()
    trigger = models.CharField(max_length=16, choices=ReplenishmentTrigger.choices)
    status = models.CharField(
        max_length=16, choices=ReplenishmentStatus.choices, default=ReplenishmentStatus.OPEN
    )
    priority = models.IntegerField(default=0)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "created_at", "pk"]
        constraints = [
            # Never two open tasks for one face and product: eight pickers draining the face
            # at once make one task (the inserts behind the first do nothing).
            models.UniqueConstraint(
                fields=["location", "product"],
                condition=Q(status__in=OPEN_REPLENISHMENT_STATUSES),
                name="one_open_replenishment_per_face",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="replenish_quantity_pos"),
        ]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return f"replenish {self.quantity} of {self.product_id} to {self.location_id}"


REPLENISHMENT_LIFECYCLE: Lifecycle[ReplenishmentTask] = Lifecycle(
    model=ReplenishmentTask,
    transitions={
        ReplenishmentStatus.OPEN: frozenset(
            {
                ReplenishmentStatus.IN_PROGRESS,
                ReplenishmentStatus.DONE,
                ReplenishmentStatus.CANCELLED,
            }
        ),
        ReplenishmentStatus.IN_PROGRESS: frozenset(
            {ReplenishmentStatus.DONE, ReplenishmentStatus.CANCELLED, ReplenishmentStatus.OPEN}
        ),
    },
    event_prefix="replenishment",
    describe=lambda task: f"Replenishment task {task.pk}",
    payload=lambda task: {
        "replenishment_task_id": task.pk,
        "location_id": task.location_id,
        "product_id": task.product_id,
        "quantity": task.quantity,
    },
    stamps={ReplenishmentStatus.DONE: "done_at"},
    client_of=lambda task: task.product.client_id,
)
