"""Demo data for `manage.py seed_demo`: six box types (one only for Brightside Beauty), two
packaging materials and the two carrier accounts the loopback fake EasyPost rates on (`make run`
starts it). Idempotent: rows are found by code and left as they are."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from inventory.models import Client
from shipping.models import BoxType, CarrierAccount, PackagingMaterial
from shipping.services import catalog

# code, name, inner L x W x H mm, max gross g, tare g, cost, client codes (empty: all)
BOX_TYPES = [
    ("MAILER-S", "Small padded mailer", (250, 180, 30), 1_000, 30, "0.35", ()),
    ("BOX-S", "Small box", (200, 150, 100), 5_000, 120, "0.55", ()),
    ("BOX-M", "Medium box", (300, 200, 150), 10_000, 220, "0.85", ()),
    ("BOX-L", "Large box", (400, 300, 300), 20_000, 420, "1.40", ()),
    ("BOX-XL", "Extra large box", (600, 400, 400), 30_000, 800, "2.60", ()),
    ("BEAUTY-GIFT", "Brightside gift box", (220, 220, 90), 3_000, 180, "1.90", ("brightside",)),
]
MATERIALS = [
    ("FILL-PAPER", "Kraft paper void fill (per metre)", "0.06"),
    ("BUBBLE", "Bubble wrap (per metre)", "0.12"),
]
CARRIER_ACCOUNTS = [
    ("USPS", "ca_fake_usps", "USPS (demo: the loopback fake EasyPost)"),
    ("UPS", "ca_fake_ups", "UPS (demo: the loopback fake EasyPost)"),
]


@transaction.atomic
def seed(*, password: str, stdout: Any) -> None:
    created = 0
    for code, name, (length, width, height), max_g, tare_g, cost, client_codes in BOX_TYPES:
        if BoxType.objects.filter(code=code).exists():
            continue
        catalog.create_box_type(
            code=code,
            name=name,
            inner_length_mm=length,
            inner_width_mm=width,
            inner_height_mm=height,
            max_weight_g=max_g,
            tare_weight_g=tare_g,
            cost=Decimal(cost),
            clients=Client.objects.filter(code__in=client_codes),
        )
        created += 1
    for code, name, cost in MATERIALS:
        if not PackagingMaterial.objects.filter(code=code).exists():
            catalog.create_packaging_material(code=code, name=name, cost=Decimal(cost))
            created += 1
    for carrier, easypost_id, description in CARRIER_ACCOUNTS:
        if not CarrierAccount.objects.filter(easypost_id=easypost_id).exists():
            catalog.create_carrier_account(
                carrier=carrier, easypost_id=easypost_id, description=description
            )
            created += 1
    stdout.write(
        f"Demo shipping catalog: {BoxType.objects.count()} box types, "
        f"{PackagingMaterial.objects.count()} materials, "
        f"{CarrierAccount.objects.count()} carrier accounts ({created} new)."
    )
