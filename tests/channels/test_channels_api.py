"""Sales channels through the API: a manager connects a client's store (the token stored
encrypted and never returned), "sync now" pushes every mapped SKU, the drift report lists the
SKUs whose store count differs from ours; bad input is refused with nothing written; operators
and client users get 403."""

from __future__ import annotations

from typing import Any

import pytest

from channels.models import Channel
from tests.channels.conftest import TOKEN, item
from tests.helpers import assert_nothing_written, table_records
from wms.crypto import decrypt

pytestmark = pytest.mark.django_db

CHANNEL_ROUTES = {
    "/api/v1/channels": {"get", "post"},
    "/api/v1/channels/{pk}/sync": {"post"},
    "/api/v1/channels/{pk}/drift": {"get", "post"},
}


def body(shop: Any, **fields: Any) -> dict[str, Any]:
    return {
        "name": "Outdoor store",
        "client": "acme-outdoor",
        "warehouse": "EAST",
        "shop_url": shop.url,
        "access_token": TOKEN,
        "location_id": shop.location,
        "buffer_units": 2,
        "skus": {"WIDGET": item(301), "SERUM": item(302)},
    } | fields


def test_a_manager_connects_a_store_syncs_it_and_reads_the_drift(
    manager_api: Any, floor: Any, shop: Any
) -> None:
    made = manager_api.post("/channels", body(shop))
    assert made.status_code == 201, made.content
    assert TOKEN not in made.content.decode()
    channel = Channel.objects.get(pk=made.json()["id"])
    assert decrypt(channel.access_token_encrypted) == TOKEN
    assert [c["name"] for c in manager_api.get("/channels").json()["items"]] == ["Outdoor store"]

    synced = manager_api.post(f"/channels/{channel.pk}/sync", {}).json()
    assert synced["pushed"] == 2
    assert (shop.quantity(item(301)), shop.quantity(item(302))) == (8, 1)  # 10 - 2, 3 - 2

    shop.stock(item(301), shop.location, 11)  # someone edited the store by hand
    report = manager_api.post(f"/channels/{channel.pk}/drift", {}).json()
    assert report["skus_compared"] == 2
    assert report["differences"] == [{"sku": "WIDGET", "ours": 8, "channel": 11, "difference": 3}]
    assert manager_api.get(f"/channels/{channel.pk}/drift").json()["id"] == report["id"]


def test_an_unknown_sku_or_a_plain_http_store_is_refused_and_nothing_written(
    manager_api: Any, floor: Any, shop: Any
) -> None:
    with assert_nothing_written(except_tables=("accounts_apitoken",)):
        unknown = manager_api.post("/channels", body(shop, skus={"NOPE": item(1)}))
        insecure = manager_api.post("/channels", body(shop, shop_url="http://shop.example.com"))
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field_errors"]["skus"] == ["acme-outdoor has no SKU NOPE."]
    assert insecure.status_code == 422 and insecure.json()["error"]["field_errors"]["shop_url"]


def test_operators_and_client_users_get_403_and_nothing_is_written(
    operator_api: Any, client_api: Any, floor: Any, shop: Any
) -> None:
    for api in (operator_api, client_api):
        with assert_nothing_written(except_tables=("accounts_apitoken",)):
            assert api.get("/channels").status_code == 403
            assert api.post("/channels", body(shop)).status_code == 403


def test_the_desk_shows_a_channel_syncs_it_and_compares_it(
    http_for: Any, manager: Any, operator: Any, floor: Any, shop: Any, make_channel: Any
) -> None:
    channel = make_channel({"WIDGET": item(501)})
    web = http_for(manager)
    rows = table_records(web.get("/channels/").content, with_column="Warehouse")
    assert [r["Name"] for r in rows] == ["Outdoor store"]
    assert TOKEN not in web.get(f"/channels/{channel.pk}/").content.decode()

    assert web.post(f"/channels/{channel.pk}/sync/").status_code == 302
    assert shop.quantity(item(501)) == 10
    shop.stock(item(501), shop.location, 4)
    web.post(f"/channels/{channel.pk}/drift/")
    detail = web.get(f"/channels/{channel.pk}/").content
    assert table_records(detail, with_column="Difference") == [
        {"SKU": "WIDGET", "Ours": "10", "Store": "4", "Difference": "-6"}
    ]
    assert http_for(operator).get("/channels/").status_code == 403
