"""A client's dispute of one charge line: the client's note, then the 3PL's answer (accepted,
with a credit note issued on the desk as usual, or rejected). Billing owns it because billing
owns the charge; the portal only opens disputes through billing.services.disputes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from billing.models.charges import ChargeLine
from inventory.lifecycle import Lifecycle
from inventory.models import Client


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


DISPUTE_TRANSITIONS: dict[str, frozenset[str]] = {
    DisputeStatus.OPEN: frozenset({DisputeStatus.ACCEPTED, DisputeStatus.REJECTED}),
}


class Dispute(models.Model):
    charge = models.ForeignKey(ChargeLine, on_delete=models.PROTECT, related_name="disputes")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    note = models.TextField(max_length=2000)
    answer = models.TextField(max_length=2000, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open dispute per charge line: a second note goes to the first dispute's answer.
            models.UniqueConstraint(
                fields=["charge"],
                condition=Q(status="open"),
                name="one_open_dispute_per_charge",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return f"Dispute {self.pk} of “{self.charge.description}”"


DISPUTE_LIFECYCLE = Lifecycle(
    model=Dispute,
    transitions=DISPUTE_TRANSITIONS,
    event_prefix="dispute",
    describe=lambda dispute: f"Dispute {dispute.pk}",
    payload=lambda dispute: {
        "dispute_id": dispute.pk,
        "charge_id": dispute.charge_id,
    },
    stamps={DisputeStatus.ACCEPTED: "answered_at", DisputeStatus.REJECTED: "answered_at"},
)
