"""Tracking updates from EasyPost's webhook: each event is kept once (TrackingEvent is unique on
EasyPost's event id) and moves the shipment's tracking status; and the webhook's secret, set
per tenant by a manager."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from inventory.events import emit
from shipping.exceptions import CatalogRefused
from shipping.models import CarrierSettings, Shipment, TrackingEvent

if TYPE_CHECKING:
    from wms.accounts.models import User

MIN_SECRET_LENGTH = 16

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
    A repeat of the same EasyPost event id writes nothing, and so does an event for a tracking
    code of no shipment here (a label bought elsewhere on the same EasyPost account): it is
    acknowledged, so EasyPost stops sending it, and never kept as an orphan."""
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
            if shipment is None:
                return WebhookOutcome(recorded=False)
            TrackingEvent.objects.create(
                shipment=shipment,
                easypost_event_id=event_id[:64],
                tracking_code=tracking_code,
                status=status,
                payload=event,
            )
            if status:
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
    return WebhookOutcome(recorded=True, shipment_id=shipment.pk, status=status)


@transaction.atomic
def set_webhook_secret(*, user: User, secret: str = "") -> str:
    """Sets this tenant's EasyPost webhook secret (a new random one when none is given: 256
    bits) and returns it, for the page to show once. The one it replaces is still accepted for
    SHIPPING_WEBHOOK_PREVIOUS_SECRET_HOURS, while the new one is entered at EasyPost. Writes
    `carrier_settings.webhook_secret_set` (never the secret itself)."""
    secret = secret.strip() or secrets.token_urlsafe(32)
    if len(secret) < MIN_SECRET_LENGTH or not secret.isprintable() or " " in secret:
        raise CatalogRefused(
            f"A webhook secret is at least {MIN_SECRET_LENGTH} printable characters without "
            "spaces; leave it empty to have one generated.",
            field_errors={"secret": ["Too short, or it has spaces or control characters."]},
        )
    CarrierSettings.objects.get_or_create(pk=1)
    row = CarrierSettings.objects.select_for_update().get(pk=1)
    now = timezone.now()
    rotated = bool(row.webhook_secret) and row.webhook_secret != secret
    if rotated:
        row.previous_webhook_secret = row.webhook_secret
        hours = settings.SHIPPING_WEBHOOK_PREVIOUS_SECRET_HOURS
        row.previous_secret_expires_at = now + dt.timedelta(hours=hours)
    row.webhook_secret = secret
    row.webhook_secret_set_at = now
    row.webhook_secret_set_by = user
    row.save()
    emit(
        "carrier_settings.webhook_secret_set",
        client_id=None,
        warehouse_id=None,
        payload={
            "rotated": rotated,
            "previous_valid_until": row.previous_secret_expires_at.isoformat()
            if rotated and row.previous_secret_expires_at
            else None,
        },
        user=user,
    )
    return secret
