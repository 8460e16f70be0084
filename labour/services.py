"""Clocking in and out on the handheld, a manager's correction of a shift, and a warehouse's
labour standards. Each is one transaction that writes its event; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from inventory.events import emit
from inventory.models import Warehouse
from labour.exceptions import LabourRefused
from labour.models import IndirectCode, IndirectTime, LabourStandard, Shift, TaskKind

if TYPE_CHECKING:
    from wms.accounts.models import User


def _shift_payload(shift: Shift) -> dict[str, object]:
    return {
        "shift_id": shift.pk,
        "user_id": shift.user_id,
        "started_at": shift.started_at.isoformat(),
        "ended_at": shift.ended_at.isoformat() if shift.ended_at else None,
    }


@transaction.atomic
def clock_in(*, user: User, warehouse: Warehouse, at: dt.datetime | None = None) -> Shift:
    """Opens the user's shift in `warehouse`; refused while one is open (a repeated tap
    clocks in once)."""
    open_shift = Shift.objects.select_for_update().filter(user=user, ended_at__isnull=True).first()
    if open_shift is not None:
        raise LabourRefused(
            f"You are already clocked in since {timezone.localtime(open_shift.started_at):%H:%M}."
        )
    shift = Shift.objects.create(user=user, warehouse=warehouse, started_at=at or timezone.now())
    emit(
        "shift.started",
        client_id=None,
        warehouse_id=warehouse.pk,
        payload=_shift_payload(shift),
        user=user,
    )
    return shift


@transaction.atomic
def clock_out(*, user: User, at: dt.datetime | None = None) -> Shift:
    """Closes the user's open shift; refused when none is open."""
    shift = Shift.objects.select_for_update().filter(user=user, ended_at__isnull=True).first()
    if shift is None:
        raise LabourRefused("You are not clocked in.")
    ended = at or timezone.now()
    if ended <= shift.started_at:
        raise LabourRefused("A shift must end after it starts.")
    # Indirect time open at clock-out ends with the shift.
    IndirectTime.objects.filter(user=user, ended_at__isnull=True, started_at__lt=ended).update(
        ended_at=ended
    )
    shift.ended_at = ended
    shift.save(update_fields=["ended_at"])
    emit(
        "shift.ended",
        client_id=None,
        warehouse_id=shift.warehouse_id,
        payload=_shift_payload(shift),
        user=user,
    )
    return shift


@transaction.atomic
def correct_shift(
    *,
    shift: Shift,
    started_at: dt.datetime,
    ended_at: dt.datetime | None,
    reason: str,
    user: User,
) -> Shift:
    """A manager's correction of a shift's times (a forgotten clock-out); the reason is
    required and kept on the shift and in `shift.corrected`."""
    if not reason.strip():
        raise LabourRefused(
            "Say why the shift is corrected.", field_errors={"reason": ["Required."]}
        )
    if ended_at is not None and ended_at <= started_at:
        raise LabourRefused(
            "A shift must end after it starts.", field_errors={"ended_at": ["Before the start."]}
        )
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    before = _shift_payload(shift)
    shift.started_at, shift.ended_at = started_at, ended_at
    shift.corrected_by, shift.correction_reason = user, reason.strip()
    shift.save(update_fields=["started_at", "ended_at", "corrected_by", "correction_reason"])
    emit(
        "shift.corrected",
        client_id=None,
        warehouse_id=shift.warehouse_id,
        payload={**_shift_payload(shift), "before": before, "reason": shift.correction_reason},
        user=user,
    )
    return shift


@transaction.atomic
def set_standard(
    *,
    warehouse: Warehouse,
    task_kind: str,
    per_task_seconds: int,
    per_line_seconds: int,
    per_unit_seconds: int,
    per_location_seconds: int,
    user: User,
) -> LabourStandard:
    """Sets the engineered standard of one task kind in one warehouse."""
    if task_kind not in TaskKind.values:
        raise LabourRefused(f"Unknown task kind {task_kind!r}.")
    standard, _ = LabourStandard.objects.update_or_create(
        warehouse=warehouse,
        task_kind=task_kind,
        defaults={
            "per_task_seconds": per_task_seconds,
            "per_line_seconds": per_line_seconds,
            "per_unit_seconds": per_unit_seconds,
            "per_location_seconds": per_location_seconds,
        },
    )
    emit(
        "labour_standard.changed",
        client_id=None,
        warehouse_id=warehouse.pk,
        payload={
            "task_kind": task_kind,
            "seconds": [per_task_seconds, per_line_seconds, per_unit_seconds, per_location_seconds],
        },
        user=user,
    )
    return standard


@transaction.atomic
def start_indirect(*, user: User, code: str, at: dt.datetime | None = None) -> IndirectTime:
    """Books the time from now to indirect work (`code`), ending any indirect time still open;
    refused outside a shift."""
    if code not in IndirectCode.values:
        raise LabourRefused(f"Unknown indirect code {code!r}.")
    shift = Shift.objects.select_for_update().filter(user=user, ended_at__isnull=True).first()
    if shift is None:
        raise LabourRefused("Clock in first.")
    started = at or timezone.now()
    IndirectTime.objects.filter(user=user, ended_at__isnull=True).update(ended_at=started)
    indirect = IndirectTime.objects.create(
        user=user, warehouse_id=shift.warehouse_id, code=code, started_at=started
    )
    emit(
        "indirect.started",
        client_id=None,
        warehouse_id=shift.warehouse_id,
        payload={"code": code, "started_at": started.isoformat()},
        user=user,
    )
    return indirect


@transaction.atomic
def end_indirect(*, user: User, at: dt.datetime | None = None) -> IndirectTime:
    """Ends the user's open indirect time; refused when none is open."""
    indirect = (
        IndirectTime.objects.select_for_update().filter(user=user, ended_at__isnull=True).first()
    )
    if indirect is None:
        raise LabourRefused("No indirect time is running.")
    ended = at or timezone.now()
    if ended <= indirect.started_at:
        raise LabourRefused("Indirect time must end after it starts.")
    indirect.ended_at = ended
    indirect.save(update_fields=["ended_at"])
    emit(
        "indirect.ended",
        client_id=None,
        warehouse_id=indirect.warehouse_id,
        payload={"code": indirect.code, "ended_at": ended.isoformat()},
        user=user,
    )
    return indirect
