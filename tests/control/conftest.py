"""A small warehouse for inventory-control tests: a zone of storage bins and a pick face with
stock, a staging lane, products of two clients (one lot-tracked), a second operator and a
second manager (a recount and an approval need someone other than the first counter)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from inventory.models import LocationKind, Tracking
from inventory.services import ledger
from inventory.services.master import ensure_virtual_locations
from tests.factories import (
    LocationFactory,
    LotFactory,
    ProductBarcodeFactory,
    ProductFactory,
    UserFactory,
    ZoneFactory,
)


@pytest.fixture
def wh(east: Any) -> Any:
    ensure_virtual_locations(east)
    return east


@pytest.fixture
def zone(wh: Any) -> Any:
    return ZoneFactory(warehouse=wh, code="AMB")


@pytest.fixture
def bin_a(wh: Any, zone: Any) -> Any:
    return LocationFactory(warehouse=wh, zone=zone, code="A-01-01", pick_sequence=10)


@pytest.fixture
def bin_b(wh: Any, zone: Any) -> Any:
    return LocationFactory(warehouse=wh, zone=zone, code="A-01-02", pick_sequence=20)


@pytest.fixture
def staging(wh: Any) -> Any:
    return LocationFactory(warehouse=wh, code="STAGE-1", kind=LocationKind.STAGING)


@pytest.fixture
def widget(acme_outdoor: Any) -> Any:
    product = ProductFactory(
        client=acme_outdoor, sku="WIDGET", name="Widget", unit_cost=Decimal("2.50")
    )
    ProductBarcodeFactory(product=product, barcode="0012345678905")
    ProductBarcodeFactory(product=product, barcode="CASE-WIDGET-6", pack_quantity=6)
    return product


@pytest.fixture
def gadget(other_client: Any) -> Any:
    return ProductFactory(client=other_client, sku="GADGET", name="Gadget", unit_cost=Decimal("40"))


@pytest.fixture
def serum(acme_outdoor: Any) -> Any:
    return ProductFactory(client=acme_outdoor, sku="SERUM", tracking=Tracking.LOT_EXPIRY)


@pytest.fixture
def serum_lot(serum: Any) -> Any:
    return LotFactory(product=serum, number="S-2027-01", expiry_date=dt.date(2027, 1, 31))


@pytest.fixture
def stocked(manager: Any, bin_a: Any, bin_b: Any, widget: Any, gadget: Any) -> dict[str, Any]:
    """37 widgets in A-01-01, 12 gadgets in A-01-02 (numbers unlikely to appear on a page by
    chance, so a blind page can be searched for them)."""
    ledger.receive(user=manager, product=widget, quantity=37, location=bin_a)
    ledger.receive(user=manager, product=gadget, quantity=12, location=bin_b)
    return {"widget": widget, "gadget": gadget}


@pytest.fixture
def second_operator(acme: Any, east: Any) -> Any:
    return UserFactory(role="operator", email="operator2@acme.test", warehouses=[east])


@pytest.fixture
def second_manager(acme: Any) -> Any:
    return UserFactory(role="manager", email="manager2@acme.test")


@pytest.fixture
def api_as(acme: Any, admin_user: Any) -> Any:
    from tests.api.conftest import Api
    from wms.accounts.services import create_api_token

    def make(user: Any) -> Any:
        _, secret = create_api_token(by=admin_user, user=user, name="control tests")
        return Api(secret)

    return make


@pytest.fixture
def count_task(manager: Any, wh: Any, zone: Any, stocked: Any, bin_a: Any) -> Any:
    """One open count of A-01-01 (37 widgets), made by a zone plan."""
    from control.models import CountPlan, CountTask, PlanKind
    from control.services.plans import run_plan

    plan = CountPlan.objects.create(warehouse=wh, name="Ambient", kind=PlanKind.ZONE, zone=zone)
    run_plan(plan=plan, user=manager)
    return CountTask.objects.get(location=bin_a)
