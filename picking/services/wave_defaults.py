"""A warehouse's wave defaults (pick method, cart size, when to cluster), and planning, creating
and releasing a wave in one step from the planner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from inventory.events import emit
from inventory.models import Warehouse
from picking.exceptions import WaveRefused
from picking.models import PickMethod, WaveDefaults
from picking.services.waves import WaveCreated, WaveReleased, create_wave, release_wave

if TYPE_CHECKING:
    from wms.accounts.models import User


@transaction.atomic
def save_wave_defaults(
    *,
    warehouse: Warehouse,
    pick_method: str,
    orders_per_cart: int,
    cluster_max_units: int,
    user: User,
) -> WaveDefaults:
    """Sets the warehouse's wave defaults (one row per warehouse, created on first save) and
    writes `wave_defaults.changed`. A method or cart size out of range is refused; nothing is
    written then."""
    if pick_method not in PickMethod.values:
        raise WaveRefused(f"Unknown pick method {pick_method!r}.")
    if not 1 <= orders_per_cart <= 26:
        raise WaveRefused(f"A cart takes 1 to 26 orders; got {orders_per_cart}.")
    defaults, _ = WaveDefaults.objects.select_for_update().get_or_create(warehouse=warehouse)
    defaults.pick_method = pick_method
    defaults.orders_per_cart = orders_per_cart
    defaults.cluster_max_units = cluster_max_units
    defaults.updated_by = user
    defaults.updated_at = timezone.now()
    defaults.save()
    emit(
        "wave_defaults.changed",
        client_id=None,
        warehouse_id=warehouse.pk,
        payload={
            "pick_method": pick_method,
            "orders_per_cart": orders_per_cart,
            "cluster_max_units": cluster_max_units,
        },
        user=user,
    )
    return defaults


@dataclass(frozen=True)
class WaveOut:
    created: WaveCreated
    released: WaveReleased


@transaction.atomic
def plan_and_release(
    *,
    warehouse: Warehouse,
    order_ids: Iterable[int],
    user: User,
    pick_method: str,
    orders_per_cart: int,
    filters: dict[str, Any] | None = None,
) -> WaveOut:
    """Creates the wave (allocating its orders) and releases it to the floor, as one
    transaction: when nothing in it can be released the whole step is refused and nothing is
    written, not even the wave."""
    created = create_wave(
        warehouse=warehouse,
        order_ids=order_ids,
        user=user,
        pick_method=pick_method,
        filters=filters,
    )
    released = release_wave(
        wave=created.wave, user=user, pick_method=pick_method, orders_per_cart=orders_per_cart
    )
    return WaveOut(created, released)
