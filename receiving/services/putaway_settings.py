"""A warehouse's putaway strategy settings: saved by managers, read by the putaway-task services
through receiving.selectors.putaway_policy_for. Saving validates the strategies against the
engine (known names, each once) and writes a "putaway.settings_changed" event."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from inventory.events import emit
from inventory.models import Warehouse
from receiving.exceptions import NotPermitted
from receiving.models import PutawaySettings
from receiving.putaway import PutawayPolicy
from wms.exceptions import DomainError

if TYPE_CHECKING:
    from wms.accounts.models import User


class SettingsRefused(DomainError):
    code = "putaway_settings_refused"


def save_putaway_settings(
    *,
    user: User,
    warehouse: Warehouse,
    strategies: Sequence[str],
    one_client_per_location: bool,
    one_product_per_location: bool,
    one_lot_per_location: bool,
) -> PutawaySettings:
    """Stores the warehouse's ordered strategies and mixing rules (managers and admins)."""
    if not user.has_perm("receiving.manage_putaway", warehouse):
        raise NotPermitted(f"Only a manager may change the putaway settings of {warehouse.code}.")
    names = tuple(name.strip() for name in strategies)
    if not names:
        raise SettingsRefused(
            "Choose at least one putaway strategy.",
            field_errors={"strategies": ["Choose at least one strategy."]},
        )
    try:
        PutawayPolicy(strategies=names)
    except ValueError as error:
        raise SettingsRefused(str(error), field_errors={"strategies": [str(error)]}) from error
    with transaction.atomic():
        saved, _ = PutawaySettings.objects.update_or_create(
            warehouse=warehouse,
            defaults={
                "strategies": list(names),
                "one_client_per_location": one_client_per_location,
                "one_product_per_location": one_product_per_location,
                "one_lot_per_location": one_lot_per_location,
                "updated_by": user if getattr(user, "pk", None) else None,
                "updated_at": timezone.now(),
            },
        )
        emit(
            "putaway.settings_changed",
            client_id=None,
            warehouse_id=warehouse.pk,
            payload={
                "strategies": list(names),
                "one_client_per_location": one_client_per_location,
                "one_product_per_location": one_product_per_location,
                "one_lot_per_location": one_lot_per_location,
            },
            user=user,
        )
    return saved
