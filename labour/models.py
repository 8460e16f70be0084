"""Labour: the shifts operators clock on the handheld (a manager corrects one with a reason),
and each warehouse's engineered standard per task kind. Task time itself is not stored here:
it comes from the scans the floor apps already record (a pick list's start and finish, a
putaway's start and end, a carton's opening and closing)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from inventory.models import Warehouse


class TaskKind(models.TextChoices):
    PICK = "pick", "Pick"
    PUTAWAY = "putaway", "Putaway"
    PACK = "pack", "Pack"


class Shift(models.Model):
    """One stretch of clocked time: clock in to clock out (open while `ended_at` is empty)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    correction_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(ended_at__isnull=True), name="one_open_shift_per_user"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=F("started_at")),
                name="shift_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["warehouse", "started_at"])]

    def __str__(self) -> str:
        return f"Shift of user {self.user_id} from {self.started_at:%Y-%m-%d %H:%M}"


class LabourStandard(models.Model):
    """Engineered standard for one kind of task in one warehouse: a fixed time per task plus
    time per line, per unit and per location visited, all in seconds."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    task_kind = models.CharField(max_length=16, choices=TaskKind.choices)
    per_task_seconds = models.PositiveIntegerField(default=0)
    per_line_seconds = models.PositiveIntegerField(default=0)
    per_unit_seconds = models.PositiveIntegerField(default=0)
    per_location_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "task_kind"], name="one_standard_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_task_kind_display()} standard of warehouse {self.warehouse_id}"

    def seconds_for(self, *, lines: int, units: int, locations: int) -> int:
        return (
            self.per_task_seconds
            + self.per_line_seconds * lines
            + self.per_unit_seconds * units
            + self.per_location_seconds * locations
        )


class IndirectCode(models.TextChoices):
    CLEANING = "cleaning", "Cleaning"
    MEETING = "meeting", "Meeting"
    TRAINING = "training", "Training"
    EQUIPMENT = "equipment", "Equipment"


class IndirectTime(models.Model):
    """Clocked time an operator says went to indirect work rather than idle."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=16, choices=IndirectCode.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ended_at__isnull=True),
                name="one_open_indirect_per_user",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=F("started_at")),
                name="indirect_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} of user {self.user_id}"
