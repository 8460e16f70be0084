"""POST /api/v1/blind-receipts: goods that arrived without an ASN, managers only (403 and nothing
written otherwise), answered like a receipt against an ASN; an Idempotency-Key makes a repeat
return the first receipt and write nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from inventory.models import Balance
from receiving.models import PutawayTask, Receipt
from tests.api.conftest import error_of
from tests.helpers import assert_unchanged_since, snapshot

URL = "/blind-receipts"


def body(**fields: Any) -> dict[str, Any]:
    return {"warehouse": "EAST", "client": "acme-outdoor", **fields}


def test_a_manager_receives_by_barcode_onto_an_lpn_at_the_dock(
    manager_api: Any, inbound: Any
) -> None:
    response = manager_api.post(URL, body(code="0001234567890", quantity=3))

    assert response.status_code == 201, response.content
    data = response.json()
    receipt = Receipt.objects.get()
    assert data["id"] == receipt.pk
    assert (data["asn_id"], data["line"], data["is_unexpected"]) == (None, None, False)
    assert (data["sku"], data["quantity"], data["location"], data["status"]) == (
        "WIDGET",
        3,
        "DOCK-E",
        "available",
    )
    assert data["lpn"] and data["lpn_id"] == receipt.lpn_id
    assert data["move_id"] == receipt.stock_move_id
    balance = Balance.objects.get(location=inbound.dock_e)
    assert (balance.lpn_id, balance.on_hand) == (receipt.lpn_id, 3)
    assert PutawayTask.objects.filter(lpn_id=receipt.lpn_id).exists()


def test_by_sku_with_lot_expiry_damaged_onto_a_given_lpn(manager_api: Any, inbound: Any) -> None:
    manager_api.post("/lpns", {"code": "PAL-B", "warehouse": "EAST"})
    response = manager_api.post(
        URL,
        body(
            sku="SERUM", quantity=2, lot="S-9", expiry="2031-06-30", lpn="PAL-B", status="damaged"
        ),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["lot"], data["expiry_date"], data["lpn"], data["status"]) == (
        "S-9",
        "2031-06-30",
        "PAL-B",
        "damaged",
    )


def test_an_operator_is_refused_and_nothing_is_written(operator_api: Any, inbound: Any) -> None:
    before = snapshot()
    response = operator_api.post(URL, body(code="0001234567890"), **{"Idempotency-Key": "op-1"})
    assert response.status_code == 403
    assert_unchanged_since(before)


def test_a_repeat_with_the_same_key_returns_the_first_receipt(
    manager_api: Any, inbound: Any
) -> None:
    headers = {"Idempotency-Key": "blind-api-1"}
    first = manager_api.post(URL, body(code="0001234567890", quantity=2), **headers)
    after_first = snapshot()
    again = manager_api.post(URL, body(code="0001234567890", quantity=2), **headers)

    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert_unchanged_since(after_first)
    conflict = manager_api.post(URL, body(code="0001234567890", quantity=5), **headers)
    assert conflict.status_code == 409
    assert_unchanged_since(after_first)


def test_an_unknown_barcode_is_refused(manager_api: Any, inbound: Any) -> None:
    before = snapshot()
    response = manager_api.post(URL, body(code="NOPE-123"))
    assert response.status_code == 400
    assert error_of(response)["code"] == "unknown_code"
    assert "is not a barcode or SKU of any product of acme-outdoor" in error_of(response)["message"]
    assert_unchanged_since(before)


def test_a_lot_tracked_product_needs_its_lot(manager_api: Any, inbound: Any) -> None:
    before = snapshot()
    response = manager_api.post(URL, body(sku="SERUM"))
    assert error_of(response)["code"] == "lot_required"
    assert error_of(response)["message"] == "SERUM is lot-tracked: scan or type the lot number."
    assert_unchanged_since(before)


def test_unknown_warehouse_client_and_lpn_are_field_errors(manager_api: Any, inbound: Any) -> None:
    response = manager_api.post(URL, {"warehouse": "NOPE", "client": "nobody", "code": "X"})
    assert response.status_code == 422
    assert set(error_of(response)["field_errors"]) == {"warehouse", "client"}
    response = manager_api.post(URL, body(code="0001234567890", lpn="NO-SUCH"))
    assert response.status_code == 422
    assert set(error_of(response)["field_errors"]) == {"lpn"}


def test_openapi_documents_the_idempotency_key(acme: Any) -> None:
    paths = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json").json()["paths"]
    post = paths["/api/v1/blind-receipts"]["post"]
    assert [p["name"] for p in post["parameters"] if p["in"] == "header"] == ["Idempotency-Key"]
