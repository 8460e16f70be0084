"""Demo data for `manage.py seed_demo` (after inventory's): per warehouse a staging place, a pack
station and a ship dock, 40 totes, and 60 orders over products with stock in pick faces. The
first 24 orders are allocated into a released cluster wave, so the handheld has work at once;
the next 16 are allocated and wait for a wave; the rest are new. Idempotent: a warehouse that
has its demo orders gets none again.

Demo orders use priorities 3 to 7: priority 1 is left for tests that need their list first."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from inventory import selectors as inventory_selectors
from inventory.models import (
    Client,
    Location,
    LocationKind,
    Lpn,
    LpnKind,
    Product,
    Warehouse,
)
from picking.models import Order, PickMethod
from picking.services.allocation import allocate_orders
from picking.services.orders import OrderLineSpec, ShipTo, create_order
from picking.services.waves import create_wave, release_wave
from wms.accounts.models import Role, User

DEMO_WAREHOUSES = ("EAST", "WEST")
PLACES = [
    ("STAGE-1", LocationKind.STAGING),
    ("PACK-1", LocationKind.PACK_STATION),
    ("SHIP-1", LocationKind.SHIP_DOCK),
]
TOTES_PER_WAREHOUSE = 40
ORDERS_PER_WAREHOUSE = 60
WAVE_ORDERS = 24
ALLOCATED_ORDERS = 16
ORDERS_PER_CART = 6
SHIP_TO = [
    ShipTo("Ada Lovelace", "1 Analytical Way", "Boston", "02110", state="MA"),
    ShipTo("Grace Hopper", "200 Compiler Ave", "Arlington", "22201", state="VA"),
    ShipTo("Alan Turing", "3 Bletchley Rd", "Austin", "78701", state="TX"),
    ShipTo("Katherine Johnson", "44 Orbit Lane", "Hampton", "23666", state="VA"),
    ShipTo("Linus Pauling", "5 Helix Street", "Portland", "97201", state="OR"),
]


def seed(*, password: str, stdout: Any) -> None:
    manager = User.objects.filter(role=Role.MANAGER).order_by("pk").first()
    for warehouse in Warehouse.objects.filter(code__in=DEMO_WAREHOUSES).order_by("code"):
        _places(warehouse)
        _totes(warehouse)
        stdout.write(_orders(warehouse, manager))


def _places(warehouse: Warehouse) -> None:
    for code, kind in PLACES:
        Location.objects.get_or_create(
            warehouse=warehouse,
            code=code,
            defaults={"barcode": f"{warehouse.code}-{code}", "kind": kind},
        )


def _totes(warehouse: Warehouse) -> None:
    codes = [f"T-{warehouse.code}-{n:03d}" for n in range(1, TOTES_PER_WAREHOUSE + 1)]
    existing = set(Lpn.objects.filter(code__in=codes).values_list("code", flat=True))
    Lpn.objects.bulk_create(
        [
            Lpn(code=code, kind=LpnKind.TOTE, warehouse=warehouse)
            for code in codes
            if code not in existing
        ]
    )


def _stocked_products(warehouse: Warehouse) -> dict[int, list[Product]]:
    """Products with free, available stock in the warehouse's pickable bins, by client."""
    product_ids = (
        inventory_selectors.allocatable_free_stock(location__warehouse=warehouse)
        .values_list("product_id", flat=True)
        .distinct()
    )
    by_client: dict[int, list[Product]] = defaultdict(list)
    for product in Product.objects.filter(pk__in=product_ids, is_active=True).order_by("sku"):
        by_client[product.client_id].append(product)
    return by_client


@transaction.atomic
def _orders(warehouse: Warehouse, manager: User | None) -> str:
    prefix = f"DEMO-{warehouse.code}-"
    if Order.objects.filter(reference__startswith=prefix).exists():
        return f"Demo orders of {warehouse.code}: already there."
    stocked = _stocked_products(warehouse)
    clients = list(Client.objects.filter(pk__in=stocked, is_active=True).order_by("code"))
    if not clients:
        return f"Demo orders of {warehouse.code}: no stock in pick faces, none made."
    rng = random.Random(warehouse.code)  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    orders = []
    for n in range(1, ORDERS_PER_WAREHOUSE + 1):
        client = clients[n % len(clients)]
        products = rng.sample(stocked[client.pk], k=min(len(stocked[client.pk]), rng.randint(1, 3)))
        order, _ = create_order(
            client=client,
            warehouse=warehouse,
            reference=f"{prefix}{n:04d}",
            ship_to=SHIP_TO[n % len(SHIP_TO)],
            lines=[OrderLineSpec(product, rng.randint(1, 3)) for product in products],
            user=manager,
            carrier_service="UPS Ground",
            priority=rng.choice((3, 5, 5, 5, 7)),
            ship_by=today + dt.timedelta(days=rng.randint(0, 4)),
        )
        orders.append(order)
    wave = create_wave(
        warehouse=warehouse,
        order_ids=[o.pk for o in orders[:WAVE_ORDERS]],
        user=manager,
        pick_method=PickMethod.CLUSTER,
    ).wave
    released = release_wave(wave=wave, user=manager, orders_per_cart=ORDERS_PER_CART)
    allocated = allocate_orders(
        order_ids=[o.pk for o in orders[WAVE_ORDERS : WAVE_ORDERS + ALLOCATED_ORDERS]], user=manager
    )
    return (
        f"Demo orders of {warehouse.code}: {len(orders)}; wave {wave.number} released "
        f"{released.released_orders} in {len(released.pick_lists)} cluster pick lists; "
        f"{allocated.summary}"
    )
