"""The OpenAPI document at /api/v1/openapi.json lists every inventory route with its methods,
and the Idempotency-Key header on creates and adjustments."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from tests.api.test_picking_api_orders import PICKING_ROUTES
from tests.api.test_receiving_api_labels import RECEIVING_ROUTES
from tests.api.test_tokens_api import TOKEN_ROUTES
from tests.billing.test_billing_api import BILLING_ROUTES
from tests.channels.test_channels_api import CHANNEL_ROUTES
from tests.control.test_count_api import CONTROL_ROUTES
from tests.erp.test_pages_and_api import ERP_ROUTES
from tests.shipping.test_box_catalog_api import SHIPPING_ROUTES
from tests.shipping.test_pack_api import PACK_ROUTES
from tests.shipping.test_shipments_api import SHIPMENT_ROUTES
from tests.webhooks.test_endpoints_api import WEBHOOK_ROUTES

ROUTES = {
    "/api/v1/clients": {"get", "post"},
    "/api/v1/clients/{pk}": {"get", "patch"},
    "/api/v1/warehouses": {"get", "post"},
    "/api/v1/warehouses/{pk}": {"get", "patch"},
    "/api/v1/zones": {"get", "post"},
    "/api/v1/zones/{pk}": {"get", "patch"},
    "/api/v1/locations": {"get", "post"},
    "/api/v1/locations/{pk}": {"get", "patch"},
    "/api/v1/products": {"get", "post"},
    "/api/v1/products/bulk": {"post"},
    "/api/v1/products/{pk}": {"get", "patch"},
    "/api/v1/lots": {"get", "post"},
    "/api/v1/lots/{pk}": {"get"},
    "/api/v1/lpns": {"get", "post"},
    "/api/v1/lpns/{pk}": {"get"},
    "/api/v1/inventory": {"get"},
    "/api/v1/stock-moves": {"get", "post"},
    "/api/v1/stock-moves/{pk}": {"get"},
    "/api/v1/adjustments": {"post"},
}


def openapi(acme: Any) -> dict[str, Any]:
    response = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_lists_every_inventory_route_and_method(acme: Any) -> None:
    paths = openapi(acme)["paths"]
    others = {
        "/api/v1/me",
        *RECEIVING_ROUTES,
        *SHIPPING_ROUTES,
        *PICKING_ROUTES,
        *SHIPMENT_ROUTES,
        *PACK_ROUTES,
        *TOKEN_ROUTES,
        *BILLING_ROUTES,
        *ERP_ROUTES,
        *WEBHOOK_ROUTES,
        *CHANNEL_ROUTES,
        *CONTROL_ROUTES,
    }
    listed = {path: set(methods) for path, methods in paths.items() if path not in others}
    assert listed == ROUTES


def test_openapi_documents_the_idempotency_key_on_every_post(acme: Any) -> None:
    paths = openapi(acme)["paths"]
    posts = [path for path, methods in ROUTES.items() if "post" in methods]
    for path in posts:
        headers = [
            p["name"] for p in paths[path]["post"].get("parameters", []) if p["in"] == "header"
        ]
        assert headers == ["Idempotency-Key"], path


def test_openapi_shows_inventory_pages_with_totals(acme: Any) -> None:
    schema = openapi(acme)
    ok = schema["paths"]["/api/v1/inventory"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    page = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"items", "count", "totals"}
    filters = {p["name"] for p in schema["paths"]["/api/v1/inventory"]["get"]["parameters"]}
    assert {
        "client",
        "warehouse",
        "zone_id",
        "sku",
        "location",
        "lot",
        "status",
        "lpn",
        "limit",
        "offset",
    } <= filters
