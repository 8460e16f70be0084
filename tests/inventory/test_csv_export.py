"""CSV export of products and locations: the current search and filters, the import's columns,
and a file that re-imports to exactly what was exported."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from inventory import csv_io
from inventory.models import Location, LocationKind, Product, Tracking
from inventory.services import master
from inventory.services.master import BarcodeSpec
from tests.factories import LocationFactory, ProductBarcodeFactory, ProductFactory


def download(http: Any, path: str) -> tuple[Any, bytes]:
    response = http.get(path)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def product_state() -> list[tuple[Any, ...]]:
    products = Product.objects.order_by("client__code", "sku").prefetch_related("barcodes")
    return [
        (
            p.client.code,
            p.sku,
            p.name,
            p.length_mm,
            p.width_mm,
            p.height_mm,
            p.weight_g,
            p.tracking,
            p.inner_qty,
            p.case_qty,
            p.pallet_qty,
            sorted((b.barcode, b.pack_quantity) for b in p.barcodes.all()),
        )
        for p in products
    ]


def location_state() -> list[tuple[Any, ...]]:
    return list(
        Location.objects.filter(is_virtual=False)
        .order_by("warehouse__code", "code")
        .values_list(
            "warehouse__code",
            "zone__code",
            "code",
            "barcode",
            "kind",
            "pick_sequence",
            "max_units",
            "max_volume_cm3",
            "max_weight_g",
            "is_pickable",
            "is_blocked",
            "blocked_reason",
        )
    )


def test_product_export_has_the_import_columns_and_honours_the_filters(
    http_for: Any, manager: Any, widget: Any, serum: Any, other_client: Any
) -> None:
    ProductBarcodeFactory(product=widget, barcode="0012345678905")
    ProductBarcodeFactory(product=widget, barcode="10012345678902", pack_quantity=12)
    ProductFactory(client=other_client, sku="WIDGET-THEIRS")
    response, content = download(
        http_for(manager), f"/inventory/products/export.csv?q=widget&client={widget.client_id}"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="products-')
    assert rows_of(content) == [
        [column.name for column in csv_io.PRODUCT_COLUMNS],
        [
            "acme-outdoor",
            "WIDGET",
            "Product WIDGET",
            "100",
            "100",
            "100",
            "500",
            "none",
            "",
            "",
            "",
            "0012345678905;10012345678902*12",
        ],
    ]


def test_exported_products_re_import_to_what_was_exported(
    http_for: Any, manager: Any, acme_outdoor: Any, other_client: Any
) -> None:
    tent = master.create_product(
        client=acme_outdoor,
        sku="TENT-2P",
        name='Tent, 2-person "Lite" \u2013 grün',
        length_mm=600,
        width_mm=200,
        height_mm=200,
        weight_g=2400,
        inner_qty=2,
        case_qty=4,
        pallet_qty=96,
        barcodes=[BarcodeSpec("0012345678905"), BarcodeSpec("10012345678902", 4)],
    )
    master.create_product(
        client=other_client, sku="-SERUM", name="=HYPERLINK(1)", tracking=Tracking.LOT_EXPIRY
    )
    http = http_for(manager)
    exported = product_state()
    _, content = download(http, "/inventory/products/export.csv")
    assert "'=HYPERLINK(1)" in content.decode()  # a spreadsheet shows it, never runs it

    master.update_product(
        tent, name="Changed", weight_g=None, case_qty=6, barcodes=[BarcodeSpec("999")]
    )
    response = http.post(
        "/inventory/products/import/",
        {"file": SimpleUploadedFile("products.csv", content, content_type="text/csv")},
        follow=True,
    )
    assert "Imported products: 0 created, 1 updated, 1 unchanged." in response.content.decode()
    assert product_state() == exported

    again = csv_io.import_products(io.BytesIO(content), manager)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_location_export_leaves_out_virtual_locations_and_honours_the_filters(
    http_for: Any, manager: Any, bin_a: Any, pick_face: Any, dock: Any
) -> None:
    _, content = download(http_for(manager), "/inventory/locations/export.csv?kind=pick_face")
    assert rows_of(content) == [
        [column.name for column in csv_io.LOCATION_COLUMNS],
        ["EAST", "AMB", "P-01", "P-01", "pick_face", "5", "", "", "", "yes", "no", ""],
    ]
    _, everything = download(http_for(manager), "/inventory/locations/export.csv?kind=virtual")
    assert rows_of(everything) == [[column.name for column in csv_io.LOCATION_COLUMNS]]


def test_exported_locations_re_import_to_what_was_exported(
    http_for: Any, manager: Any, zone: Any, bin_a: Any, pick_face: Any, west: Any
) -> None:
    master.ensure_virtual_locations(west)
    LocationFactory(
        warehouse=west,
        code="W-01",
        barcode="LBL-W01",
        kind=LocationKind.STAGING,
        max_units=40,
        max_volume_cm3=123456,
        max_weight_g=70000,
        is_blocked=True,
        blocked_reason="Forklift, parked",
    )
    http = http_for(manager)
    exported = location_state()
    _, content = download(http, "/inventory/locations/export.csv")

    master.update_location(bin_a, zone=None, pick_sequence=99, is_blocked=True, blocked_reason="x")
    result = csv_io.import_locations(io.BytesIO(content), manager)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 0, 1, 2)
    assert location_state() == exported
