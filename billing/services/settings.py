"""The tenant's billing settings: who invoices, in which currency, with which tax."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from billing.exceptions import ChargeRefused
from billing.models import BillingSettings, ChargeLine
from inventory.events import emit

if TYPE_CHECKING:
    from wms.accounts.models import User


@transaction.atomic
def save_billing_settings(*, user: User, **fields: Any) -> BillingSettings:
    """Saves the settings row. The currency cannot change once anything was charged: one
    currency per tenant, so no invoice ever mixes two."""
    current = BillingSettings.objects.select_for_update().filter(pk=1).first()
    settings = current or BillingSettings(pk=1)
    new_currency = fields.get("currency", settings.currency)
    if new_currency != settings.currency and ChargeLine.objects.exists():
        raise ChargeRefused(
            f"Charges in {settings.currency} exist: the currency stays {settings.currency}.",
            field_errors={"currency": [f"Charges in {settings.currency} exist already."]},
        )
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    emit(
        "billing.settings_changed",
        client_id=None,
        warehouse_id=None,
        payload={"fields": sorted(fields)},
        user=user,
    )
    return settings
