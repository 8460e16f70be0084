"""POST /api/v1/adjustments: add or remove stock with a reason code. An Idempotency-Key makes a
repeat return the first result and write nothing; refusals and bad input are 4xx JSON and write
nothing; only admins and managers adjust."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Balance, Event, StockMove
from tests.api.conftest import error_of
from wms.idempotency.models import IdempotencyRecord


def on_hand(location: Any, product: Any, **key: Any) -> int:
    row = Balance.objects.filter(location=location, product=product, **key).first()
    return row.on_hand if row else 0


def ledger_size() -> tuple[int, int]:
    return StockMove.objects.count(), Event.objects.count()


def test_manager_adds_stock_by_sku_and_location_code(
    manager_api: Any, manager: Any, floor: Any
) -> None:
    response = manager_api.post(
        "/adjustments",
        {
            "sku": "WIDGET",
            "client": "acme-outdoor",
            "location": "E-01",
            "warehouse": "EAST",
            "quantity": 5,
            "reason_code": "found",
            "note": "Behind the rack",
        },
    )
    assert response.status_code == 201
    move = StockMove.objects.order_by("-pk").first()
    assert response.json() == {
        "id": move.pk,
        "created_at": response.json()["created_at"],
        "client": "acme-outdoor",
        "warehouse": "EAST",
        "product_id": floor.widget.pk,
        "sku": "WIDGET",
        "lot": None,
        "quantity": 5,
        "from_location_id": move.from_location_id,
        "from_location": "~ADJUSTMENT",
        "to_location_id": floor.e01.pk,
        "to_location": "E-01",
        "from_lpn": None,
        "to_lpn": None,
        "from_status": "available",
        "to_status": "available",
        "reason": "adjust",
        "reason_code": "found",
        "reference_type": "",
        "reference_id": "",
        "note": "Behind the rack",
    }
    assert move.user == manager
    assert on_hand(floor.e01, floor.widget) == 15
    assert Event.objects.order_by("-pk").first().type == "stock.adjusted"


def test_admin_removes_lot_stock_from_an_lpn_by_ids(
    admin_api: Any, manager: Any, floor: Any
) -> None:
    from inventory.services import ledger

    ledger.receive(
        user=manager,
        product=floor.serum,
        quantity=4,
        location=floor.e02,
        lot=floor.lot,
        lpn=floor.pallet,
    )
    response = admin_api.post(
        "/adjustments",
        {
            "product_id": floor.serum.pk,
            "location_id": floor.e02.pk,
            "quantity": -3,
            "reason_code": "damaged",
            "lot": "S-1",
            "lpn": "PAL-1",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (
        body["from_location"],
        body["to_location"],
        body["quantity"],
        body["lot"],
        body["from_lpn"],
    ) == (
        "E-02",
        "~ADJUSTMENT",
        3,
        "S-1",
        "PAL-1",
    )
    assert on_hand(floor.e02, floor.serum, lot=floor.lot, lpn=floor.pallet) == 1


def test_same_idempotency_key_twice_writes_one_move_and_answers_the_same(
    admin_api: Any, floor: Any
) -> None:
    body = {
        "product_id": floor.widget.pk,
        "location_id": floor.e01.pk,
        "quantity": -2,
        "reason_code": "count",
    }
    before = ledger_size()
    first = admin_api.post("/adjustments", body, **{"Idempotency-Key": "adj-1"})
    again = admin_api.post("/adjustments", body, **{"Idempotency-Key": "adj-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert ledger_size() == (before[0] + 1, before[1] + 1)
    assert on_hand(floor.e01, floor.widget) == 8


def test_same_idempotency_key_with_another_body_is_a_409(admin_api: Any, floor: Any) -> None:
    body = {
        "product_id": floor.widget.pk,
        "location_id": floor.e01.pk,
        "quantity": -2,
        "reason_code": "count",
    }
    assert admin_api.post("/adjustments", body, **{"Idempotency-Key": "adj-2"}).status_code == 201
    after_first = ledger_size()
    response = admin_api.post(
        "/adjustments", {**body, "quantity": -3}, **{"Idempotency-Key": "adj-2"}
    )
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "idempotency_conflict"
    assert error["message"].startswith(
        "Idempotency key “adj-2” was already used for a different request"
    )
    assert ledger_size() == after_first
    assert on_hand(floor.e01, floor.widget) == 8


def test_without_a_key_each_post_adjusts(admin_api: Any, floor: Any) -> None:
    body = {
        "product_id": floor.widget.pk,
        "location_id": floor.e01.pk,
        "quantity": 1,
        "reason_code": "found",
    }
    admin_api.post("/adjustments", body)
    admin_api.post("/adjustments", body)
    assert on_hand(floor.e01, floor.widget) == 12
    assert not IdempotencyRecord.objects.exists()


def test_idempotency_key_longer_than_128_characters_is_refused(admin_api: Any, floor: Any) -> None:
    body = {
        "product_id": floor.widget.pk,
        "location_id": floor.e01.pk,
        "quantity": 1,
        "reason_code": "found",
    }
    before = ledger_size()
    response = admin_api.post("/adjustments", body, **{"Idempotency-Key": "k" * 129})
    assert response.status_code == 422
    assert list(error_of(response)["field_errors"]) == ["header.Idempotency-Key"]
    assert ledger_size() == before


def test_refused_adjustment_is_its_domain_error_and_writes_nothing(
    admin_api: Any, floor: Any
) -> None:
    before = ledger_size()
    too_many = admin_api.post(
        "/adjustments",
        {
            "product_id": floor.widget.pk,
            "location_id": floor.e01.pk,
            "quantity": -11,
            "reason_code": "lost",
        },
        **{"Idempotency-Key": "adj-refused"},
    )
    assert too_many.status_code == 409
    assert error_of(too_many) == {
        "code": "insufficient_stock",
        "message": "Not enough available stock of WIDGET at E-01: 10 available (10 on hand, 0 allocated), 11 requested.",
        "field_errors": {},
    }
    no_lot = admin_api.post(
        "/adjustments",
        {
            "product_id": floor.serum.pk,
            "location_id": floor.e01.pk,
            "quantity": 1,
            "reason_code": "found",
        },
    )
    assert no_lot.status_code == 400
    assert error_of(no_lot)["code"] == "lot_refused"
    virtual = admin_api.post(
        "/adjustments",
        {
            "sku": "WIDGET",
            "client": "acme-outdoor",
            "location": "~SCRAP",
            "warehouse": "EAST",
            "quantity": 1,
            "reason_code": "x",
        },
    )
    assert virtual.status_code == 409
    assert error_of(virtual)["code"] == "location_refused"
    assert ledger_size() == before
    assert not IdempotencyRecord.objects.exists()  # a refused request keeps no key: a retry runs


DROP = object()  # leave the field out of the body
GOOD = {
    "sku": "WIDGET",
    "client": "acme-outdoor",
    "location": "E-01",
    "warehouse": "EAST",
    "quantity": 1,
    "reason_code": "found",
}


@pytest.mark.parametrize(
    ("changes", "field_errors"),
    [
        ({"quantity": 0}, {"quantity": ["Adjust by a whole number other than zero."]}),
        ({"quantity": "5"}, ["quantity"]),
        ({"quantity": 2.5}, ["quantity"]),
        ({"quantity": True}, ["quantity"]),
        ({"quantity": DROP}, ["quantity"]),
        ({"quantity": None}, ["quantity"]),
        ({"reason_code": DROP}, ["reason_code"]),
        ({"reason_code": "   "}, ["reason_code"]),
        ({"status": "lost"}, ["status"]),
        ({"product_id": "WIDGET"}, ["product_id"]),
        ({"sku": "NOPE"}, {"sku": ["No product with SKU “NOPE” for client “acme-outdoor”."]}),
        ({"client": "nobody"}, {"sku": ["No product with SKU “WIDGET” for client “nobody”."]}),
        ({"client": DROP}, {"product_id": ["Give product_id, or sku and client."]}),
        (
            {"sku": DROP, "client": DROP, "product_id": 999999},
            {"product_id": ["No product 999999."]},
        ),
        ({"location": "Z-99"}, {"location": ["No location “Z-99” in warehouse “EAST”."]}),
        ({"warehouse": DROP}, {"location_id": ["Give location_id, or location and warehouse."]}),
        ({"lot": "NOPE"}, {"lot": ["No lot “NOPE” of WIDGET; create it first (POST /lots)."]}),
        (
            {"lpn": "NOPE"},
            {"lpn": ["No LPN “NOPE” in this warehouse; create it first (POST /lpns)."]},
        ),
        (
            {"sku": "NOPE", "location": "Z-99"},
            {
                "sku": ["No product with SKU “NOPE” for client “acme-outdoor”."],
                "location": ["No location “Z-99” in warehouse “EAST”."],
            },
        ),
        ({"colour": "red"}, ["colour"]),
    ],
)
def test_bad_adjustment_input_is_a_422_with_field_errors_and_writes_nothing(
    admin_api: Any, floor: Any, changes: dict[str, Any], field_errors: Any
) -> None:
    body = {key: value for key, value in {**GOOD, **changes}.items() if value is not DROP}
    before = ledger_size()
    response = admin_api.post("/adjustments", body)
    assert response.status_code == 422, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    errors = error["field_errors"]
    assert (list(errors) if isinstance(field_errors, list) else errors) == field_errors
    assert ledger_size() == before


def test_malformed_json_is_a_400_and_writes_nothing(admin_api: Any, floor: Any) -> None:
    before = ledger_size()
    response = admin_api.http.post(
        "/api/v1/adjustments", "{quantity: 5", content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "http_error"
    assert ledger_size() == before


@pytest.mark.parametrize("persona", ["operator", "client_user"])
def test_only_admins_and_managers_adjust(
    api_as: Any, request: Any, floor: Any, persona: str
) -> None:
    api = api_as(request.getfixturevalue(persona))
    before = ledger_size()
    response = api.post("/adjustments", GOOD, **{"Idempotency-Key": "sneaky"})
    assert response.status_code == 403
    assert error_of(response) == {
        "code": "forbidden",
        "message": "You may not adjust stock.",
        "field_errors": {},
    }
    assert ledger_size() == before
    assert on_hand(floor.e01, floor.widget) == 10
    assert not IdempotencyRecord.objects.exists()
