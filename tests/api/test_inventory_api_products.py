"""Products with their barcodes over the API: list with filters and pages, get, create, bulk
create (all or nothing), update (no SKU change once there is stock); client users see only their
client's; writes only for admins and managers; the list's query count does not grow with rows."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Product, ProductBarcode
from tests.api.conftest import error_of
from tests.factories import ProductBarcodeFactory, ProductFactory


def skus(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["sku"] for row in response.json()["items"]]


def test_manager_creates_a_product_with_barcodes(manager_api: Any, acme_outdoor: Any) -> None:
    response = manager_api.post(
        "/products",
        {
            "client": "acme-outdoor",
            "sku": "TENT-2P",
            "name": "Two-person tent",
            "weight_g": 2400,
            "case_qty": 4,
            "tracking": "lot",
            "barcodes": [
                {"barcode": "0712345678901"},
                {"barcode": "1712345678908", "pack_quantity": 4},
            ],
        },
    )
    assert response.status_code == 201
    product = Product.objects.get(sku="TENT-2P")
    body = response.json()
    assert body == {
        "id": product.pk,
        "client_id": acme_outdoor.pk,
        "client": "acme-outdoor",
        "sku": "TENT-2P",
        "name": "Two-person tent",
        "description": "",
        "length_mm": None,
        "width_mm": None,
        "height_mm": None,
        "weight_g": 2400,
        "tracking": "lot",
        "inner_qty": None,
        "case_qty": 4,
        "pallet_qty": None,
        "ships_in_own_container": False,
        "is_active": True,
        "created_at": body["created_at"],
        "barcodes": [
            {"barcode": "0712345678901", "pack_quantity": 1},
            {"barcode": "1712345678908", "pack_quantity": 4},
        ],
    }
    assert set(ProductBarcode.objects.values_list("client_id", flat=True)) == {acme_outdoor.pk}


@pytest.mark.parametrize(
    ("body", "field_errors"),
    [
        (
            {"client": "nobody", "sku": "X", "name": "X"},
            {"client": ["No active client with code “nobody”."]},
        ),
        (
            {"client": "acme-outdoor", "sku": "WIDGET", "name": "X"},
            {"sku": ["Product with this Client and SKU already exists."]},
        ),
        ({"client": "acme-outdoor", "sku": 123, "name": "X"}, ["sku"]),
        ({"client": "acme-outdoor", "sku": "X", "name": "X", "weight_g": "heavy"}, ["weight_g"]),
        ({"client": "acme-outdoor", "sku": "X", "name": "X", "weight_g": True}, ["weight_g"]),
        ({"client": "acme-outdoor", "sku": "X", "name": "X", "weight_g": -5}, ["weight_g"]),
        ({"client": "acme-outdoor", "sku": "X", "name": "X", "tracking": "serial"}, ["tracking"]),
        ({"client": "acme-outdoor", "sku": "  ", "name": "X"}, ["sku"]),
        ({"client": "acme-outdoor", "sku": "X"}, ["name"]),
        ({"client": "acme-outdoor", "sku": "X", "name": "X", "colour": "red"}, ["colour"]),
        (
            {
                "client": "acme-outdoor",
                "sku": "X",
                "name": "X",
                "barcodes": [{"barcode": "1", "pack_quantity": 0}],
            },
            ["barcodes.0.pack_quantity"],
        ),
        (["not", "an", "object"], ["__all__"]),
    ],
)
def test_bad_product_is_a_422_with_field_errors_and_creates_nothing(
    admin_api: Any, floor: Any, body: Any, field_errors: Any
) -> None:
    before = (Product.objects.count(), ProductBarcode.objects.count())
    response = admin_api.post("/products", body)
    assert response.status_code == 422, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    if isinstance(field_errors, list):
        assert list(error["field_errors"]) == field_errors
    else:
        assert error["field_errors"] == field_errors
    assert (Product.objects.count(), ProductBarcode.objects.count()) == before


def test_barcode_of_another_product_is_a_409_and_creates_nothing(
    admin_api: Any, floor: Any
) -> None:
    before = (Product.objects.count(), ProductBarcode.objects.count())
    response = admin_api.post(
        "/products",
        {
            "client": "acme-outdoor",
            "sku": "X",
            "name": "X",
            "barcodes": [{"barcode": "0001234567890"}],
        },
    )
    assert response.status_code == 409
    assert error_of(response) == {
        "code": "master_data_refused",
        "message": "Barcode 0001234567890 already belongs to WIDGET.",
        "field_errors": {"barcodes": ["Barcode 0001234567890 already belongs to WIDGET."]},
    }
    assert (Product.objects.count(), ProductBarcode.objects.count()) == before


def test_malformed_json_is_a_400_json_error(admin_api: Any, acme_outdoor: Any) -> None:
    response = admin_api.http.post(
        "/api/v1/products", '{"client": "acme-outdoor", "sku": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response) == {
        "code": "http_error",
        "message": "Cannot parse request body",
        "field_errors": {},
    }
    assert not Product.objects.exists()


def test_product_list_filters(admin_api: Any, floor: Any) -> None:
    assert skus(admin_api.get("/products")) == ["SERUM", "WIDGET", "GADGET"]  # by client code, SKU
    assert skus(admin_api.get("/products", client="other-brand")) == ["GADGET"]
    assert skus(admin_api.get("/products", client_id=floor.acme_outdoor.pk)) == ["SERUM", "WIDGET"]
    assert skus(admin_api.get("/products", sku="widget")) == ["WIDGET"]
    assert skus(admin_api.get("/products", search="blue")) == ["WIDGET"]
    assert skus(admin_api.get("/products", search="1001234567897")) == ["WIDGET"]
    assert skus(admin_api.get("/products", tracking="lot_expiry")) == ["SERUM"]
    assert skus(admin_api.get("/products", is_active=False)) == []
    bad = admin_api.get("/products", tracking="serial")
    assert bad.status_code == 422
    assert list(error_of(bad)["field_errors"]) == ["tracking"]


def test_product_list_pages(admin_api: Any, floor: Any) -> None:
    page = admin_api.get("/products", limit=2, offset=2).json()
    assert page["count"] == 3
    assert [row["sku"] for row in page["items"]] == ["GADGET"]


def test_product_detail_includes_barcodes(admin_api: Any, floor: Any) -> None:
    body = admin_api.get(f"/products/{floor.widget.pk}").json()
    assert (body["sku"], body["client"], body["barcodes"]) == (
        "WIDGET",
        "acme-outdoor",
        [
            {"barcode": "0001234567890", "pack_quantity": 1},
            {"barcode": "1001234567897", "pack_quantity": 12},
        ],
    )


def test_client_user_sees_only_their_clients_products(client_api: Any, floor: Any) -> None:
    assert skus(client_api.get("/products")) == ["SERUM", "WIDGET"]
    assert skus(client_api.get("/products", client="other-brand")) == []
    assert skus(client_api.get("/products", search="GADGET")) == []
    assert client_api.get(f"/products/{floor.widget.pk}").status_code == 200
    guessed = client_api.get(f"/products/{floor.gadget.pk}")
    assert guessed.status_code == 404
    assert error_of(guessed)["message"] == f"No product {floor.gadget.pk}."


def test_operator_reads_every_clients_products(operator_api: Any, floor: Any) -> None:
    assert skus(operator_api.get("/products")) == ["SERUM", "WIDGET", "GADGET"]


def test_update_product_fields_and_replace_barcodes(admin_api: Any, floor: Any) -> None:
    response = admin_api.patch(
        f"/products/{floor.widget.pk}",
        {
            "name": "Blue widget v2",
            "weight_g": 510,
            "barcodes": [
                {"barcode": "0001234567890"},
                {"barcode": "5001234567894", "pack_quantity": 48},
            ],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["weight_g"], body["sku"]) == ("Blue widget v2", 510, "WIDGET")
    assert body["barcodes"] == [
        {"barcode": "0001234567890", "pack_quantity": 1},
        {"barcode": "5001234567894", "pack_quantity": 48},
    ]
    assert sorted(
        ProductBarcode.objects.filter(product=floor.widget).values_list("barcode", flat=True)
    ) == [
        "0001234567890",
        "5001234567894",
    ]


def test_clearing_an_optional_field_with_null(admin_api: Any, floor: Any) -> None:
    Product.objects.filter(pk=floor.widget.pk).update(weight_g=500)
    response = admin_api.patch(f"/products/{floor.widget.pk}", {"weight_g": None})
    assert response.status_code == 200
    floor.widget.refresh_from_db()
    assert floor.widget.weight_g is None


def test_sku_change_of_a_product_with_stock_is_a_409_and_changes_nothing(
    admin_api: Any, floor: Any
) -> None:
    response = admin_api.patch(
        f"/products/{floor.widget.pk}", {"sku": "WIDGET-2", "name": "Renamed"}
    )
    assert response.status_code == 409
    assert error_of(response) == {
        "code": "master_data_refused",
        "message": "WIDGET has stock or ledger history; its SKU cannot change. Create a new product instead.",
        "field_errors": {"sku": ["WIDGET has stock or ledger history; keep its SKU."]},
    }
    floor.widget.refresh_from_db()
    assert (floor.widget.sku, floor.widget.name) == ("WIDGET", "Blue widget")


def test_sku_change_without_history_is_allowed(admin_api: Any, acme_outdoor: Any) -> None:
    product = ProductFactory(client=acme_outdoor, sku="DRAFT")
    response = admin_api.patch(f"/products/{product.pk}", {"sku": "FINAL"})
    assert response.status_code == 200
    assert response.json()["sku"] == "FINAL"


def test_sku_change_to_a_taken_sku_is_a_field_error(admin_api: Any, floor: Any) -> None:
    product = ProductFactory(client=floor.acme_outdoor, sku="DRAFT")
    response = admin_api.patch(f"/products/{product.pk}", {"sku": "WIDGET"})
    assert response.status_code == 422
    assert error_of(response)["field_errors"] == {
        "sku": ["Product with this Client and SKU already exists."]
    }


def test_barcode_of_another_product_is_refused_and_the_update_rolls_back(
    admin_api: Any, floor: Any
) -> None:
    other = ProductFactory(client=floor.acme_outdoor, sku="OTHER")
    ProductBarcodeFactory(product=other, barcode="999")
    response = admin_api.patch(
        f"/products/{floor.widget.pk}", {"name": "Changed", "barcodes": [{"barcode": "999"}]}
    )
    assert response.status_code == 409
    assert error_of(response) == {
        "code": "master_data_refused",
        "message": "Barcode 999 already belongs to OTHER.",
        "field_errors": {"barcodes": ["Barcode 999 already belongs to OTHER."]},
    }
    floor.widget.refresh_from_db()
    assert floor.widget.name == "Blue widget"
    assert ProductBarcode.objects.filter(product=floor.widget).count() == 2


def test_bulk_create_makes_every_product_with_barcodes(admin_api: Any, floor: Any) -> None:
    response = admin_api.post(
        "/products/bulk",
        {
            "items": [
                {
                    "client": "acme-outdoor",
                    "sku": "A-1",
                    "name": "A one",
                    "barcodes": [{"barcode": "111"}],
                },
                {"client": "other-brand", "sku": "B-1", "name": "B one"},
                {"client": "acme-outdoor", "sku": "A-2", "name": "A two", "tracking": "lot"},
            ]
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["count"] == 3
    assert [(p["client"], p["sku"]) for p in body["items"]] == [
        ("acme-outdoor", "A-1"),
        ("other-brand", "B-1"),
        ("acme-outdoor", "A-2"),
    ]
    assert body["items"][0]["barcodes"] == [{"barcode": "111", "pack_quantity": 1}]
    assert ProductBarcode.objects.get(barcode="111").client_id == floor.acme_outdoor.pk


def test_bulk_create_with_bad_items_creates_nothing_and_names_each_by_index(
    admin_api: Any, floor: Any
) -> None:
    before = (Product.objects.count(), ProductBarcode.objects.count())
    response = admin_api.post(
        "/products/bulk",
        {
            "items": [
                {
                    "client": "acme-outdoor",
                    "sku": "OK-1",
                    "name": "Fine",
                    "barcodes": [{"barcode": "222"}],
                },
                {"client": "nobody", "sku": "X-1", "name": "Unknown client"},
                {"client": "acme-outdoor", "sku": "OK-1", "name": "Repeated SKU"},
                {"client": "acme-outdoor", "sku": "WIDGET", "name": "Taken SKU"},
                {
                    "client": "acme-outdoor",
                    "sku": "OK-2",
                    "name": "Repeated barcode",
                    "barcodes": [{"barcode": "222"}],
                },
            ]
        },
    )
    assert response.status_code == 422
    assert error_of(response)["field_errors"] == {
        "items.1.client": ["No active client with code “nobody”."],
        "items.2.sku": ["SKU “OK-1” is also item 0 of this request."],
        "items.3.sku": ["Product with this Client and SKU already exists."],
        "items.4.barcodes": ["Barcode 222 already belongs to OK-1."],
    }
    assert (Product.objects.count(), ProductBarcode.objects.count()) == before


def test_bulk_create_with_a_malformed_item_creates_nothing(admin_api: Any, floor: Any) -> None:
    before = Product.objects.count()
    response = admin_api.post(
        "/products/bulk",
        {
            "items": [
                {"client": "acme-outdoor", "sku": "OK-1", "name": "Fine"},
                {"client": "acme-outdoor", "sku": "X"},
            ]
        },
    )
    assert response.status_code == 422
    assert list(error_of(response)["field_errors"]) == ["items.1.name"]
    assert Product.objects.count() == before


def test_bulk_create_needs_one_to_five_hundred_items(admin_api: Any, floor: Any) -> None:
    empty = admin_api.post("/products/bulk", {"items": []})
    too_many = admin_api.post(
        "/products/bulk",
        {"items": [{"client": "acme-outdoor", "sku": f"S{i}", "name": "x"} for i in range(501)]},
    )
    assert (empty.status_code, too_many.status_code) == (422, 422)
    assert list(error_of(too_many)["field_errors"]) == ["items"]
    assert Product.objects.count() == 3


def test_bulk_create_repeated_with_its_idempotency_key_creates_once(
    admin_api: Any, floor: Any
) -> None:
    body = {"items": [{"client": "acme-outdoor", "sku": "ONCE", "name": "Once"}]}
    first = admin_api.post("/products/bulk", body, **{"Idempotency-Key": "import-7"})
    again = admin_api.post("/products/bulk", body, **{"Idempotency-Key": "import-7"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Product.objects.filter(sku="ONCE").count() == 1


@pytest.mark.parametrize("persona", ["operator", "client_user"])
def test_only_admins_and_managers_write_products(
    api_as: Any, request: Any, floor: Any, persona: str
) -> None:
    api = api_as(request.getfixturevalue(persona))
    new = {"client": "acme-outdoor", "sku": "NEW", "name": "New"}
    responses = [
        api.post("/products", new),
        api.post("/products/bulk", {"items": [new]}),
        api.patch(f"/products/{floor.widget.pk}", {"name": "Hacked"}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert {error_of(r)["code"] for r in responses} == {"forbidden"}
    assert not Product.objects.filter(sku="NEW").exists()
    floor.widget.refresh_from_db()
    assert floor.widget.name == "Blue widget"


def test_product_list_query_count_does_not_grow_with_rows(admin_api: Any, floor: Any) -> None:
    admin_api.get("/products")  # the token's first use records its time; later ones do not
    few = admin_api.queries("/products")
    for i in range(12):
        product = ProductFactory(client=floor.other_client, sku=f"MORE-{i}")
        ProductBarcodeFactory(product=product)
        ProductBarcodeFactory(product=product)
    many = admin_api.queries("/products")
    assert few == many
    assert admin_api.get("/products").json()["count"] == 15
