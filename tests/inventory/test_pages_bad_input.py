"""The master data, stock and import pages with input that answered 500, was misread, or saved a
code no label can carry: full-width digits, numbers beyond their column, control characters,
codes outside printable ASCII. Each is a field or row error now, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inventory.models import Location, Lpn, Product, StockMove
from tests.helpers import assert_nothing_written, table_rows

FULL_WIDTH_12 = "\uff11\uff12"


def form_errors(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"code": "A-\u00d6-1"}, "printable ASCII"),
        ({"barcode": "A-01\x01"}, "holds a control character"),
        ({"pick_sequence": FULL_WIDTH_12}, "Enter a whole number in digits 0-9."),
        ({"max_units": "2147483648"}, "less than or equal to 2147483647"),
        ({"blocked_reason": "x\x1b"}, "holds a control character"),
    ],
)
def test_a_bad_location_is_a_field_error_and_creates_nothing(
    http_for: Any, manager: Any, wh: Any, changes: dict[str, str], says: str
) -> None:
    data = {"warehouse": wh.pk, "code": "A-09", "kind": "storage", "pick_sequence": "1"}
    with assert_nothing_written():
        body = form_errors(http_for(manager).post("/inventory/locations/new/", {**data, **changes}))
    assert says in body
    assert not Location.objects.filter(code__startswith="A-").exists()


def test_a_non_ascii_lpn_code_is_refused_on_the_page(http_for: Any, manager: Any, wh: Any) -> None:
    data = {"code": "PAL-\u00c9", "kind": "pallet", "warehouse": wh.pk}
    with assert_nothing_written():
        body = form_errors(http_for(manager).post("/inventory/lpns/new/", data))
    assert "printable ASCII" in body
    assert not Lpn.objects.exists()


def test_a_barcodes_pack_quantity_in_full_width_digits_is_refused(
    http_for: Any, manager: Any, acme_outdoor: Any
) -> None:
    data = {
        "client": acme_outdoor.pk,
        "sku": "MUG",
        "name": "Mug",
        "tracking": "none",
        "is_active": "on",
        "barcodes-TOTAL_FORMS": "1",
        "barcodes-INITIAL_FORMS": "0",
        "barcodes-0-barcode": "0001",
        "barcodes-0-pack_quantity": FULL_WIDTH_12,
    }
    with assert_nothing_written():
        body = form_errors(http_for(manager).post("/inventory/products/new/", data))
    assert "Enter a whole number in digits 0-9." in body
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "says"),
    [
        ("2147483648", "less than or equal to 2147483647"),
        ("-2147483648", "greater than or equal to -2147483647"),
        (FULL_WIDTH_12, "Enter a whole number in digits 0-9."),
    ],
)
def test_an_adjustment_beyond_the_integer_column_is_a_form_error(
    http_for: Any, manager: Any, wh: Any, bin_a: Any, widget: Any, quantity: str, says: str
) -> None:
    data = {
        "warehouse": wh.pk,
        "client": widget.client_id,
        "sku": widget.sku,
        "location": bin_a.code,
        "status": "available",
        "quantity": quantity,
        "reason_code": "FOUND",
        "confirmed": "on",
    }
    with assert_nothing_written():
        body = form_errors(http_for(manager).post("/inventory/stock/adjust/", data))
    assert says in body
    assert not StockMove.objects.exists()


def test_a_csv_import_reports_control_characters_codes_and_numbers_by_line(
    http_for: Any, manager: Any, acme_outdoor: Any
) -> None:
    rows = [
        "client_code,sku,name,length_mm,inner_qty,barcodes",
        "acme-outdoor,MUG,Mug\x07,,,",
        "acme-outdoor,M\u00dcG,Mug,,,",
        f"acme-outdoor,CUP,Cup,{FULL_WIDTH_12},,",
        "acme-outdoor,PLATE,Plate,,2147483648,",
        "acme-outdoor,BOWL,Bowl,,,0001*\u00b2;\u00c4BC",
    ]
    upload = SimpleUploadedFile("p.csv", "\n".join(rows).encode(), content_type="text/csv")
    with assert_nothing_written():
        html = form_errors(http_for(manager).post("/inventory/products/import/", {"file": upload}))
    assert "Nothing was imported." in html
    for line, says in [
        (2, "name “Mug\\x07” holds a control character"),
        (3, "sku “M\u00dcG” has “\u00dc” at position 2"),
        (4, "length_mm “\uff11\uff12” is not a whole number in digits 0-9."),
        (5, "inner_qty must be 2147483647 or less; got 2147483648."),
        (6, "pack quantity “\u00b2” is not a whole number"),
        (6, "Barcode “\u00c4BC” has “\u00c4” at position 1"),
    ]:
        assert any(row[0] == str(line) and says in row[1] for row in table_rows(html)), says
