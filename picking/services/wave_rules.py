"""Saved wave rules: create, change and delete. A rule's filters have the planning page's shape
(picking.selectors.open_orders reads them); the task that runs due rules lives elsewhere."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from inventory.events import emit
from picking.models import WaveRule


@transaction.atomic
def save_wave_rule(rule: WaveRule | None, user: Any, **fields: Any) -> WaveRule:
    """Creates a rule (`rule` None) or changes one, and records who did it."""
    created = rule is None
    rule = rule or WaveRule()
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    emit(
        "wave_rule.created" if created else "wave_rule.changed",
        client_id=None,
        warehouse_id=rule.warehouse_id,
        payload={"wave_rule_id": rule.pk, "name": rule.name, "filters": rule.filters},
        user=user,
    )
    return rule


@transaction.atomic
def delete_wave_rule(rule: WaveRule, user: Any) -> None:
    """Deletes a rule; waves it made keep their filters and lose only the link."""
    emit(
        "wave_rule.deleted",
        client_id=None,
        warehouse_id=rule.warehouse_id,
        payload={"wave_rule_id": rule.pk, "name": rule.name},
        user=user,
    )
    rule.delete()
