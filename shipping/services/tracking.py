"""Tracking updates from EasyPost's webhook: each event is kept once (TrackingEvent is unique on
EasyPost's event id) and moves the shipment's tracking status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from inventory.events import emit
from shipping.models import Shipment, TrackingEvent

TRACKER_UPDATED = "tracker.updated"
TRACKER_CREATED = "tracker.created"
TRACKER_EVENTS = frozenset({TRACKER_UPDATED, TRACKER_CREATED})


@dataclass(frozen=True)
class WebhookOutcome:
    recorded: bool  # False: a repeat of an event already kept, or not a tracker event
    shipment_id: int | None = None
    status: str = ""


def record_tracking_event(event: dict[str, Any]) -> WebhookOutcome:
    """Keeps a tracker event and sets the shipment's tracking status (`shipment.tracking_updated`).
    A repeat of the same EasyPost event id writes nothing; an unknown tracking code is kept with
    no shipment (EasyPost may know labels bought elsewhere)."""
    description = str(event.get("description") or "")
    event_id = str(event.get("id") or "")
    result = event.get("result") if isinstance(event.get("result"), dict) else {}
    assert isinstance(result, dict)
    if description not in TRACKER_EVENTS or not event_id:
        return WebhookOutcome(recorded=False)
    tracking_code = str(result.get("tracking_code") or "")[:64]
    status = str(result.get("status") or "")[:32]
    try:
        with transaction.atomic():
            shipment = (
                Shipment.objects.select_for_update().filter(tracking_code=tracking_code).first()
                if tracking_code
                else None
            )
            TrackingEvent.objects.create(
                shipment=shipment,
                easypost_event_id=event_id[:64],
                tracking_code=tracking_code,
                status=status,
                payload=event,
            )
            if shipment is not None and status:
                shipment.tracking_status = status
                shipment.updated_at = timezone.now()
                shipment.save(update_fields=["tracking_status", "updated_at"])
                emit(
                    "shipment.tracking_updated",
                    client_id=shipment.client_id,
                    warehouse_id=shipment.warehouse_id,
                    payload={
                        "shipment_id": shipment.pk,
                        "tracking_code": tracking_code,
                        "status": status,
                        "status_detail": str(result.get("status_detail") or ""),
                        "event_id": event_id,
                    },
                )
    except IntegrityError:
        # The unique event id: EasyPost delivered this event before (it retries on timeouts).
        return WebhookOutcome(recorded=False)
    return WebhookOutcome(
        recorded=True, shipment_id=shipment.pk if shipment else None, status=status
    )
