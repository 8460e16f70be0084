"""Fixtures of the API tests. A small floor in two warehouses, stock of two clients, and an API
client per persona: admin, manager, operator (EAST only) and client user (acme-outdoor only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from inventory.models import LocationKind, Tracking
from inventory.services import ledger
from inventory.services.master import ensure_virtual_locations
from tests.factories import (
    LocationFactory,
    LotFactory,
    LpnFactory,
    ProductBarcodeFactory,
    ProductFactory,
    ZoneFactory,
)
from wms.accounts.services import create_api_token


class Api:
    """A bearer-token HTTP client that speaks JSON."""

    def __init__(self, secret: str) -> None:
        self.http = HttpClient(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")

    def get(self, path: str, **params: Any) -> Any:
        return self.http.get(f"/api/v1{path}", params)

    def post(self, path: str, body: Any, **headers: str) -> Any:
        return self.http.post(
            f"/api/v1{path}", body, content_type="application/json", headers=headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.http.patch(f"/api/v1{path}", body, content_type="application/json")

    def put(self, path: str, body: Any) -> Any:
        return self.http.put(f"/api/v1{path}", body, content_type="application/json")

    def queries(self, path: str, **params: Any) -> int:
        """How many queries one GET runs (after a first request has warmed the token)."""
        with CaptureQueriesContext(connection) as captured:
            response = self.get(path, **params)
        assert response.status_code == 200, response.content
        return len(captured)


@pytest.fixture
def api_as(acme: Any, admin_user: Any) -> Callable[[Any], Api]:
    def make(user: Any) -> Api:
        _, secret = create_api_token(by=admin_user, user=user, name="integration")
        return Api(secret)

    return make


@pytest.fixture
def admin_api(api_as: Any, admin_user: Any) -> Api:
    return api_as(admin_user)


@pytest.fixture
def manager_api(api_as: Any, manager: Any) -> Api:
    return api_as(manager)


@pytest.fixture
def operator_api(api_as: Any, operator: Any) -> Api:
    return api_as(operator)


@pytest.fixture
def client_api(api_as: Any, client_user: Any) -> Api:
    return api_as(client_user)


@pytest.fixture
def floor(
    manager: Any, east: Any, west: Any, acme_outdoor: Any, other_client: Any
) -> SimpleNamespace:
    """Bins in EAST (zone AMB) and WEST, three products and stock:
    WIDGET (acme-outdoor) 10 at E-01 and 5 at W-01; GADGET (other-brand) 7 at E-02;
    SERUM (acme-outdoor, lot S-1) 3 at E-01."""
    for warehouse in (east, west):
        ensure_virtual_locations(warehouse)
    amb = ZoneFactory(warehouse=east, code="AMB", name="Ambient")
    e01 = LocationFactory(
        warehouse=east,
        zone=amb,
        code="E-01",
        kind=LocationKind.PICK_FACE,
        is_pickable=True,
        pick_sequence=1,
    )
    e02 = LocationFactory(warehouse=east, zone=amb, code="E-02", pick_sequence=2)
    w01 = LocationFactory(warehouse=west, code="W-01")
    widget = ProductFactory(client=acme_outdoor, sku="WIDGET", name="Blue widget")
    ProductBarcodeFactory(product=widget, barcode="0001234567890")
    ProductBarcodeFactory(product=widget, barcode="1001234567897", pack_quantity=12)
    gadget = ProductFactory(client=other_client, sku="GADGET", name="Gadget")
    serum = ProductFactory(client=acme_outdoor, sku="SERUM", tracking=Tracking.LOT_EXPIRY)
    lot = LotFactory(product=serum, number="S-1", expiry_date=dt.date(2027, 1, 31))
    pallet = LpnFactory(code="PAL-1", warehouse=east, location=e02)
    ledger.receive(user=manager, product=widget, quantity=10, location=e01, reference_id="asn-1")
    ledger.receive(user=manager, product=widget, quantity=5, location=w01, reference_id="asn-2")
    ledger.receive(user=manager, product=gadget, quantity=7, location=e02, lpn=pallet)
    ledger.receive(user=manager, product=serum, quantity=3, location=e01, lot=lot)
    return SimpleNamespace(
        east=east,
        west=west,
        amb=amb,
        e01=e01,
        e02=e02,
        w01=w01,
        widget=widget,
        gadget=gadget,
        serum=serum,
        lot=lot,
        pallet=pallet,
        acme_outdoor=acme_outdoor,
        other_client=other_client,
    )


def error_of(response: Any) -> dict[str, Any]:
    """The body's {"code", "message", "field_errors"}; test modules import it by name."""
    return response.json()["error"]


@pytest.fixture
def inbound(floor: SimpleNamespace, manager: Any) -> SimpleNamespace:
    """The floor plus a dock in each warehouse, and two ASNs: PO-1 (acme-outdoor into EAST,
    expected: 10 WIDGET and 4 SERUM) and PO-W (other-brand into WEST, expected: 3 GADGET)."""
    from receiving import services

    floor.dock_e = LocationFactory(warehouse=floor.east, code="DOCK-E", kind=LocationKind.DOCK)
    floor.dock_w = LocationFactory(warehouse=floor.west, code="DOCK-W", kind=LocationKind.DOCK)
    po1 = services.create_asn(
        client=floor.acme_outdoor,
        warehouse=floor.east,
        reference="PO-1",
        carrier="DHL",
        lines=[services.AsnLineSpec(floor.widget, 10), services.AsnLineSpec(floor.serum, 4)],
        user=manager,
    )
    floor.po1 = services.mark_expected(asn=po1, user=manager)
    pow_ = services.create_asn(
        client=floor.other_client,
        warehouse=floor.west,
        reference="PO-W",
        lines=[services.AsnLineSpec(floor.gadget, 3)],
        user=manager,
    )
    floor.pow = services.mark_expected(asn=pow_, user=manager)
    return floor
