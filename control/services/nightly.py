"""The nightly run of inventory control: ABC classes from the last window's picks, then every
active count plan (a plan leaves bins counted within its frequency, and bins on open counts)."""

from __future__ import annotations

from control.models import CountPlan
from control.services.plans import recompute_classes, run_plan
from inventory.models import Warehouse


def nightly_counts() -> int:
    """Recomputes classes per active warehouse, then runs each active plan; returns the number
    of count tasks made. Safe to run twice: a second run finds the bins on open counts."""
    for warehouse in Warehouse.objects.filter(is_active=True).order_by("pk"):
        recompute_classes(warehouse=warehouse)
    made = 0
    for plan in CountPlan.objects.filter(is_active=True, warehouse__is_active=True).order_by("pk"):
        made += run_plan(plan=plan, user=None)
    return made
