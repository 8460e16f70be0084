"""A small warehouse for ledger tests: a dock, two storage bins, a pick face, products of two
clients, one of them lot-and-expiry tracked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from inventory.models import LocationKind, Tracking
from inventory.services.master import ensure_virtual_locations
from tests.factories import LocationFactory, LotFactory, LpnFactory, ProductFactory, ZoneFactory


@pytest.fixture
def wh(east: Any) -> Any:
    ensure_virtual_locations(east)
    return east


@pytest.fixture
def zone(wh: Any) -> Any:
    return ZoneFactory(warehouse=wh, code="AMB")


@pytest.fixture
def dock(wh: Any) -> Any:
    return LocationFactory(warehouse=wh, code="DOCK-1", kind=LocationKind.DOCK)


@pytest.fixture
def bin_a(wh: Any, zone: Any) -> Any:
    return LocationFactory(warehouse=wh, zone=zone, code="A-01-01", pick_sequence=10)


@pytest.fixture
def bin_b(wh: Any, zone: Any) -> Any:
    return LocationFactory(warehouse=wh, zone=zone, code="A-01-02", pick_sequence=20)


@pytest.fixture
def pick_face(wh: Any, zone: Any) -> Any:
    return LocationFactory(
        warehouse=wh,
        zone=zone,
        code="P-01",
        kind=LocationKind.PICK_FACE,
        is_pickable=True,
        pick_sequence=5,
    )


@pytest.fixture
def widget(acme_outdoor: Any) -> Any:
    return ProductFactory(
        client=acme_outdoor, sku="WIDGET", weight_g=500, length_mm=100, width_mm=100, height_mm=100
    )


@pytest.fixture
def serum(acme_outdoor: Any) -> Any:
    return ProductFactory(client=acme_outdoor, sku="SERUM", tracking=Tracking.LOT_EXPIRY)


@pytest.fixture
def serum_lot(serum: Any) -> Any:
    return LotFactory(product=serum, number="S-2027-01", expiry_date=dt.date(2027, 1, 31))


@pytest.fixture
def pallet(wh: Any) -> Any:
    return LpnFactory(code="PAL-000001", warehouse=wh)
