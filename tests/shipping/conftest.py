"""The fake EasyPost server (devtools.easypost_fake) on loopback, once per session and reset
before each test, and settings that point the carrier gateway at it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from devtools.easypost_fake import FakeEasyPost

API_KEY = "EZTK_fluxvantage_tests"
TODAY = dt.date(2025, 3, 3)  # a Monday; delivery dates count from here
FROM = {
    "name": "East Coast DC",
    "street1": "100 Dock Rd",
    "city": "Newark",
    "state": "NJ",
    "zip": "07102",
    "country": "US",
}
TO = {
    "name": "Ada Lovelace",
    "street1": "12 Analytical Way",
    "city": "Austin",
    "state": "TX",
    "zip": "78701",
    "country": "US",
}
PARCEL = {"length": 12, "width": 8, "height": 6, "weight": 40}  # 2.5 lb: three pounds billed


@pytest.fixture(scope="session")
def easypost_server() -> Iterator[FakeEasyPost]:
    with FakeEasyPost(api_key=API_KEY) as fake:
        yield fake


@pytest.fixture
def easypost_fake(easypost_server: FakeEasyPost) -> Iterator[FakeEasyPost]:
    """The fake with no shipments, no faults and counters at zero; today is TODAY."""
    easypost_server.control({"reset": True, "today": TODAY.isoformat()})
    yield easypost_server
    easypost_server.control({"reset": True})


@pytest.fixture
def carrier_settings(settings: Any, easypost_fake: FakeEasyPost) -> FakeEasyPost:
    """The carrier gateway's settings, aimed at the fake with a one-second timeout."""
    settings.EASYPOST_API_KEY = API_KEY
    settings.EASYPOST_API_BASE = easypost_fake.api_base
    settings.EASYPOST_TIMEOUT = 1
    return easypost_fake


# The API tests' bearer clients, shared rather than copied (pytest finds fixtures by name).
from tests.api import conftest as api_world  # noqa: E402

api_as = api_world.api_as
admin_api = api_world.admin_api
manager_api = api_world.manager_api
operator_api = api_world.operator_api
client_api = api_world.client_api

# The pack station's world (tests/shipping/pack_world.py), for the test_pack_* modules.
from tests.shipping import pack_world  # noqa: E402

pack_wh = pack_world.pack_wh
pick_faces = pack_world.pick_faces
staging = pack_world.staging
station = pack_world.station
pack_totes = pack_world.pack_totes
mug = pack_world.mug
lamp = pack_world.lamp
balm = pack_world.balm
balm_lots = pack_world.balm_lots
boxes = pack_world.boxes
stocked = pack_world.stocked
picked_order = pack_world.picked_order
