"""The order in which "Get work" hands out kinds of work, per warehouse."""

from __future__ import annotations

from django.db import models

from inventory.models import (
    Warehouse,
)


class WorkKind(models.TextChoices):
    REPLENISHMENT = "replenishment", "Replenishment"
    PICKING = "picking", "Picking"
    PUTAWAY = "putaway", "Putaway"
    RETURNS = "returns", "Return to stock"
    COUNTING = "counting", "Counting"


class WorkRule(models.Model):
    """A warehouse's order of kinds of work for "Get work": rank 1 is handed out first; an
    inactive kind is never handed out by the queue."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=WorkKind.choices)
    rank = models.PositiveSmallIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["warehouse__code", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "kind"], name="one_rule_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.rank}"
