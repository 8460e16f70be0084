"""CSV import of products and locations: all rows or none, every bad row reported by line."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from inventory import csv_io
from inventory.models import Location, LocationKind, Product, ProductBarcode, Tracking
from inventory.services import ledger
from tests.factories import LocationFactory, ProductBarcodeFactory, ProductFactory, ZoneFactory
from tests.helpers import table_rows

PRODUCT_HEADER = (
    "client_code,sku,name,length_mm,width_mm,height_mm,weight_g,tracking,"
    "inner_qty,case_qty,pallet_qty,barcodes"
)
LOCATION_HEADER = (
    "warehouse_code,zone_code,code,barcode,kind,pick_sequence,max_units,max_volume_cm3,"
    "max_weight_g,pickable,blocked,blocked_reason"
)


def upload(text: str | bytes, name: str = "upload.csv") -> SimpleUploadedFile:
    content = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="text/csv")


def csv_file(*lines: str) -> io.BytesIO:
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def product_snapshot() -> list[tuple[Any, ...]]:
    return list(
        Product.objects.order_by("client__code", "sku").values_list(
            "client__code", "sku", "name", "weight_g", "tracking", "case_qty"
        )
    )


# --- Products ----------------------------------------------------------------------------------


def test_products_are_created_and_updated_in_one_go(
    manager: Any, acme_outdoor: Any, other_client: Any, widget: Any
) -> None:
    ProductBarcodeFactory(product=widget, barcode="OLD")
    result = csv_io.import_products(
        csv_file(
            PRODUCT_HEADER,
            "acme-outdoor,TENT-2P,Two-person tent,600,200,200,2400,none,2,4,96,"
            "0012345678905;10012345678902*4",
            "other-brand,SERUM-9,Night serum,,,,50,lot_expiry,,,,",
            "ACME-OUTDOOR,WIDGET,Widget (new name),100,100,100,500,none,,12,,0099*12",
        ),
        manager,
    )
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 2, 1, 0)
    tent = Product.objects.get(sku="TENT-2P")
    assert (tent.client, tent.volume_cm3, tent.weight_g, tent.inner_qty, tent.pallet_qty) == (
        acme_outdoor,
        24000,
        2400,
        2,
        96,
    )
    assert list(tent.barcodes.values_list("barcode", "pack_quantity")) == [
        ("0012345678905", 1),
        ("10012345678902", 4),
    ]
    serum = Product.objects.get(sku="SERUM-9")
    assert (serum.client, serum.tracking, serum.length_mm) == (
        other_client,
        Tracking.LOT_EXPIRY,
        None,
    )
    widget.refresh_from_db()
    assert (widget.name, widget.case_qty) == ("Widget (new name)", 12)
    assert list(widget.barcodes.values_list("barcode", "pack_quantity")) == [("0099", 12)]


def test_a_file_with_several_bad_rows_reports_each_line_and_writes_nothing(
    manager: Any, acme_outdoor: Any, widget: Any, serum: Any
) -> None:
    ProductBarcodeFactory(product=serum, barcode="TAKEN")
    before = product_snapshot()
    result = csv_io.import_products(
        csv_file(
            PRODUCT_HEADER,
            "acme-outdoor,GOOD-1,A good row,,,,,,,,,",
            "nobody,X-1,Unknown client,,,,,,,,,",
            "acme-outdoor,X-2,,ten,,,-5,sometimes,0,,,",
            "",
            "acme-outdoor,WIDGET,Widget renamed,,,,,,,,,TAKEN;A*0",
            "acme-outdoor,GOOD-1,The same SKU again,,,,,,,,,",
            "acme-outdoor,X-3,Too many,,,,,,,,,,extra",
        ),
        manager,
    )
    assert not result.ok
    assert [(e.line, e.message) for e in result.errors] == [
        (3, "No client has the code “nobody”."),
        (
            4,
            "name is empty. length_mm “ten” is not a whole number in digits 0-9. weight_g must be 0 or more; "
            "got -5. inner_qty must be 1 or more; got 0. tracking “sometimes” is not one of "
            "none, lot, lot_expiry.",
        ),
        (
            6,
            "Barcode A: pack quantity “0” is not a whole number from 1 to 2147483647. Barcode TAKEN already belongs to SERUM.",
        ),
        (7, "GOOD-1 of acme-outdoor is also on line 2."),
        (8, "It has 13 values; the header names 12 columns."),
    ]
    assert (result.created, result.updated) == (0, 0)
    assert product_snapshot() == before
    assert list(ProductBarcode.objects.values_list("barcode", flat=True)) == ["TAKEN"]


def test_a_tracking_change_of_a_product_in_stock_is_refused(
    manager: Any, widget: Any, bin_a: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=3, location=bin_a)
    result = csv_io.import_products(
        csv_file(
            "client_code,sku,name,tracking",
            "acme-outdoor,NEW-1,New,none",
            "acme-outdoor,WIDGET,Widget,lot",
        ),
        manager,
    )
    assert [(e.line, e.message) for e in result.errors] == [
        (3, "WIDGET has stock; its tracking cannot change from none to lot.")
    ]
    assert not Product.objects.filter(sku="NEW-1").exists()
    widget.refresh_from_db()
    assert (widget.name, widget.tracking) == ("Product WIDGET", Tracking.NONE)


def test_columns_left_out_keep_their_values_and_unchanged_rows_are_counted(
    manager: Any, widget: Any
) -> None:
    result = csv_io.import_products(
        csv_file("sku,client_code,name", "WIDGET,acme-outdoor,Product WIDGET"), manager
    )
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    widget.refresh_from_db()
    assert (widget.weight_g, widget.length_mm) == (500, 100)


def test_a_barcode_on_two_rows_of_one_client_is_refused(manager: Any, acme_outdoor: Any) -> None:
    result = csv_io.import_products(
        csv_file("client_code,sku,name,barcodes", "acme-outdoor,A,A,123", "acme-outdoor,B,B,123"),
        manager,
    )
    assert [(e.line, e.message) for e in result.errors] == [(3, "Barcode 123 is also on line 2.")]
    assert not Product.objects.exists()


def test_only_those_who_change_master_data_may_import(operator: Any, acme_outdoor: Any) -> None:
    with pytest.raises(PermissionDenied):
        csv_io.import_products(csv_file("client_code,sku,name", "acme-outdoor,A,A"), operator)
    assert not Product.objects.exists()


# --- Locations ---------------------------------------------------------------------------------


def test_locations_are_created_and_updated(manager: Any, wh: Any, zone: Any, bin_a: Any) -> None:
    ZoneFactory(warehouse=wh, code="PICK")
    result = csv_io.import_locations(
        csv_file(
            LOCATION_HEADER,
            "east,PICK,P-09,,pick_face,90,120,,,yes,no,",
            "EAST,AMB,B-01-01,LBL-B0101,storage,100,,2000000,900000,no,yes,Sprinkler repair",
            "EAST,,A-01-01,A-01-01,Storage,10,,,,no,no,ignored when open",
        ),
        manager,
    )
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 2, 1, 0)
    pick = Location.objects.get(warehouse=wh, code="P-09")
    assert (pick.zone.code, pick.barcode, pick.kind, pick.pick_sequence, pick.max_units) == (
        "PICK",
        "P-09",
        LocationKind.PICK_FACE,
        90,
        120,
    )
    assert pick.is_pickable
    bulk = Location.objects.get(warehouse=wh, code="B-01-01")
    assert (bulk.barcode, bulk.max_volume_cm3, bulk.max_weight_g, bulk.is_blocked) == (
        "LBL-B0101",
        2000000,
        900000,
        True,
    )
    assert bulk.blocked_reason == "Sprinkler repair"
    bin_a.refresh_from_db()
    assert (bin_a.zone, bin_a.blocked_reason) == (None, "")


def test_bad_location_rows_are_each_reported_and_nothing_is_written(
    manager: Any, wh: Any, zone: Any, bin_a: Any
) -> None:
    LocationFactory(warehouse=wh, code="C-01", barcode="SHARED")
    before = list(Location.objects.order_by("pk").values_list("code", "barcode", "kind"))
    result = csv_io.import_locations(
        csv_file(
            "warehouse_code,zone_code,code,barcode,kind,pickable",
            "EAST,AMB,NEW-1,,storage,no",
            "MARS,,X-1,,storage,no",
            "EAST,NOPE,X-2,,scrap,maybe",
            "EAST,,~SCRAP,,storage,no",
            "EAST,,X-3,SHARED,storage,no",
            "EAST,,,,,",
        ),
        manager,
    )
    assert [(e.line, e.message) for e in result.errors] == [
        (3, "No warehouse has the code “MARS”."),
        (
            4,
            "kind “scrap” is not one of dock, storage, pick_face, staging, pack_station, "
            "ship_dock. pickable “maybe” is not yes or no. Warehouse EAST has no zone “NOPE”.",
        ),
        (5, "~SCRAP is a virtual location; the system keeps it."),
        (6, "Barcode SHARED is already location C-01's."),
        (7, "code is empty."),
    ]
    assert list(Location.objects.order_by("pk").values_list("code", "barcode", "kind")) == before


# --- Files that are not what we expect: a clear error, never a 500 -----------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"   \n\n", "The file is empty."),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "This is not a CSV file"),
        ("client_code,sku,name\n".encode("utf-16"), "This is not a CSV file"),
        ("client_code,sku,name\nacme,É,x\n".encode("latin-1"), "The file is not UTF-8 text"),
        (b"client_code,sku,name\n", "The file has a header row but no rows to import."),
        (b"client_code;sku;name\nacme;A;B\n", "separated by semicolons or tabs"),
        (b"client,sku,title\nacme,A,B\n", "Unknown columns: client, title."),
        (b"sku,name\nA,B\n", "Missing columns: client_code."),
        (b"client_code,sku,name,sku\nacme,A,B,C\n", "Columns named twice: sku."),
        (
            b'client_code,sku,name\nacme,"A\n',
            "Line 2 cannot be read as CSV (unexpected end of data)",
        ),
    ],
)
def test_a_bad_file_gives_a_clear_error(manager: Any, content: bytes, message: str) -> None:
    result = csv_io.import_products(io.BytesIO(content), manager)
    assert len(result.errors) == 1
    assert result.errors[0].line is None
    assert message in result.errors[0].message


def test_wrong_headers_name_the_expected_columns(manager: Any) -> None:
    result = csv_io.import_locations(csv_file("where,code", "EAST,A"), manager)
    assert result.errors[0].message == (
        "Unknown columns: where. Missing columns: warehouse_code. Expected columns: "
        "warehouse_code, zone_code, code, barcode, kind, pick_sequence, max_units, "
        "max_volume_cm3, max_weight_g, pickable, blocked, blocked_reason."
    )


# --- Through the page --------------------------------------------------------------------------


def test_the_page_imports_and_says_how_many(
    http_for: Any, manager: Any, acme_outdoor: Any, widget: Any
) -> None:
    http = http_for(manager)
    response = http.post(
        "/inventory/products/import/",
        {
            "file": upload(
                "client_code,sku,name\nacme-outdoor,NEW-1,New\nacme-outdoor,WIDGET,Widget\n"
            )
        },
        follow=True,
    )
    assert response.redirect_chain == [("/inventory/products/", 302)]
    assert "Imported products: 1 created, 1 updated, 0 unchanged." in response.content.decode()


def test_the_page_lists_every_bad_line_and_imports_nothing(
    http_for: Any, manager: Any, acme_outdoor: Any
) -> None:
    response = http_for(manager).post(
        "/inventory/products/import/",
        {"file": upload("client_code,sku,name\nacme-outdoor,A,\nnobody,B,B\n")},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported." in html
    rows = table_rows(html)
    assert ["2", "name is empty."] in rows
    assert ["3", "No client has the code “nobody”."] in rows
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Choose a CSV file to upload."),
        ({"file": upload(b"", "empty.csv")}, "The file is empty."),
        ({"file": upload(b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png")}, "This is not a CSV file"),
        ({"file": upload("wrong,header\n1,2\n")}, "Unknown columns: wrong, header."),
    ],
)
def test_the_page_explains_a_bad_upload(
    http_for: Any, manager: Any, files: dict[str, Any], message: str
) -> None:
    response = http_for(manager).post("/inventory/locations/import/", files)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Location.objects.exists()


@pytest.mark.parametrize("persona", ["operator", "client_user"])
def test_operators_and_client_users_cannot_import(
    request: Any, http_for: Any, persona: str, acme_outdoor: Any
) -> None:
    response = http_for(request.getfixturevalue(persona)).post(
        "/inventory/products/import/",
        {"file": upload("client_code,sku,name\nacme-outdoor,A,A\n")},
    )
    assert response.status_code == 403
    assert not Product.objects.exists()


def test_same_sku_of_two_clients_are_two_products(
    manager: Any, acme_outdoor: Any, other_client: Any
) -> None:
    ProductFactory(client=other_client, sku="SHARED", name="Theirs")
    result = csv_io.import_products(
        csv_file("client_code,sku,name", "acme-outdoor,SHARED,Ours"), manager
    )
    assert (result.created, result.updated) == (1, 0)
    assert sorted(Product.objects.values_list("client__code", "name")) == [
        ("acme-outdoor", "Ours"),
        ("other-brand", "Theirs"),
    ]
