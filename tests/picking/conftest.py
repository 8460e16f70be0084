"""An outbound corner of EAST: two zones of pickable bins in walking order, a bulk bin, a
staging place, totes, and products of acme_outdoor (one FEFO), with stock received."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from inventory.models import LocationKind, LpnKind, Tracking
from inventory.services import ledger
from inventory.services.master import ensure_virtual_locations
from picking.services.orders import OrderLineSpec, ShipTo, create_order
from tests.factories import (
    LocationFactory,
    LotFactory,
    LpnFactory,
    ProductBarcodeFactory,
    ProductFactory,
    ZoneFactory,
)

SHIP_TO = ShipTo(
    name="Ada Lovelace", street1="1 Analytical Way", city="Boston", postal_code="02110", state="MA"
)


@pytest.fixture
def wh(east: Any) -> Any:
    ensure_virtual_locations(east)
    return east


@pytest.fixture
def zone_a(wh: Any) -> Any:
    return ZoneFactory(warehouse=wh, code="ZA")


@pytest.fixture
def zone_b(wh: Any) -> Any:
    return ZoneFactory(warehouse=wh, code="ZB")


def _bin(wh: Any, zone: Any, code: str, seq: int, kind: str = LocationKind.PICK_FACE) -> Any:
    return LocationFactory(
        warehouse=wh,
        zone=zone,
        code=code,
        barcode=f"B-{code}",
        kind=kind,
        is_pickable=True,
        pick_sequence=seq,
    )


@pytest.fixture
def bins(wh: Any, zone_a: Any, zone_b: Any) -> dict[str, Any]:
    """Walking order: A-01 (10), A-02 (20), A-03 (30) in zone ZA; B-01 (40), B-02 (50) in ZB;
    BULK-1 (60, storage, pickable) in ZB."""
    made = {
        "A-01": _bin(wh, zone_a, "A-01", 10),
        "A-02": _bin(wh, zone_a, "A-02", 20),
        "A-03": _bin(wh, zone_a, "A-03", 30),
        "B-01": _bin(wh, zone_b, "B-01", 40),
        "B-02": _bin(wh, zone_b, "B-02", 50),
        "BULK-1": _bin(wh, zone_b, "BULK-1", 60, LocationKind.STORAGE),
    }
    return made


@pytest.fixture
def dock(wh: Any) -> Any:
    return LocationFactory(warehouse=wh, code="DOCK-1", kind=LocationKind.DOCK)


@pytest.fixture
def staging(wh: Any) -> Any:
    return LocationFactory(warehouse=wh, code="STAGE-1", kind=LocationKind.STAGING)


@pytest.fixture
def totes(wh: Any) -> list[Any]:
    return [LpnFactory(code=f"TOTE-{n:03d}", warehouse=wh, kind=LpnKind.TOTE) for n in range(1, 5)]


@pytest.fixture
def mug(acme_outdoor: Any) -> Any:
    product = ProductFactory(client=acme_outdoor, sku="MUG", name="Camp mug")
    ProductBarcodeFactory(product=product, barcode="0001112223334")
    return product


@pytest.fixture
def lamp(acme_outdoor: Any) -> Any:
    product = ProductFactory(client=acme_outdoor, sku="LAMP", name="Head lamp")
    ProductBarcodeFactory(product=product, barcode="0009998887776")
    return product


@pytest.fixture
def balm(acme_outdoor: Any) -> Any:
    return ProductFactory(
        client=acme_outdoor, sku="BALM", name="Lip balm", tracking=Tracking.LOT_EXPIRY
    )


@pytest.fixture
def put(manager: Any) -> Any:
    """put(product, location, qty, lot=None): receive stock straight into a bin."""

    def _put(product: Any, location: Any, quantity: int, lot: Any = None) -> None:
        ledger.receive(user=manager, product=product, location=location, quantity=quantity, lot=lot)

    return _put


@pytest.fixture
def order_for(acme_outdoor: Any, wh: Any, manager: Any) -> Any:
    """order_for("REF", (product, qty), ..., priority=5) creates an order at EAST."""

    def _make(reference: str, *lines: tuple[Any, int], **fields: Any) -> Any:
        order, _ = create_order(
            client=acme_outdoor,
            warehouse=wh,
            reference=reference,
            ship_to=SHIP_TO,
            lines=[OrderLineSpec(product, qty) for product, qty in lines],
            user=manager,
            **fields,
        )
        return order

    return _make


@pytest.fixture
def lot_of(balm: Any) -> Any:
    def _lot(number: str, expiry: dt.date | None) -> Any:
        return LotFactory(product=balm, number=number, expiry_date=expiry)

    return _lot
