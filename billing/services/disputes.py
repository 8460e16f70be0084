"""Disputes of charge lines: a client user opens one with a note (on a line of their own
client's, one open dispute per line); a manager answers it, accepting or rejecting, with a
message the client reads. Each change writes its event in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.exceptions import DisputeRefused
from billing.models import DISPUTE_LIFECYCLE, ChargeLine, Dispute, DisputeStatus
from inventory import lifecycle
from inventory.events import emit

if TYPE_CHECKING:
    from wms.accounts.models import User

MAX_NOTE = 2000


def _text(value: str, field: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DisputeRefused(f"Write {what}.", field_errors={field: [f"Write {what}."]})
    if len(text) > MAX_NOTE:
        message = f"Keep {what} to {MAX_NOTE} characters; it has {len(text)}."
        raise DisputeRefused(message, field_errors={field: [message]})
    return text


@transaction.atomic
def open_dispute(*, charge: ChargeLine, note: str, user: User) -> Dispute:
    """Opens a dispute of the line with the client's note. Refused (nothing written) when the
    note is empty or the line already has an open dispute. The caller has checked that the
    line is the user's client's (billing.dispute_charge)."""
    text = _text(note, "note", "what is wrong with this charge")
    locked = ChargeLine.objects.select_for_update().get(pk=charge.pk)
    if Dispute.objects.filter(charge=locked, status=DisputeStatus.OPEN).exists():
        raise DisputeRefused(
            "This charge is already disputed; the warehouse has not answered yet.",
            field_errors={"note": ["This charge already has an open dispute."]},
        )
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                charge=locked, client_id=locked.client_id, note=text, opened_by=user
            )
    except IntegrityError as exc:  # a concurrent dispute of the same line won
        raise DisputeRefused("This charge is already disputed.") from exc
    emit(
        "dispute.opened",
        client_id=locked.client_id,
        warehouse_id=None,
        payload={
            "dispute_id": dispute.pk,
            "charge_id": locked.pk,
            "amount": str(locked.amount),
            "description": locked.description,
        },
        user=user,
    )
    return dispute


@transaction.atomic
def answer_dispute(*, dispute: Dispute, accept: bool, answer: str, user: User) -> Dispute:
    """A manager's answer: accepted or rejected, with the message the client reads. Refused
    once answered. Accepting writes no money: a credit note is issued on the invoice (or the
    line re-rated) as for any correction."""
    text = _text(answer, "answer", "the answer the client will read")
    locked = Dispute.objects.select_for_update().select_related("charge").get(pk=dispute.pk)
    to_status = DisputeStatus.ACCEPTED if accept else DisputeStatus.REJECTED
    return lifecycle.transition(
        DISPUTE_LIFECYCLE,
        locked,
        to_status,
        user=user,
        payload={"answer": text},
        changes={"answer": text, "answered_by": user, "answered_at": timezone.now()},
    )
