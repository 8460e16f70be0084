"""A manager's hands on the sync log: retry a failed row (sent to a worker after commit, never
run in the request), or skip one with a reason (never pushed or applied again)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from erp.exceptions import SyncRefused
from erp.models import Direction, SyncRecord, SyncState
from shipping.services.shipments import send_after_commit

if TYPE_CHECKING:
    from wms.accounts.models import User

RETRY_TASK = "erp.retry_record"


def _lock(record: SyncRecord) -> SyncRecord:
    return SyncRecord.objects.select_for_update().get(pk=record.pk)


@transaction.atomic
def retry_record(*, user: User, record: SyncRecord) -> SyncRecord:
    """A failed row becomes pending again, due now, and a worker is asked to try it after
    commit (outbound: push it; inbound: read the ERP document again and apply it). Refused for
    rows that are done, skipped or already pending."""
    locked = _lock(record)
    if locked.state != SyncState.FAILED:
        raise SyncRefused(
            f"Only a failed row can be retried; this one is {locked.get_state_display().lower()}."
        )
    locked.state = SyncState.PENDING
    locked.next_attempt_at = None
    locked.message = f"Retry asked by {user.email}. {locked.message}"[:2000]
    locked.updated_at = timezone.now()
    if locked.direction == Direction.OUTBOUND:
        # A manual retry gets the full number of attempts again.
        locked.attempts = 0
    locked.save(update_fields=["state", "next_attempt_at", "message", "updated_at", "attempts"])
    send_after_commit(RETRY_TASK, [locked.pk])
    return locked


@transaction.atomic
def skip_record(*, user: User, record: SyncRecord, reason: str) -> SyncRecord:
    """Marks a pending or failed row skipped with the reason: it is never tried again (the
    document was handled in the ERP by hand, say)."""
    reason = reason.strip()
    if not reason:
        raise SyncRefused("Say why the row is skipped.", field_errors={"reason": ["Required."]})
    locked = _lock(record)
    if locked.state not in (SyncState.PENDING, SyncState.FAILED):
        raise SyncRefused(
            f"Only a pending or failed row can be skipped; this one is "
            f"{locked.get_state_display().lower()}."
        )
    now = timezone.now()
    locked.state = SyncState.SKIPPED
    locked.skip_reason = f"{reason} ({user.email})"[:300]
    locked.next_attempt_at = None
    locked.updated_at = now
    locked.save(update_fields=["state", "skip_reason", "next_attempt_at", "updated_at"])
    return locked
