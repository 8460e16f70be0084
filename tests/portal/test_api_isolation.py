"""Isolation over the API: every route of the OpenAPI schema has a case here, and the test fails
when a route is added without one. Client A's token meets client B's records: a route on one
record answers 403 or 404 (a write whose body is refused before the lookup, 422), never B's
data, and writes nothing; a list answers nothing of B's; a
create naming B's client or SKUs is refused and writes nothing."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client as HttpClient

from inventory.models import StockMove
from tests.helpers import assert_nothing_written
from tests.portal.test_isolation import THEIR_MARKS
from webhooks.models import Delivery
from webhooks.services.endpoints import EndpointSpec, create_endpoint
from wms.accounts.services import create_api_token

NO_SUCH = 999_999_999


def _their(attribute: str) -> Any:
    return lambda world: getattr(world.theirs, attribute).pk


def _their_move(world: SimpleNamespace) -> int:
    return StockMove.objects.filter(product=world.theirs.mug).values_list("pk", flat=True)[0]


# Routes on one record: path -> how to find B's record of that kind (None: the kind has no
# client of its own in this world, so an id that exists nowhere; still never a 200 with data).
RECORD_ROUTES: dict[str, Any] = {
    "/api/v1/clients/{pk}": lambda world: world.theirs.client.pk,
    "/api/v1/zones/{pk}": None,
    "/api/v1/locations/{pk}": lambda world: world.bin.pk,
    "/api/v1/locations/{pk}/label": lambda world: world.bin.pk,
    "/api/v1/products/{pk}": _their("mug"),
    "/api/v1/lots/{pk}": _their("lot"),
    "/api/v1/lpns/{pk}": None,
    "/api/v1/lpns/{pk}/label": None,
    "/api/v1/stock-moves/{pk}": _their_move,
    "/api/v1/orders/{pk}": _their("order"),
    "/api/v1/orders/{pk}/cancel": _their("order"),
    "/api/v1/orders/{pk}/allocate": _their("order"),
    "/api/v1/orders/{pk}/cartonization": _their("order"),
    "/api/v1/orders/{pk}/cartons": _their("order"),
    "/api/v1/orders/{pk}/packing-slip": _their("order"),
    "/api/v1/asns/{pk}": _their("asn"),
    "/api/v1/asns/{pk}/expected": _their("asn"),
    "/api/v1/asns/{pk}/cancel": _their("asn"),
    "/api/v1/asns/{pk}/close": _their("asn"),
    "/api/v1/asns/{pk}/receipts": _their("asn"),
    "/api/v1/asns/{pk}/discrepancies.csv": _their("asn"),
    "/api/v1/invoices/{pk}": _their("invoice"),
    "/api/v1/invoices/{pk}/finalize": _their("invoice"),
    "/api/v1/invoices/{pk}/pdf": _their("invoice"),
    "/api/v1/invoices/{pk}/lines.csv": _their("invoice"),
    "/api/v1/box-types/{pk}": None,
    "/api/v1/rate-cards/{pk}": None,
    "/api/v1/rate-cards/{pk}/versions": None,
    "/api/v1/waves/{pk}": None,
    "/api/v1/waves/{pk}/release": None,
    "/api/v1/pick-tasks/{pk}/confirm": None,
    "/api/v1/pick-tasks/{pk}/short": None,
    "/api/v1/putaway-tasks/{pk}": None,
    "/api/v1/putaway-tasks/{pk}/complete": None,
    "/api/v1/cartons/{pk}/close": None,
    "/api/v1/cartons/{pk}/label": None,
    "/api/v1/cartons/{pk}/ship": None,
    "/api/v1/cartons/{pk}/unpack": None,
    "/api/v1/shipments/{pk}": None,
    "/api/v1/shipments/{pk}/retry": None,
    "/api/v1/shipments/{pk}/void": None,
    "/api/v1/shipments/{pk}/reconcile": None,
    "/api/v1/shipments/{pk}/label": None,
    "/api/v1/manifests/{pk}/pdf": None,
    "/api/v1/tokens/{pk}": lambda world: world.their_token.pk,
    "/api/v1/tokens/{pk}/revoke": lambda world: world.their_token.pk,
    "/api/v1/erp-connections/{pk}": None,
    "/api/v1/erp-connections/{pk}/test": None,
    "/api/v1/erp-connections/{pk}/sync": None,
    "/api/v1/erp-connections/{pk}/reconcile": None,
    "/api/v1/erp-sync-log/{pk}/retry": None,
    "/api/v1/erp-sync-log/{pk}/skip": None,
    "/api/v1/webhook-endpoints/{pk}": _their("endpoint"),
    "/api/v1/webhook-endpoints/{pk}/rotate-secret": _their("endpoint"),
    "/api/v1/webhook-endpoints/{pk}/test": _their("endpoint"),
    "/api/v1/webhook-endpoints/{pk}/replay": _their("endpoint"),
    "/api/v1/webhook-deliveries/{pk}": _their("delivery"),
    "/api/v1/webhook-deliveries/{pk}/replay": _their("delivery"),
    # Sales channels are the 3PL's to connect (staff only): a client's token is refused.
    "/api/v1/channels/{pk}/sync": None,
    "/api/v1/channels/{pk}/drift": None,
    # Inventory control is the warehouse's work (floor staff and managers): a client's token is
    # refused whatever the record.
    "/api/v1/count-tasks/{pk}": None,
    "/api/v1/count-tasks/{pk}/count": None,
    "/api/v1/counts/{pk}/approve": None,
    "/api/v1/counts/{pk}/reject": None,
    "/api/v1/holds/{pk}/release": None,
    "/api/v1/replenishment-tasks/{pk}/complete": None,
    "/api/v1/transfers/{pk}": None,
    "/api/v1/transfers/{pk}/receive": None,
    "/api/v1/transfers/{pk}/ship": None,
}
# Shared by every client of the building (a warehouse is the 3PL's, not a client's).
SHARED_ROUTES = {"/api/v1/warehouses/{pk}"}
# Lists and creates: A's token lists nothing of B's and creates nothing in B's name.
COLLECTION_ROUTES = {
    "/api/v1/me",
    "/api/v1/clients",
    "/api/v1/warehouses",
    "/api/v1/zones",
    "/api/v1/locations",
    "/api/v1/products",
    "/api/v1/products/bulk",
    "/api/v1/lots",
    "/api/v1/lpns",
    "/api/v1/inventory",
    "/api/v1/stock-moves",
    "/api/v1/adjustments",
    "/api/v1/orders",
    "/api/v1/waves",
    "/api/v1/pick-tasks",
    "/api/v1/pick-tasks/next",
    "/api/v1/asns",
    "/api/v1/blind-receipts",
    "/api/v1/putaway-tasks",
    "/api/v1/box-types",
    "/api/v1/shipments",
    "/api/v1/manifests",
    "/api/v1/tokens",
    "/api/v1/rate-cards",
    "/api/v1/charges",
    "/api/v1/unrated",
    "/api/v1/invoices",
    "/api/v1/credit-notes",
    "/api/v1/erp-connections",
    "/api/v1/erp-sync-log",
    "/api/v1/webhook-endpoints",
    "/api/v1/webhook-deliveries",
    "/api/v1/webhook-topics",
    "/api/v1/channels",
    "/api/v1/count-tasks",
    "/api/v1/holds",
    "/api/v1/replenishment-tasks",
    "/api/v1/transfers",
    "/api/v1/work/next",
}
# A body that names B's client, SKUs and records, for every create.
THEIR_BODY = {
    "client": "other-brand",
    "client_code": "other-brand",
    "warehouse": "EAST",
    "reference": "ISO-1",
    "sku": "XMUG",
    "product": "XMUG",
    "quantity": 1,
    "name": "iso",
    "ship_to": {
        "name": "X",
        "street1": "1 Way",
        "city": "Boston",
        "postal_code": "02110",
        "country": "US",
    },
    "lines": [{"sku": "XMUG", "quantity": 1, "expected_qty": 1}],
    "items": [{"client": "other-brand", "sku": "XMUG", "name": "x"}],
}


def _schema_routes() -> set[tuple[str, str]]:
    response = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json")
    return {
        (path, method)
        for path, operations in response.json()["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_api_route_has_an_isolation_case(acme) -> None:
    known = set(RECORD_ROUTES) | SHARED_ROUTES | COLLECTION_ROUTES
    missing = sorted({path for path, _ in _schema_routes()} - known)
    assert not missing, f"add an isolation case for {missing}"


@pytest.fixture
def token_world(world, client_user, other_client_user, admin_user, manager):
    _, secret = create_api_token(by=admin_user, user=client_user, name="a")
    # B's webhook endpoint and one delivery to it; the URL and body carry B's marks.
    world.theirs.endpoint, _ = create_endpoint(
        user=manager,
        spec=EndpointSpec(
            url="http://127.0.0.1:9/XMUG-hook",
            topics=["order.created"],
            client=world.theirs.client,
            description="Other Brand's hook",
        ),
    )
    world.theirs.delivery = Delivery.objects.create(
        endpoint=world.theirs.endpoint,
        message_id="evt_iso",
        topic="order.created",
        client_id=world.theirs.client.pk,
        body='{"reference": "XSO-1", "sku": "XMUG"}',
    )
    world.their_token, _ = create_api_token(by=admin_user, user=other_client_user, name="b")
    world.api = HttpClient(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
    world.api.get("/api/v1/me")  # the token's first use stamps it; later requests write nothing
    return world


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _call(api: HttpClient, method: str, url: str) -> Any:
    if method == "get":
        return api.get(url)
    return getattr(api, method)(url, json.dumps(THEIR_BODY), content_type="application/json")


CHANGES = ["accounts_apitoken", "django_session"]


@pytest.mark.parametrize("path", sorted(RECORD_ROUTES))
def test_client_a_gets_no_record_of_client_b(path, token_world, acme) -> None:
    find = RECORD_ROUTES[path]
    pk = find(token_world) if find is not None else NO_SUCH
    url = path.replace("{pk}", str(pk))
    methods = sorted(m for p, m in _schema_routes() if p == path)
    for method in methods:
        with assert_nothing_written(except_tables=CHANGES):
            response = _call(token_world.api, method, url)
        # A body is validated before the record is looked up: a write may be refused as
        # unprocessable (422) first. Never a success, never B's data, nothing written.
        allowed = (403, 404) if method == "get" else (403, 404, 422)
        assert response.status_code in allowed, (method, url, response.status_code)
        for mark in THEIR_MARKS:
            assert mark not in _text(response), (method, url, mark)


@pytest.mark.parametrize("path", sorted(COLLECTION_ROUTES | SHARED_ROUTES))
def test_client_a_lists_nothing_of_client_b_and_creates_nothing_for_them(
    path, token_world, acme
) -> None:
    url = path.replace("{pk}", str(token_world.wh.pk))
    for method in sorted(m for p, m in _schema_routes() if p == path):
        with assert_nothing_written(except_tables=CHANGES):
            response = _call(token_world.api, method, url)
        if method == "get":
            assert response.status_code in (200, 403), (url, response.status_code)
            for mark in THEIR_MARKS:
                assert mark not in _text(response), (url, mark)
        else:
            assert 400 <= response.status_code < 500, (method, url, response.status_code)
