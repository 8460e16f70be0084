"""Bad input is a 4xx, never a 500, and writes nothing: integers beyond their column, NUL bytes and
other control characters in any string, codes outside printable ASCII (our barcode alphabet),
full-width digits, and offsets beyond any table. Each case answered 500 before the validation
layer (wms.validation) was applied to every schema and filter."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from inventory.models import Location, StockMove
from picking.models import Order
from receiving.models import Asn
from tests.api.conftest import error_of
from tests.helpers import assert_nothing_written

INT_OVERFLOW = 2**31
ADJUSTMENT = {
    "sku": "WIDGET",
    "client": "acme-outdoor",
    "location": "E-01",
    "warehouse": "EAST",
    "quantity": 5,
    "reason_code": "FOUND",
}
SHIP_TO = {"name": "Ada", "street1": "1 Way", "city": "Boston", "postal_code": "02110"}
ORDER = {
    "client": "acme-outdoor",
    "warehouse": "EAST",
    "reference": "SO-BAD",
    "ship_to": SHIP_TO,
    "lines": [{"sku": "WIDGET", "quantity": 1}],
}
ASN = {
    "client": "acme-outdoor",
    "warehouse": "EAST",
    "reference": "PO-BAD",
    "lines": [{"sku": "WIDGET", "expected_qty": 1}],
}


def openapi(acme: Any) -> dict[str, Any]:
    return HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json").json()


def refused(response: Any, field: str) -> dict[str, Any]:
    """The 422 envelope, with an error on `field`."""
    assert response.status_code == 422, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    assert field in error["field_errors"], error
    return error


# --- Integers beyond the database's types -------------------------------------------------------


@pytest.mark.parametrize("quantity", [INT_OVERFLOW, -INT_OVERFLOW, 2**63, -(2**70)])
def test_an_adjustment_beyond_the_ledgers_integer_is_a_422(
    manager_api: Any, floor: Any, quantity: int
) -> None:
    with assert_nothing_written():
        error = refused(
            manager_api.post("/adjustments", {**ADJUSTMENT, "quantity": quantity}), "quantity"
        )
    assert StockMove.objects.filter(reason="adjust").count() == 0
    assert "2147483647" in error["field_errors"]["quantity"][0]


def test_the_largest_adjustment_either_way_is_still_refused_by_stock_not_by_type(
    manager_api: Any, floor: Any
) -> None:
    """-(2**31-1) is a valid number: the ledger refuses it for lack of stock (409), not a 500."""
    with assert_nothing_written():
        response = manager_api.post("/adjustments", {**ADJUSTMENT, "quantity": -(2**31 - 1)})
    assert response.status_code == 409, response.content


def test_an_order_line_beyond_the_integer_column_is_a_422(manager_api: Any, floor: Any) -> None:
    body = {**ORDER, "lines": [{"sku": "WIDGET", "quantity": INT_OVERFLOW}]}
    with assert_nothing_written():
        refused(manager_api.post("/orders", body), "lines.0.quantity")
    assert not Order.objects.exists()


def test_an_asn_line_beyond_the_integer_column_is_a_422(manager_api: Any, floor: Any) -> None:
    body = {**ASN, "lines": [{"sku": "WIDGET", "expected_qty": INT_OVERFLOW}]}
    with assert_nothing_written():
        refused(manager_api.post("/asns", body), "lines.0.expected_qty")
    assert not Asn.objects.filter(reference="PO-BAD").exists()


def test_a_dimension_beyond_the_integer_column_is_a_422(manager_api: Any, floor: Any) -> None:
    body = {"client": "acme-outdoor", "sku": "HUGE", "name": "Huge", "length_mm": INT_OVERFLOW}
    with assert_nothing_written():
        refused(manager_api.post("/products", body), "length_mm")


def test_a_body_id_beyond_bigint_is_a_422(manager_api: Any, floor: Any) -> None:
    body = {**ADJUSTMENT, "sku": None, "client": None, "product_id": 2**63}
    with assert_nothing_written():
        refused(manager_api.post("/adjustments", body), "product_id")


def test_every_list_refuses_an_offset_beyond_its_bound(manager_api: Any, floor: Any) -> None:
    """`offset` of 2**63 once reached PostgreSQL as an OFFSET its bigint cannot hold."""
    paths = [
        path
        for path, operations in openapi(floor)["paths"].items()
        if any(p["name"] == "offset" for p in operations.get("get", {}).get("parameters", []))
    ]
    assert len(paths) >= 15
    for path in paths:
        for offset in (2**63, 2**31, -1):
            response = manager_api.get(path.removeprefix("/api/v1"), offset=offset)
            assert response.status_code == 422, (path, offset, response.content)
            assert "offset" in error_of(response)["field_errors"], path
        too_many = manager_api.get(path.removeprefix("/api/v1"), limit=501)
        assert "limit" in error_of(too_many)["field_errors"], path


@pytest.mark.parametrize("digits", ["\uff11\uff12", "\u00b2", "1_0"])
def test_only_ascii_digits_are_a_number_in_a_query(
    manager_api: Any, floor: Any, digits: str
) -> None:
    refused(manager_api.get("/locations", limit=digits), "limit")
    refused(manager_api.get("/inventory", product_id=digits), "product_id")


# --- NUL bytes and other control characters ----------------------------------------------------


@pytest.mark.parametrize("bad", ["\x00", "A\x00B", "A\x01", "\x7f", "A\u0085"])
def test_a_control_character_in_any_query_filter_is_a_422(
    manager_api: Any, floor: Any, bad: str
) -> None:
    """Every GET with a text parameter, each text parameter in turn (`/orders?reference=%00`
    was a 500)."""
    tried = 0
    for path, operations in openapi(floor)["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        for parameter in operations["get"].get("parameters", []):
            schema = parameter["schema"]
            types = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
            if parameter["in"] != "query" or "string" not in types or "enum" in schema:
                continue
            response = manager_api.get(path.removeprefix("/api/v1"), **{parameter["name"]: bad})
            refused(response, parameter["name"])
            tried += 1
    assert tried >= 40


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/orders", {**ORDER, "reference": "SO\x00"}, "reference"),
        ("/orders", {**ORDER, "ship_to": {**SHIP_TO, "name": "A\x00"}}, "ship_to.name"),
        ("/warehouses", {"code": "W\x00", "name": "W"}, "code"),
        ("/warehouses", {"code": "W9", "name": "W\x00"}, "name"),
        ("/zones", {"warehouse": "EAST", "code": "Z\x00"}, "code"),
        ("/zones", {"warehouse": "EAST\x00", "code": "Z1"}, "warehouse"),
        (
            "/manifests",
            {"warehouse": "EAST\x00", "carrier": "USPS", "date": "2030-01-01"},
            "warehouse",
        ),
        (
            "/products/bulk",
            {"items": [{"client": "acme-outdoor", "sku": "OK", "name": "N\x00"}]},
            "items.0.name",
        ),
        ("/pick-tasks/next", {"warehouse": "EAST\x00"}, "warehouse"),
        ("/pick-tasks/next", {"zones": ["A\x00"]}, "zones.0"),
        ("/adjustments", {**ADJUSTMENT, "note": "\x00"}, "note"),
        ("/adjustments", {**ADJUSTMENT, "note": "\ud800"}, "note"),
        ("/asns", {**ASN, "carrier": "DHL\x00"}, "carrier"),
        ("/lpns", {"code": "P\x00", "warehouse": "EAST"}, "code"),
        ("/lots", {"sku": "SERUM", "client": "acme-outdoor", "number": "L\x00"}, "number"),
    ],
)
def test_a_nul_byte_in_a_body_is_a_422_and_writes_nothing(
    manager_api: Any, floor: Any, path: str, body: dict[str, Any], field: str
) -> None:
    with assert_nothing_written():
        refused(manager_api.post(path, body), field)


def test_a_nul_byte_in_the_idempotency_key_is_a_422(manager_api: Any, floor: Any) -> None:
    with assert_nothing_written():
        response = manager_api.post("/adjustments", ADJUSTMENT, **{"Idempotency-Key": "k\x00"})
    refused(response, "header.Idempotency-Key")


def test_line_breaks_are_text_in_a_description_but_not_in_a_name(
    manager_api: Any, floor: Any
) -> None:
    body = {"client": "acme-outdoor", "sku": "NOTE", "name": "Note", "description": "a\nb\tc"}
    assert manager_api.post("/products", body).status_code == 201
    with assert_nothing_written():
        refused(manager_api.post("/products", {**body, "sku": "NOTE2", "name": "a\nb"}), "name")


# --- Codes are printable ASCII ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/lpns", {"code": "PAL-É", "warehouse": "EAST"}, "code"),
        ("/locations", {"warehouse": "EAST", "code": "A-\uff101"}, "code"),
        ("/locations", {"warehouse": "EAST", "code": "A-01", "barcode": "Ä01"}, "barcode"),
        ("/products", {"client": "acme-outdoor", "sku": "MÜG", "name": "Mug"}, "sku"),
        (
            "/products",
            {
                "client": "acme-outdoor",
                "sku": "MUG",
                "name": "Mug",
                "barcodes": [{"barcode": "٠١٢"}],
            },
            "barcodes.0.barcode",
        ),
        ("/warehouses", {"code": "NÖRD", "name": "North"}, "code"),
    ],
)
def test_a_code_outside_printable_ascii_is_a_422_and_creates_nothing(
    manager_api: Any, floor: Any, path: str, body: dict[str, Any], field: str
) -> None:
    """Such codes were accepted, and then every label for them failed (Code 128 carries
    printable ASCII)."""
    with assert_nothing_written():
        error = refused(manager_api.post(path, body), field)
    assert "printable ASCII" in error["field_errors"][field][0]


def test_a_code_outside_printable_ascii_cannot_be_patched_in_either(
    manager_api: Any, floor: Any
) -> None:
    with assert_nothing_written():
        refused(manager_api.patch(f"/locations/{floor.e01.pk}", {"code": "E-Ö1"}), "code")
    assert Location.objects.get(pk=floor.e01.pk).code == "E-01"
