"""Return to stock: units an order cancelled after picking left in a tote or at staging."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from inventory.lifecycle import Lifecycle
from inventory.models import (
    Location,
    Lot,
    Lpn,
    Product,
    Warehouse,
)


class ReturnStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class ReturnTask(models.Model):
    """Units left in a tote or at staging by an order cancelled after picking: take them back
    to their bin (or another bin the operator scans)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    from_lpn = models.ForeignKey(
        Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference_type = models.CharField(max_length=32)
    reference_id = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_quantity_pos")
        ]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return f"return {self.quantity} of {self.product_id}"


RETURN_LIFECYCLE: Lifecycle[ReturnTask] = Lifecycle(
    model=ReturnTask,
    transitions={
        ReturnStatus.OPEN: frozenset({ReturnStatus.IN_PROGRESS, ReturnStatus.DONE}),
        ReturnStatus.IN_PROGRESS: frozenset({ReturnStatus.DONE, ReturnStatus.OPEN}),
    },
    event_prefix="return_to_stock",
    describe=lambda task: f"Return task {task.pk}",
    payload=lambda task: {
        "return_task_id": task.pk,
        "product_id": task.product_id,
        "quantity": task.quantity,
        "reference": {"type": task.reference_type, "id": task.reference_id},
    },
    stamps={ReturnStatus.DONE: "done_at"},
    client_of=lambda task: task.product.client_id,
)
