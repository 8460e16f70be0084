"""Stock over the API: balances with totals, the ledger, lots and LPNs; filters, pages, scope
(client users see their client's stock, operators their warehouses'); guessed ids are 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from inventory.models import Lot, Lpn, StockMove
from inventory.services import ledger
from tests.api.conftest import error_of
from tests.factories import LocationFactory, LpnFactory, ProductFactory


def rows(response: Any) -> list[tuple[str, str, str, int]]:
    assert response.status_code == 200, response.content
    return [
        (r["warehouse"], r["location"], r["sku"], r["on_hand"]) for r in response.json()["items"]
    ]


ALL_STOCK = [
    ("EAST", "E-01", "SERUM", 3),
    ("EAST", "E-01", "WIDGET", 10),
    ("EAST", "E-02", "GADGET", 7),
    ("WEST", "W-01", "WIDGET", 5),
]


def test_inventory_lists_balances_with_totals(admin_api: Any, floor: Any) -> None:
    ledger.reserve(
        balance_id=floor.widget.balances.get(location=floor.e01).pk,
        quantity=4,
        reference_type="order_line",
        reference_id="1",
    )
    body = admin_api.get("/inventory").json()
    assert rows_of(body) == ALL_STOCK
    assert body["count"] == 4
    assert body["totals"] == {"on_hand": 25, "allocated": 4, "available": 21}
    widget_row = body["items"][1]
    assert widget_row == {
        "id": widget_row["id"],
        "client": "acme-outdoor",
        "warehouse": "EAST",
        "location_id": floor.e01.pk,
        "location": "E-01",
        "zone": "AMB",
        "product_id": floor.widget.pk,
        "sku": "WIDGET",
        "lot": None,
        "expiry_date": None,
        "lpn": None,
        "status": "available",
        "on_hand": 10,
        "allocated": 4,
        "available": 6,
    }
    assert body["items"][0]["lot"] == "S-1"
    assert body["items"][0]["expiry_date"] == "2027-01-31"
    assert body["items"][2]["lpn"] == "PAL-1"


def rows_of(body: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    return [(r["warehouse"], r["location"], r["sku"], r["on_hand"]) for r in body["items"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"client": "other-brand"}, [ALL_STOCK[2]]),
        ({"warehouse": "WEST"}, [ALL_STOCK[3]]),
        ({"sku": "widget"}, [ALL_STOCK[1], ALL_STOCK[3]]),
        ({"location": "E-01"}, ALL_STOCK[:2]),
        ({"lot": "S-1"}, [ALL_STOCK[0]]),
        ({"lpn": "PAL-1"}, [ALL_STOCK[2]]),
        ({"status": "available"}, ALL_STOCK),
        ({"status": "damaged"}, []),
    ],
)
def test_inventory_filters(
    admin_api: Any, floor: Any, params: dict[str, str], expected: Any
) -> None:
    assert rows(admin_api.get("/inventory", **params)) == expected


def test_inventory_filters_by_ids(admin_api: Any, floor: Any) -> None:
    assert rows(admin_api.get("/inventory", client_id=floor.other_client.pk)) == [ALL_STOCK[2]]
    assert rows(admin_api.get("/inventory", warehouse_id=floor.west.pk)) == [ALL_STOCK[3]]
    assert rows(admin_api.get("/inventory", zone_id=floor.amb.pk)) == ALL_STOCK[:3]
    assert rows(admin_api.get("/inventory", product_id=floor.serum.pk)) == [ALL_STOCK[0]]
    assert rows(admin_api.get("/inventory", location_id=floor.e02.pk)) == [ALL_STOCK[2]]
    assert rows(admin_api.get("/inventory", lpn_id=floor.pallet.pk)) == [ALL_STOCK[2]]


def test_inventory_totals_cover_every_match_not_just_the_page(admin_api: Any, floor: Any) -> None:
    body = admin_api.get("/inventory", limit=1, offset=1).json()
    assert rows_of(body) == [ALL_STOCK[1]]
    assert (body["count"], body["totals"]["on_hand"]) == (4, 25)
    filtered = admin_api.get("/inventory", sku="WIDGET", limit=1).json()
    assert (filtered["count"], filtered["totals"]) == (
        2,
        {"on_hand": 15, "allocated": 0, "available": 15},
    )


def test_bad_inventory_filters_are_422(admin_api: Any, floor: Any) -> None:
    response = admin_api.get("/inventory", status="lost", warehouse_id="east")
    assert response.status_code == 422
    assert sorted(error_of(response)["field_errors"]) == ["status", "warehouse_id"]


def test_client_user_sees_only_their_clients_stock(client_api: Any, floor: Any) -> None:
    body = client_api.get("/inventory").json()
    assert rows_of(body) == [ALL_STOCK[0], ALL_STOCK[1], ALL_STOCK[3]]
    assert body["totals"]["on_hand"] == 18
    assert rows(client_api.get("/inventory", client="other-brand")) == []
    assert rows(client_api.get("/inventory", lpn="PAL-1")) == []


def test_operator_sees_only_their_warehouses_stock(operator_api: Any, floor: Any) -> None:
    body = operator_api.get("/inventory").json()
    assert rows_of(body) == ALL_STOCK[:3]
    assert body["totals"]["on_hand"] == 20
    assert rows(operator_api.get("/inventory", warehouse="WEST")) == []


def test_inventory_query_count_does_not_grow_with_rows(
    admin_api: Any, operator_api: Any, manager: Any, floor: Any
) -> None:
    admin_api.get("/inventory")
    operator_api.get("/inventory")
    few = (admin_api.queries("/inventory"), operator_api.queries("/inventory"))
    for i in range(10):
        location = LocationFactory(warehouse=floor.east, code=f"BULK-{i}", zone=floor.amb)
        product = ProductFactory(client=floor.other_client, sku=f"BULK-{i}")
        ledger.receive(user=manager, product=product, quantity=i + 1, location=location)
    many = (admin_api.queries("/inventory"), operator_api.queries("/inventory"))
    assert few == many
    assert admin_api.get("/inventory").json()["count"] == 14


def test_stock_moves_newest_first_with_filters(admin_api: Any, manager: Any, floor: Any) -> None:
    ledger.move(
        user=manager,
        product=floor.widget,
        quantity=2,
        from_location=floor.e01,
        to_location=floor.e02,
    )

    def moves(**params: Any) -> list[tuple[str, str, str, int]]:
        response = admin_api.get("/stock-moves", **params)
        assert response.status_code == 200, response.content
        return [
            (m["reason"], m["sku"], m["to_location"], m["quantity"])
            for m in response.json()["items"]
        ]

    assert moves() == [
        ("move", "WIDGET", "E-02", 2),
        ("receipt", "SERUM", "E-01", 3),
        ("receipt", "GADGET", "E-02", 7),
        ("receipt", "WIDGET", "W-01", 5),
        ("receipt", "WIDGET", "E-01", 10),
    ]
    assert moves(sku="WIDGET", reason="receipt") == [
        ("receipt", "WIDGET", "W-01", 5),
        ("receipt", "WIDGET", "E-01", 10),
    ]
    assert moves(product_id=floor.serum.pk) == [("receipt", "SERUM", "E-01", 3)]
    assert moves(location="E-02") == [
        ("move", "WIDGET", "E-02", 2),
        ("receipt", "GADGET", "E-02", 7),
    ]
    assert moves(location_id=floor.e01.pk, sku="WIDGET") == [
        ("move", "WIDGET", "E-02", 2),
        ("receipt", "WIDGET", "E-01", 10),
    ]
    assert moves(reference_id="asn-2") == [("receipt", "WIDGET", "W-01", 5)]
    assert moves(client="other-brand") == [("receipt", "GADGET", "E-02", 7)]
    assert moves(limit=2, offset=1) == [
        ("receipt", "SERUM", "E-01", 3),
        ("receipt", "GADGET", "E-02", 7),
    ]


def test_stock_moves_since_and_until(admin_api: Any, floor: Any) -> None:
    now = timezone.now()
    assert (
        admin_api.get("/stock-moves", since=(now - dt.timedelta(hours=1)).isoformat()).json()[
            "count"
        ]
        == 4
    )
    assert (
        admin_api.get("/stock-moves", since=(now + dt.timedelta(hours=1)).isoformat()).json()[
            "count"
        ]
        == 0
    )
    assert (
        admin_api.get("/stock-moves", until=(now - dt.timedelta(hours=1)).isoformat()).json()[
            "count"
        ]
        == 0
    )
    bad = admin_api.get("/stock-moves", since="yesterday", reason="stolen")
    assert bad.status_code == 422
    assert sorted(error_of(bad)["field_errors"]) == ["reason", "since"]


def test_stock_move_detail(admin_api: Any, floor: Any) -> None:
    move = StockMove.objects.get(product=floor.gadget)
    body = admin_api.get(f"/stock-moves/{move.pk}").json()
    assert body == {
        "id": move.pk,
        "created_at": body["created_at"],
        "client": "other-brand",
        "warehouse": "EAST",
        "product_id": floor.gadget.pk,
        "sku": "GADGET",
        "lot": None,
        "quantity": 7,
        "from_location_id": move.from_location_id,
        "from_location": "~SUPPLIER",
        "to_location_id": floor.e02.pk,
        "to_location": "E-02",
        "from_lpn": None,
        "to_lpn": "PAL-1",
        "from_status": "available",
        "to_status": "available",
        "reason": "receipt",
        "reason_code": "",
        "reference_type": "",
        "reference_id": "",
        "note": "",
    }


def test_client_user_sees_only_their_clients_moves(client_api: Any, floor: Any) -> None:
    body = client_api.get("/stock-moves").json()
    assert [m["sku"] for m in body["items"]] == ["SERUM", "WIDGET", "WIDGET"]
    gadget_move = StockMove.objects.get(product=floor.gadget)
    assert client_api.get(f"/stock-moves/{gadget_move.pk}").status_code == 404


def test_operator_sees_only_their_warehouses_moves(operator_api: Any, floor: Any) -> None:
    body = operator_api.get("/stock-moves").json()
    assert [(m["warehouse"], m["sku"]) for m in body["items"]] == [
        ("EAST", "SERUM"),
        ("EAST", "GADGET"),
        ("EAST", "WIDGET"),
    ]
    west_move = StockMove.objects.get(to_location=floor.w01)
    assert operator_api.get(f"/stock-moves/{west_move.pk}").status_code == 404


def test_lots_list_by_product_and_create(admin_api: Any, floor: Any) -> None:
    created = admin_api.post(
        "/lots",
        {"sku": "SERUM", "client": "acme-outdoor", "number": "S-0", "expiry_date": "2026-12-31"},
    )
    assert created.status_code == 201
    lot = Lot.objects.get(number="S-0")
    assert created.json() == {
        "id": lot.pk,
        "product_id": floor.serum.pk,
        "sku": "SERUM",
        "client": "acme-outdoor",
        "number": "S-0",
        "expiry_date": "2026-12-31",
        "created_at": created.json()["created_at"],
    }
    listed = admin_api.get("/lots", product_id=floor.serum.pk).json()
    assert [(row["number"], row["expiry_date"]) for row in listed["items"]] == [
        ("S-0", "2026-12-31"),
        ("S-1", "2027-01-31"),
    ]
    assert admin_api.get("/lots", sku="WIDGET").json() == {"items": [], "count": 0}
    assert admin_api.get(f"/lots/{lot.pk}").json()["number"] == "S-0"


@pytest.mark.parametrize(
    ("body", "field_errors"),
    [
        ({"product_id": "widget", "number": "L"}, ["product_id"]),
        (
            {
                "sku": "SERUM",
                "client": "acme-outdoor",
                "number": "S-1",
                "expiry_date": "2027-01-31",
            },
            {"number": ["Lot with this Product and Number already exists."]},
        ),
        ({"sku": "SERUM", "number": "L"}, {"product_id": ["Give product_id, or sku and client."]}),
        (
            {"sku": "NOPE", "client": "acme-outdoor", "number": "L"},
            {"sku": ["No product with SKU “NOPE” for client “acme-outdoor”."]},
        ),
        (
            {"sku": "SERUM", "client": "acme-outdoor", "number": "L", "expiry_date": "31/01/2027"},
            ["expiry_date"],
        ),
    ],
)
def test_bad_lot_is_a_422_and_writes_nothing(
    admin_api: Any, floor: Any, body: Any, field_errors: Any
) -> None:
    response = admin_api.post("/lots", body)
    assert response.status_code == 422, response.content
    errors = error_of(response)["field_errors"]
    assert (list(errors) if isinstance(field_errors, list) else errors) == field_errors
    assert Lot.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "message", "field_errors"),
    [
        (
            {"sku": "WIDGET", "client": "acme-outdoor", "number": "L"},
            "WIDGET is not lot-tracked; it has no lots.",
            {"product": ["WIDGET is not lot-tracked."]},
        ),
        (
            {"sku": "SERUM", "client": "acme-outdoor", "number": "L"},
            "SERUM tracks expiry: give the lot's expiry date.",
            {"expiry_date": ["SERUM tracks expiry: give the date."]},
        ),
    ],
)
def test_lot_the_product_cannot_have_is_a_409_and_writes_nothing(
    admin_api: Any, floor: Any, body: Any, message: str, field_errors: Any
) -> None:
    response = admin_api.post("/lots", body)
    assert response.status_code == 409, response.content
    assert error_of(response) == {
        "code": "master_data_refused",
        "message": message,
        "field_errors": field_errors,
    }
    assert Lot.objects.count() == 1


def test_client_user_sees_only_their_clients_lots(
    client_api: Any, floor: Any, other_client: Any
) -> None:
    other = ProductFactory(client=other_client, sku="OTHER-LOTS", tracking="lot")
    other_lot = Lot.objects.create(product=other, number="O-1")
    assert [row["number"] for row in client_api.get("/lots").json()["items"]] == ["S-1"]
    assert client_api.get(f"/lots/{other_lot.pk}").status_code == 404


def test_lpns_list_get_and_create(admin_api: Any, floor: Any) -> None:
    created = admin_api.post("/lpns", {"code": "TOTE-9", "kind": "tote", "warehouse": "EAST"})
    assert created.status_code == 201
    lpn = Lpn.objects.get(code="TOTE-9")
    assert created.json() == {  # empty, at no location: the ledger places it
        "id": lpn.pk,
        "code": "TOTE-9",
        "kind": "tote",
        "warehouse_id": floor.east.pk,
        "warehouse": "EAST",
        "location_id": None,
        "location": None,
        "created_at": created.json()["created_at"],
    }
    LpnFactory(code="TOTE-8", warehouse=floor.east, location=floor.e01)
    codes = [row["code"] for row in admin_api.get("/lpns").json()["items"]]
    assert codes == ["PAL-1", "TOTE-8", "TOTE-9"]
    assert [row["code"] for row in admin_api.get("/lpns", location="E-02").json()["items"]] == [
        "PAL-1"
    ]
    assert [
        row["code"] for row in admin_api.get("/lpns", location_id=floor.e01.pk).json()["items"]
    ] == ["TOTE-8"]
    assert admin_api.get("/lpns", warehouse="WEST").json()["count"] == 0
    assert admin_api.get(f"/lpns/{floor.pallet.pk}").json()["location"] == "E-02"


@pytest.mark.parametrize(
    ("body", "field_errors"),
    [
        ({"code": "PAL-1", "warehouse": "EAST"}, {"code": ["LPN with this Code already exists."]}),
        ({"code": "X", "warehouse": "NOPE"}, {"warehouse": ["No warehouse with code “NOPE”."]}),
        (
            {"code": "X", "warehouse": "EAST", "location": "E-01"},
            {"location": ["Extra inputs are not permitted"]},
        ),
        ({"code": "X", "warehouse": "EAST", "kind": "crate"}, ["kind"]),
    ],
)
def test_bad_lpn_is_a_422_and_writes_nothing(
    admin_api: Any, floor: Any, body: Any, field_errors: Any
) -> None:
    response = admin_api.post("/lpns", body)
    assert response.status_code == 422, response.content
    errors = error_of(response)["field_errors"]
    assert (list(errors) if isinstance(field_errors, list) else errors) == field_errors
    assert Lpn.objects.count() == 1


def test_operator_sees_only_their_warehouses_lpns(operator_api: Any, floor: Any) -> None:
    west_lpn = Lpn.objects.create(code="W-PAL", warehouse=floor.west, location=floor.w01)
    assert [row["code"] for row in operator_api.get("/lpns").json()["items"]] == ["PAL-1"]
    assert operator_api.get(f"/lpns/{west_lpn.pk}").status_code == 404


def test_client_user_sees_no_lpns(client_api: Any, floor: Any) -> None:
    assert client_api.get("/lpns").json() == {"items": [], "count": 0}
    assert client_api.get(f"/lpns/{floor.pallet.pk}").status_code == 404


@pytest.mark.parametrize("persona", ["operator", "client_user"])
def test_only_admins_and_managers_create_lots_and_lpns(
    api_as: Any, request: Any, floor: Any, persona: str
) -> None:
    api = api_as(request.getfixturevalue(persona))
    lot = api.post(
        "/lots", {"product_id": floor.serum.pk, "number": "NEW", "expiry_date": "2028-01-01"}
    )
    lpn = api.post("/lpns", {"code": "NEW", "warehouse": "EAST"})
    assert (lot.status_code, lpn.status_code) == (403, 403)
    assert (Lot.objects.count(), Lpn.objects.count()) == (1, 1)
