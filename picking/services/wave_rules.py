"""Saved wave rules: create, change, delete, and run the due ones (beat, every minute). A rule's
filters have the planning page's shape (picking.selectors.open_orders reads them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from inventory.events import emit
from picking.exceptions import WaveRefused
from picking.models import WaveRule
from picking.selectors import due_wave_rules, open_orders
from picking.services.waves import create_wave, release_wave

if TYPE_CHECKING:
    from wms.accounts.models import User


@transaction.atomic
def save_wave_rule(*, rule: WaveRule | None, user: User, **fields: Any) -> WaveRule:
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
def delete_wave_rule(*, rule: WaveRule, user: User) -> None:
    """Deletes a rule; waves it made keep their filters and lose only the link."""
    emit(
        "wave_rule.deleted",
        client_id=None,
        warehouse_id=rule.warehouse_id,
        payload={"wave_rule_id": rule.pk, "name": rule.name},
        user=user,
    )
    rule.delete()


@dataclass(frozen=True)
class RuleRun:
    rule_id: int
    wave_number: str = ""
    orders: int = 0
    released: bool = False
    note: str = ""


def run_due_wave_rules(now: dt.datetime | None = None) -> list[RuleRun]:
    """Runs every active rule whose interval has passed: each in its own transaction, so one
    failing rule never holds back the others."""
    now = now or timezone.now()
    return [run for rule in due_wave_rules(now) if (run := run_wave_rule(rule.pk, now))]


@transaction.atomic
def run_wave_rule(rule_id: int, now: dt.datetime) -> RuleRun | None:
    """Creates a wave from the rule's filters (at most `max_orders`, most urgent first) and
    releases it when the rule says so. The rule row is locked with SKIP LOCKED and its due time
    checked under the lock, so two beat runs at once make one wave."""
    rule = WaveRule.objects.select_for_update(skip_locked=True).filter(pk=rule_id).first()
    if rule is None or not rule.is_active:
        return None
    if rule.last_run_at and rule.last_run_at + dt.timedelta(minutes=rule.interval_minutes) > now:
        return None
    rule.last_run_at = now
    rule.save(update_fields=["last_run_at"])
    ids = list(
        open_orders(rule.warehouse_id, rule.filters).values_list("pk", flat=True)[: rule.max_orders]
    )
    if not ids:
        return RuleRun(rule.pk, note="no open orders matched")
    created = create_wave(
        warehouse=rule.warehouse,
        order_ids=ids,
        user=None,
        pick_method=rule.pick_method,
        filters=rule.filters,
        rule_id=rule.pk,
    )
    if not rule.release_immediately:
        return RuleRun(rule.pk, created.wave.number, len(ids))
    try:
        with transaction.atomic():
            release_wave(wave=created.wave, user=None, pick_method=rule.pick_method)
    except WaveRefused as refused:
        return RuleRun(rule.pk, created.wave.number, len(ids), note=refused.message)
    return RuleRun(rule.pk, created.wave.number, len(ids), released=True)
