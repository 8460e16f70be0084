"""Fixtures of the sales-channel tests: a Shopify-shaped store on loopback
(devtools/shopify_fake.py), the API's clients and small floor (tests/api), the picking world
(tests/picking), and a channel for acme-outdoor's store selling EAST's stock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from channels.models import Channel
from channels.services.connections import ChannelSpec, create_channel
from devtools.shopify_fake import FakeShopify
from tests.api import conftest as api_world
from tests.picking import conftest as picking_world
from tests.shipping import conftest as shipping_world
from tests.shipping import shipments_fixtures

TOKEN = "shpat_channel_tests"

api_as = api_world.api_as
manager_api = api_world.manager_api
operator_api = api_world.operator_api
client_api = api_world.client_api
floor = api_world.floor
wh = picking_world.wh
zone_a = picking_world.zone_a
zone_b = picking_world.zone_b
bins = picking_world.bins
staging = picking_world.staging
totes = picking_world.totes
mug = picking_world.mug
put = picking_world.put
order_for = picking_world.order_for
easypost_server = shipping_world.easypost_server
easypost_fake = shipping_world.easypost_fake
carrier_settings = shipping_world.carrier_settings
packed = shipments_fixtures.packed


@pytest.fixture(scope="session")
def shop_server() -> Iterator[FakeShopify]:
    with FakeShopify(token=TOKEN) as shop:
        yield shop


@pytest.fixture
def shop(shop_server: FakeShopify) -> Iterator[FakeShopify]:
    shop_server.reset()
    yield shop_server
    shop_server.reset()


@pytest.fixture
def make_channel(
    manager: Any, shop: FakeShopify, acme_outdoor: Any, east: Any
) -> Callable[..., Channel]:
    def make(skus: dict[str, str], **fields: Any) -> Channel:
        spec = ChannelSpec(
            name="Outdoor store",
            client=acme_outdoor,
            warehouse=east,
            shop_url=shop.url,
            access_token=TOKEN,
            location_id=shop.location,
            skus=skus,
            **fields,
        )
        return create_channel(user=manager, spec=spec)

    return make


def item(n: int) -> str:
    return f"gid://shopify/InventoryItem/{n}"
