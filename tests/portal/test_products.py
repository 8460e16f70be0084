"""The client's catalogue in the portal: create and edit SKUs with inventory's form and
services, import them from CSV all or nothing with row numbers, their own client's only."""

from __future__ import annotations

import io

from inventory.models import Product, Tracking
from tests.helpers import assert_nothing_written, table_records

NEW = {
    "sku": "STOVE",
    "name": "Camp stove",
    "length_mm": "300",
    "width_mm": "200",
    "height_mm": "150",
    "weight_g": "1200",
    "tracking": Tracking.LOT_EXPIRY,
    "is_active": "on",
    "barcodes-TOTAL_FORMS": "2",
    "barcodes-INITIAL_FORMS": "0",
    "barcodes-0-barcode": "0012345678905",
    "barcodes-0-pack_quantity": "1",
}


def test_a_client_creates_and_edits_a_sku_of_their_own(world, http_for, client_user):
    http = http_for(client_user)
    response = http.post("/portal/products/new/", NEW | {"client": world.mine.client.pk})
    stove = Product.objects.get(sku="STOVE")
    assert (stove.client_id, stove.tracking, stove.weight_g) == (
        world.mine.client.pk,
        Tracking.LOT_EXPIRY,
        1200,
    )
    assert [b.barcode for b in stove.barcodes.all()] == ["0012345678905"]
    assert response["Location"] == f"/portal/inventory/{stove.pk}/"
    edit = NEW | {"client": world.mine.client.pk, "name": "Camp stove, two burners"}
    edit |= {"barcodes-INITIAL_FORMS": "1"}
    http.post(f"/portal/products/{stove.pk}/edit/", edit)
    assert Product.objects.get(pk=stove.pk).name == "Camp stove, two burners"


def test_a_sku_cannot_be_made_for_another_client_nor_theirs_edited(world, http_for, client_user):
    http = http_for(client_user)
    with assert_nothing_written(except_tables=["django_session"]):
        refused = http.post("/portal/products/new/", NEW | {"client": world.theirs.client.pk})
        assert (
            http.post(
                f"/portal/products/{world.theirs.mug.pk}/edit/",
                NEW | {"client": world.mine.client.pk},
            ).status_code
            == 404
        )
    assert "Select a valid choice" in refused.content.decode()


def _csv(text: str) -> io.BytesIO:
    file = io.BytesIO(text.encode())
    file.name = "products.csv"
    return file


def test_skus_from_csv_are_all_or_nothing_and_name_only_the_clients_own_code(
    world, http_for, client_user
):
    http = http_for(client_user)
    with assert_nothing_written(except_tables=["django_session"]):
        refused = http.post(
            "/portal/products/import/",
            {
                "file": _csv(
                    "client_code,sku,name\nacme-outdoor,TARP,Tarp\nother-brand,XTARP,Their tarp\n"
                )
            },
        )
    rows = table_records(refused.content.decode(), with_column="What is wrong")
    assert [(r["Line"], r["What is wrong"]) for r in rows] == [
        ("3", "No client has the code “other-brand”.")
    ]
    http.post(
        "/portal/products/import/",
        {"file": _csv("client_code,sku,name\nacme-outdoor,TARP,Tarp\nacme-outdoor,ROPE,Rope\n")},
    )
    assert set(
        Product.objects.filter(client=world.mine.client, sku__in=["TARP", "ROPE"]).values_list(
            "sku", flat=True
        )
    ) == {"TARP", "ROPE"}
