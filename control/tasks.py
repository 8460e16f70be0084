"""Inventory control's Celery entry points, each run in its tenant's schema (beat sends them
once per ready tenant), each safe to run twice."""

from __future__ import annotations

from celery import shared_task

from control.services.alerts import check_low_stock
from control.services.nightly import nightly_counts
from control.services.replenishment import sweep


@shared_task(name="control.nightly_counts")
def nightly_counts_task() -> int:
    """Recomputes every warehouse's ABC classes and runs the active count plans. Returns the
    count tasks made."""
    return nightly_counts()


@shared_task(name="control.replenishment_sweep")
def replenishment_sweep_task() -> int:
    """Gives every pick face below its min an open replenishment task (one each)."""
    return sweep()


@shared_task(name="control.check_low_stock")
def check_low_stock_task() -> int:
    """Raises (and clears) low-stock alerts; returns how many were raised."""
    return check_low_stock().raised
