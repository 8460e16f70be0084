"""The pack station's API: the proposal, packing a new carton all or nothing with its
Idempotency-Key, closing on the weight, the slip and label PDFs, and who may do what."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from inventory.models import Reason, StockMove
from shipping.models import Carton, CartonLine, Shipment
from tests.shipping.pack_world import MUG_BARCODE

pytestmark = pytest.mark.django_db

PACK_ROUTES = {
    "/api/v1/orders/{pk}/cartonization": {"get"},
    "/api/v1/orders/{pk}/cartons": {"post"},
    "/api/v1/cartons/{pk}/close": {"post"},
    "/api/v1/orders/{pk}/packing-slip": {"get"},
    "/api/v1/cartons/{pk}/label": {"get"},
    "/api/v1/cartons/{pk}/ship": {"post"},
    "/api/v1/cartons/{pk}/unpack": {"post"},
}
EVERYTHING = [
    {"code": MUG_BARCODE, "quantity": 2},
    {"sku": "LAMP"},
    {"sku": "BALM", "quantity": 2, "lot": "BALM-L1"},
]


def test_the_cartonization_proposes_one_box_with_its_fill(
    operator_api: Any, picked_order: Any
) -> None:
    response = operator_api.get(f"/orders/{picked_order.pk}/cartonization")
    assert response.status_code == 200
    assert response.json() == {
        "order_id": picked_order.pk,
        "reference": "SO-1",
        "box_count": 1,
        "cartons": [
            {
                "box_type": "BOX-S",
                "box_name": "Box BOX-S",
                "fill_percent": 56,
                "weight_g": 1020,
                "contents": [
                    {"sku": "BALM", "quantity": 2},
                    {"sku": "LAMP", "quantity": 1},
                    {"sku": "MUG", "quantity": 2},
                ],
            }
        ],
        "unfit": [],
        "without_dimensions": [],
        "remaining_units": 5,
    }


def test_packing_a_carton_is_all_or_nothing_and_idempotent(
    operator_api: Any, picked_order: Any, station: Any
) -> None:
    url = f"/orders/{picked_order.pk}/cartons"
    wrong = {"box_type": "BOX-S", "pack_station": "PACK-1", "items": [*EVERYTHING, {"sku": "MUG"}]}
    refused = operator_api.post(url, wrong)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "too_many"
    assert "Extra unit: 0 of MUG left to pack" in refused.json()["error"]["message"]
    assert not Carton.objects.exists() and not CartonLine.objects.exists()
    assert not StockMove.objects.filter(reason=Reason.PACK).exists()

    body = {"box_type": "BOX-S", "pack_station": "PACK-1", "items": EVERYTHING}
    created = operator_api.post(url, body, **{"Idempotency-Key": "pack-1"})
    assert created.status_code == 201, created.content
    carton = created.json()
    assert (carton["number"], carton["status"], carton["box_type"]) == (1, "open", "BOX-S")
    assert len(carton["sscc"]) == 18 and carton["order_remaining_units"] == 0
    assert carton["lines"] == [
        {"sku": "MUG", "lot": "", "quantity": 2},
        {"sku": "LAMP", "lot": "", "quantity": 1},
        {"sku": "BALM", "lot": "BALM-L1", "quantity": 2},
    ]
    again = operator_api.post(url, body, **{"Idempotency-Key": "pack-1"})
    assert again.status_code == 201 and again.json()["id"] == carton["id"]
    assert StockMove.objects.filter(reason=Reason.PACK).count() == 3


def test_closing_checks_the_weight_and_packs_the_order(
    operator_api: Any, picked_order: Any, station: Any
) -> None:
    body = {"box_type": "BOX-S", "pack_station": "PACK-1", "items": EVERYTHING}
    carton = operator_api.post(f"/orders/{picked_order.pk}/cartons", body).json()
    off = operator_api.post(f"/cartons/{carton['id']}/close", {"weight_g": 500})
    assert off.status_code == 409
    assert off.json()["error"]["code"] == "weight_mismatch"
    assert "weighs 500 g, expected 1020 g" in off.json()["error"]["message"]

    closed = operator_api.post(f"/cartons/{carton['id']}/close", {"weight_g": 1000})
    assert closed.status_code == 200, closed.content
    result = closed.json()
    assert result["order_packed"] is True and result["expected_weight_g"] == 1020
    assert result["carton"]["status"] == "closed" and result["carton"]["order_status"] == "packed"
    shipment = Shipment.objects.get()
    assert result["shipments"] == [
        {"id": shipment.pk, "carton_id": carton["id"], "status": "rating"}
    ]

    slip = operator_api.get(f"/orders/{picked_order.pk}/packing-slip")
    assert slip["Content-Type"] == "application/pdf"
    assert "Order SO-1" in PdfReader(io.BytesIO(slip.content)).pages[0].extract_text()
    label = operator_api.get(f"/cartons/{carton['id']}/label")
    assert carton["sscc"][1:17] in PdfReader(io.BytesIO(label.content)).pages[0].extract_text()


def test_a_client_user_may_not_pack_and_bad_input_is_a_field_error(
    client_api: Any, manager_api: Any, picked_order: Any, station: Any
) -> None:
    url = f"/orders/{picked_order.pk}/cartons"
    denied = client_api.post(url, {"box_type": "BOX-S", "pack_station": "PACK-1"})
    assert denied.status_code == 403
    assert client_api.get(f"/orders/{picked_order.pk}/cartonization").status_code == 403
    bad = manager_api.post(url, {"box_type": "BOX-S", "pack_station": "PACK-1",
                                 "items": [{"quantity": 1}]})  # fmt: skip
    assert bad.status_code == 422
    no_station = manager_api.post(url, {"box_type": "BOX-S", "pack_station": "NOPE"})
    assert no_station.status_code == 409
    assert no_station.json()["error"]["field_errors"] == {
        "pack_station": ["Give a pack station code of the order's warehouse."]
    }
    assert manager_api.get("/orders/999999/cartonization").status_code == 404
    assert not Carton.objects.exists()


def test_the_openapi_document_lists_the_pack_routes_with_their_idempotency_key(
    manager_api: Any,
) -> None:
    paths = manager_api.http.get("/api/v1/openapi.json").json()["paths"]
    assert {path: set(paths[path]) for path in PACK_ROUTES} == PACK_ROUTES
    for path in (
        "/api/v1/orders/{pk}/cartons",
        "/api/v1/cartons/{pk}/close",
        "/api/v1/cartons/{pk}/ship",
        "/api/v1/cartons/{pk}/unpack",
    ):
        headers = [p["name"] for p in paths[path]["post"]["parameters"] if p["in"] == "header"]
        assert headers == ["Idempotency-Key"]
