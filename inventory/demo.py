"""Demo data for `manage.py seed_demo`: two warehouses with zones and about a thousand
locations, three clients, a few hundred products (some lot and expiry tracked), stock received
through the ledger, and a user for every role. Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
import zlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from inventory.models import (
    Client,
    Location,
    LocationKind,
    Lot,
    Product,
    ProductBarcode,
    StockMove,
    Tracking,
    Warehouse,
    Zone,
)
from inventory.services import ledger
from inventory.services.master import create_warehouse, ensure_virtual_locations
from inventory.services.users import assign_scope
from wms.accounts.models import Role, User

WAREHOUSES = [
    ("EAST", "East Coast DC", "Newark", "America/New_York"),
    ("WEST", "West Coast DC", "Reno", "America/Los_Angeles"),
]
CLIENTS = [
    ("acme-outdoor", "Acme Outdoor"),
    ("brightside", "Brightside Beauty"),
    ("nordic-home", "Nordic Home"),
]
# Per warehouse: zone code, name, kind, aisles x bays x levels, pickable
ZONES = [
    ("PF", "Pick faces", LocationKind.PICK_FACE, (4, 10, 3), True),
    ("ST", "Storage", LocationKind.STORAGE, (7, 12, 5), False),
]
PRODUCTS_PER_CLIENT = 100
WORDS = ["Trail", "Summit", "Glow", "Calm", "Birch", "Fjord", "Ember", "Drift", "Nova", "Pebble"]
THINGS = ["Tent", "Lantern", "Serum", "Cream", "Throw", "Mug", "Candle", "Pack", "Bottle", "Towel"]


def seed(*, password: str, stdout: Any) -> None:
    warehouses = [_warehouse(*row) for row in WAREHOUSES]
    clients = [Client.objects.get_or_create(code=c, defaults={"name": n})[0] for c, n in CLIENTS]
    _users(password, warehouses, clients, stdout)
    created = sum(_locations(w) for w in warehouses)
    products = [p for client in clients for p in _products(client)]
    stdout.write(
        f"Demo master data: {Location.objects.filter(is_virtual=False).count()} locations "
        f"({created} new), {len(products)} products."
    )
    if not StockMove.objects.exists():
        moves = _stock(warehouses, products)
        stdout.write(f"Demo stock: {moves} receipts posted through the ledger.")


def _warehouse(code: str, name: str, city: str, tz: str) -> Warehouse:
    warehouse = Warehouse.objects.filter(code=code).first()
    if warehouse is None:
        return create_warehouse(code=code, name=name, city=city, time_zone=tz)
    ensure_virtual_locations(warehouse)
    return warehouse


@transaction.atomic
def _locations(warehouse: Warehouse) -> int:
    created = 0
    sequence = 0
    Location.objects.get_or_create(
        warehouse=warehouse,
        code="DOCK-1",
        defaults={"barcode": f"{warehouse.code}-DOCK-1", "kind": LocationKind.DOCK},
    )
    existing = set(Location.objects.filter(warehouse=warehouse).values_list("code", flat=True))
    new = []
    for zone_code, zone_name, kind, (aisles, bays, levels), pickable in ZONES:
        zone, _ = Zone.objects.get_or_create(
            warehouse=warehouse,
            code=zone_code,
            defaults={"name": zone_name, "storage_class": "ambient"},
        )
        for aisle in range(1, aisles + 1):
            # Serpentine walking order: odd aisles walk up the bays, even aisles back down.
            bay_order = range(1, bays + 1) if aisle % 2 else range(bays, 0, -1)
            for bay in bay_order:
                for level in range(1, levels + 1):
                    sequence += 1
                    code = f"{zone_code}-{aisle:02d}-{bay:02d}-{level}"
                    if code in existing:
                        continue
                    new.append(
                        Location(
                            warehouse=warehouse,
                            zone=zone,
                            code=code,
                            barcode=f"{warehouse.code}-{code}",
                            kind=kind,
                            pick_sequence=sequence,
                            is_pickable=pickable,
                            max_units=200 if pickable else 2000,
                        )
                    )
                    created += 1
    Location.objects.bulk_create(new)
    return created


def _products(client: Client) -> list[Product]:
    rng = random.Random(client.code)  # noqa: S311  (demo data, not secrets)
    products = []
    for n in range(PRODUCTS_PER_CLIENT):
        sku = f"{client.code[:3].upper()}-{n:04d}"
        tracked = n % 5 == 0
        product, made = Product.objects.get_or_create(
            client=client,
            sku=sku,
            defaults={
                "name": f"{rng.choice(WORDS)} {rng.choice(THINGS)} {n}",
                "length_mm": rng.randint(50, 400),
                "width_mm": rng.randint(50, 300),
                "height_mm": rng.randint(20, 200),
                "weight_g": rng.randint(50, 3000),
                "tracking": Tracking.LOT_EXPIRY if tracked else Tracking.NONE,
                "case_qty": 12,
                "inner_qty": 4,
                "pallet_qty": 480,
            },
        )
        if made:
            upc = f"{zlib.crc32(client.code.encode()) % 10**6:06d}{n:05d}"
            ProductBarcode.objects.create(product=product, barcode=upc, pack_quantity=1)
            ProductBarcode.objects.create(product=product, barcode=f"1{upc}", pack_quantity=12)
            if tracked:
                for k, months in enumerate((6, 14)):
                    Lot.objects.create(
                        product=product,
                        number=f"{sku}-L{k + 1}",
                        expiry_date=timezone.localdate() + dt.timedelta(days=30 * months),
                    )
        products.append(product)
    return products


def _stock(warehouses: list[Warehouse], products: list[Product]) -> int:
    """Receives stock for most products: a pick face and a storage bin in one warehouse each."""
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    rng = random.Random(7)  # noqa: S311
    posted = 0
    for warehouse in warehouses:
        faces = list(
            Location.objects.filter(warehouse=warehouse, kind=LocationKind.PICK_FACE).order_by(
                "pick_sequence"
            )
        )
        bins = list(
            Location.objects.filter(warehouse=warehouse, kind=LocationKind.STORAGE).order_by(
                "pick_sequence"
            )
        )
        for n, product in enumerate(products):
            if n % 4 == 3:
                continue  # some products have no stock here
            lot = product.lots.order_by("expiry_date").first() if product.is_lot_tracked else None
            for location, quantity in (
                (faces[n % len(faces)], rng.randint(5, 60)),
                (bins[n % len(bins)], rng.randint(100, 800)),
            ):
                ledger.receive(
                    user=admin,
                    product=product,
                    quantity=quantity,
                    location=location,
                    lot=lot,
                    reference_type="demo",
                    reference_id="seed",
                )
                posted += 1
    return posted


def _users(password: str, warehouses: list[Warehouse], clients: list[Client], stdout: Any) -> None:
    domain = "demo.test"
    people: list[tuple[str, str, dict[str, Any]]] = [
        ("admin", Role.ADMIN, {"is_staff": True, "is_superuser": True}),
        ("manager", Role.MANAGER, {}),
        ("operator", Role.OPERATOR, {}),
        # The demo's client user also keeps their client's users and tokens in the portal.
        ("client", Role.CLIENT, {"is_client_admin": True}),
    ]
    for name, role, extra in people:
        email = f"{name}@{domain}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, password=password, role=role, first_name=name.title(), **extra
            )
        if role == Role.OPERATOR:
            assign_scope(user=user, warehouses=warehouses[:1])
        if role == Role.CLIENT:
            assign_scope(user=user, client=clients[0])
    logins = ", ".join(f"{n}@{domain}" for n, _, _ in people)
    stdout.write(f"Demo logins (password {password!r}): {logins}")
