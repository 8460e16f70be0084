"""Orders ready to ship, made from direct rows and ledger services (not the pack station, which is
built in parallel): an order picked and packed into closed cartons whose stock sits in each
carton's LPN at a pack station, and one shipment per carton in rating.

`make_packed_order` is plain Django code, so the live stack's tests run it in `manage.py shell`
too; the pytest fixtures below wrap it for the acme tenant's personas. Test modules take the
fixtures by assignment (`packed = shipments_fixtures.packed`)."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from inventory.models import Client, LocationKind, LpnKind, Warehouse
from inventory.services import ledger
from inventory.services.master import ensure_virtual_locations
from picking.models import Order, OrderLine, OrderStatus
from shipping.models import CarrierAccount, Carton, CartonLine, CartonStatus, Shipment
from shipping.services.shipments import open_shipment
from tests.factories import LocationFactory, LpnFactory, ProductFactory

FAKE_ACCOUNTS = {"ca_fake_usps": "USPS", "ca_fake_ups": "UPS", "ca_fake_fedex": "FedEx"}
UNDELIVERABLE = "1 UNDELIVERABLE Road"
_serial = itertools.count(1)


def sscc(n: int) -> str:
    """An 18-digit SSCC-shaped LPN code (the check digit is not what these tests are about)."""
    return f"0061414{n:011d}"


def ensure_carrier_accounts() -> None:
    for easypost_id, name in FAKE_ACCOUNTS.items():
        CarrierAccount.objects.get_or_create(easypost_id=easypost_id, defaults={"carrier": name})


def dress_warehouse(warehouse: Warehouse) -> SimpleNamespace:
    """Gives a warehouse a ship-from address, a pack station and two ship docks."""
    Warehouse.objects.filter(pk=warehouse.pk).update(
        name=warehouse.name or "East Coast DC",
        address_line1="100 Dock Rd",
        city="Newark",
        postal_code="07102",
        country="US",
    )
    warehouse.refresh_from_db()
    ensure_virtual_locations(warehouse)
    code = warehouse.code
    return SimpleNamespace(
        warehouse=warehouse,
        pack=LocationFactory(
            warehouse=warehouse, code=f"{code}-PACK", kind=LocationKind.PACK_STATION
        ),
        dock=LocationFactory(
            warehouse=warehouse, code=f"{code}-SHIP1", kind=LocationKind.SHIP_DOCK
        ),
        dock2=LocationFactory(
            warehouse=warehouse, code=f"{code}-SHIP2", kind=LocationKind.SHIP_DOCK
        ),
        storage=LocationFactory(warehouse=warehouse, code=f"{code}-A01", kind=LocationKind.STORAGE),
    )


def make_packed_order(
    *,
    user: Any,
    warehouse: Warehouse,
    client: Client,
    reference: str = "",
    cartons: int = 1,
    units_per_carton: int = 2,
    weight_g: int = 1200,
    street1: str = "12 Analytical Way",
    deliver_by: dt.date | None = None,
    order_status: str = OrderStatus.PACKED,
    open_shipments: bool = True,
) -> SimpleNamespace:
    """An order of `cartons` closed cartons (each `units_per_carton` units of one product in its
    own LPN at the pack station) and, unless told otherwise, a shipment in rating per carton
    (its rating task is sent on commit, by name, as the pack station will)."""
    place = dress_warehouse(warehouse)
    ensure_carrier_accounts()
    n = next(_serial)
    reference = reference or f"SO-{n:04d}"
    product = ProductFactory(client=client, sku=f"SHIP-{client.code}", weight_g=500)
    with transaction.atomic():
        order = Order.objects.create(
            client=client,
            warehouse=warehouse,
            reference=reference,
            status=order_status,
            ship_to_name="Ada Lovelace",
            ship_to_street1=street1,
            ship_to_city="Austin",
            ship_to_state="TX",
            ship_to_postal_code="78701",
            ship_to_country="US",
            deliver_by=deliver_by,
            total_units=cartons * units_per_carton,
            line_count=1,
        )
        line = OrderLine.objects.create(
            order=order,
            line_number=1,
            product=product,
            quantity=cartons * units_per_carton,
            picked_qty=cartons * units_per_carton,
        )
        made = []
        for number in range(1, cartons + 1):
            lpn = LpnFactory(
                code=sscc(order.pk * 100 + number),
                kind=LpnKind.CARTON,
                warehouse=warehouse,
                location=place.pack,
            )
            ledger.receive(
                user=user,
                product=product,
                quantity=units_per_carton,
                location=place.pack,
                lpn=lpn,
                reference_type="test_pack",
                reference_id=reference,
            )
            carton = Carton.objects.create(
                order=order,
                warehouse=warehouse,
                client=client,
                lpn=lpn,
                number=number,
                length_mm=300,
                width_mm=200,
                height_mm=150,
                tare_weight_g=200,
                pack_station=place.pack,
                status=CartonStatus.CLOSED,
                weight_g=weight_g,
                packed_by=user,
            )
            CartonLine.objects.create(
                carton=carton, order_line=line, product=product, quantity=units_per_carton
            )
            made.append(carton)
        shipments = [open_shipment(c, user) for c in made] if open_shipments else []
    return SimpleNamespace(
        **place.__dict__,
        client=client,
        product=product,
        order=order,
        cartons=made,
        shipments=shipments,
        shipment=shipments[0] if shipments else None,
    )


def fresh(shipment: Shipment) -> Shipment:
    return Shipment.objects.get(pk=shipment.pk)


@pytest.fixture
def packed(manager: Any, east: Any, acme_outdoor: Any) -> SimpleNamespace:
    """One packed order of EAST for acme-outdoor, one carton, its shipment in rating."""
    return make_packed_order(user=manager, warehouse=east, client=acme_outdoor)


@pytest.fixture
def packed_two(manager: Any, east: Any, acme_outdoor: Any) -> SimpleNamespace:
    """One packed order of EAST, two cartons, a shipment each."""
    return make_packed_order(user=manager, warehouse=east, client=acme_outdoor, cartons=2)
