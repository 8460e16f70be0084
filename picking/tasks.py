"""Celery entry points of picking; each runs in its tenant's schema (sent per tenant by beat)
and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from picking.services.backorders import retry_backorders
from picking.services.wave_rules import run_due_wave_rules


@shared_task(name="picking.retry_backorders")
def retry_backorders_task() -> int:
    """Re-allocates backordered and partially allocated orders whose stock has arrived. Returns
    the units reserved."""
    return retry_backorders().units


@shared_task(name="picking.run_wave_rules")
def run_wave_rules_task() -> list[str]:
    """Creates (and, where the rule says so, releases) the waves of due saved wave rules.
    Returns the wave numbers made."""
    return [run.wave_number for run in run_due_wave_rules() if run.wave_number]
