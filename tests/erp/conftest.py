"""A real Tryton for the ERP tests: started once per session on a free loopback port from the
golden database devtools/tryton.py builds and caches under .data/tryton/ (installing Tryton into
its own virtualenv the first time), stopped at the end. Each test gets its own ERP database and
a connection to it (`client_erp`: acme-outdoor's ERP, warehouse WH mapped to EAST)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from devtools.tryton import ADMIN_LOGIN, ADMIN_PASSWORD, TrytonServer, running
from erp.models import ConnectionScope, ErpConnection, UnknownSkuPolicy
from erp.services.connections import ConnectionSpec, create_connection
from tests.erp.erp_side import ErpSide

# The pack station's world and the fake EasyPost, for the sale-to-truck flow (shared, not
# copied: pytest finds fixtures by name).
from tests.shipping import conftest as shipping_world
from tests.shipping import pack_world

easypost_server = shipping_world.easypost_server
easypost_fake = shipping_world.easypost_fake
carrier_settings = shipping_world.carrier_settings
api_as = shipping_world.api_as
manager_api = shipping_world.manager_api
operator_api = shipping_world.operator_api
pack_wh = pack_world.pack_wh
pick_faces = pack_world.pick_faces
staging = pack_world.staging
station = pack_world.station
mug = pack_world.mug
lamp = pack_world.lamp
balm = pack_world.balm
balm_lots = pack_world.balm_lots
boxes = pack_world.boxes
stocked = pack_world.stocked

TIMINGS: dict[str, float] = {}
SPARE_DATABASES = 32


@pytest.fixture(scope="session")
def tryton_server() -> Iterator[TrytonServer]:
    started = time.monotonic()
    # One fresh database per test that asks for one (ErpSide.fresh); raise with the tests.
    with running(("books",), spares=SPARE_DATABASES) as server:
        TIMINGS["setup"] = time.monotonic() - started
        yield server


def connection_spec(side: ErpSide, **changes: Any) -> ConnectionSpec:
    fields: dict[str, Any] = {
        "name": "Acme Outdoor's Tryton",
        "scope": ConnectionScope.CLIENT,
        "client": None,
        "url": side.server.url,
        "database": side.database,
        "username": ADMIN_LOGIN,
        "password": ADMIN_PASSWORD,
        "warehouse_map": {side.facts["warehouse_code"]: "EAST"},
        "service_products": {},
        "unknown_sku_policy": UnknownSkuPolicy.REPORT,
        "is_enabled": True,
    }
    return ConnectionSpec(**(fields | changes))


@pytest.fixture
def erp_side(tryton_server: TrytonServer) -> ErpSide:
    """This test's own Tryton database, and a buyer's hands on it."""
    return ErpSide.fresh(tryton_server)


@pytest.fixture
def client_erp(erp_side: ErpSide, manager: Any, east: Any, acme_outdoor: Any) -> SimpleNamespace:
    """acme-outdoor's ERP connection to this test's Tryton database."""
    connection = create_connection(
        user=manager, spec=connection_spec(erp_side, client=acme_outdoor)
    )
    return SimpleNamespace(connection=connection, side=erp_side, client=acme_outdoor, east=east)


@pytest.fixture
def books_erp(erp_side: ErpSide, manager: Any) -> ErpConnection:
    """Our own books in this test's Tryton database, every billing kind on its service product."""
    products = {kind: code for kind, (code, _pk) in erp_side.facts["service_products"].items()}
    spec = connection_spec(
        erp_side,
        name="Our books",
        scope=ConnectionScope.BOOKS,
        warehouse_map={},
        service_products=products,
    )
    return create_connection(user=manager, spec=spec)


# The receiving dock of EAST (tests/inventory/conftest.py), shared rather than copied.
from tests.inventory import conftest as ledger_world  # noqa: E402

wh = ledger_world.wh
dock = ledger_world.dock
