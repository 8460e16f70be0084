"""Desktop receiving pages: list, create by form and CSV, detail, cancel and close (confirmed
first), the discrepancy CSV, and who may see them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from receiving import services
from receiving.models import Asn, AsnLine, AsnStatus
from tests.factories import ProductFactory
from tests.helpers import table_records, table_rows

pytestmark = pytest.mark.django_db


def test_list_shows_progress_and_searches_by_reference(
    http_for: Any, manager: Any, asn: Asn, widget: Any
) -> None:
    AsnLine.objects.filter(asn=asn, product=widget).update(received_qty=4)
    page = http_for(manager).get("/receiving/")
    assert page.status_code == 200
    assert "PO-1000" in page.text
    assert "4 / 15" in page.text
    assert "PO-1000" not in http_for(manager).get("/receiving/?q=PO-2").text


def test_list_filters_by_status(http_for: Any, manager: Any, asn: Asn) -> None:
    assert "PO-1000" in http_for(manager).get("/receiving/?status=expected").text
    assert "PO-1000" not in http_for(manager).get("/receiving/?status=draft").text


def test_list_paginates_with_a_fixed_number_of_queries(
    http_for: Any, manager: Any, wh: Any, acme_outdoor: Any, widget: Any, serum: Any
) -> None:
    for number in range(55):
        services.create_asn(
            client=acme_outdoor,
            warehouse=wh,
            reference=f"REF-{number:03d}",
            lines=[services.AsnLineSpec(widget, 3), services.AsnLineSpec(serum, 2)],
        )
    client = http_for(manager)
    with CaptureQueriesContext(connection) as first:
        page = client.get("/receiving/")
    assert "Page 1 of 2 (55 in all)" in page.text
    assert page.text.count("0 / 5") == 50
    with CaptureQueriesContext(connection) as second:
        page_two = client.get("/receiving/?page=2")
    assert page_two.text.count("0 / 5") == 5
    assert len(first) == len(second)
    # The page's rows and their progress come from one query; the paginator's count is the other.
    line_queries = [q["sql"] for q in first.captured_queries if '"receiving_asnline"' in q["sql"]]
    assert [sql.startswith("SELECT COUNT(*)") for sql in line_queries] == [True, False]


def test_create_from_form_makes_a_draft_with_lines(
    http_for: Any, manager: Any, wh: Any, acme_outdoor: Any, widget: Any, serum: Any
) -> None:
    data = {
        "client": acme_outdoor.pk,
        "warehouse": wh.pk,
        "reference": "PO-7",
        "carrier": "UPS",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-0-sku": "widget",
        "lines-0-expected_qty": "10",
        "lines-1-sku": "SERUM",
        "lines-1-expected_qty": "4",
        "lines-1-lot_number": "S-1",
        "lines-1-expiry_date": "2030-01-31",
    }
    response = http_for(manager).post("/receiving/new/", data)
    created = Asn.objects.get(reference="PO-7")
    assert response.status_code == 302
    assert response["Location"] == f"/receiving/{created.pk}/"
    assert created.status == AsnStatus.DRAFT
    assert list(created.lines.order_by("pk").values_list("product__sku", "expected_qty")) == [
        ("WIDGET", 10),
        ("SERUM", 4),
    ]


def test_create_form_reports_unknown_sku_and_writes_nothing(
    http_for: Any, manager: Any, wh: Any, acme_outdoor: Any, widget: Any
) -> None:
    data = {
        "client": acme_outdoor.pk,
        "warehouse": wh.pk,
        "reference": "PO-8",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-sku": "WIDGET",
        "lines-0-expected_qty": "1",
        "lines-1-sku": "NOPE",
        "lines-1-expected_qty": "2",
    }
    response = http_for(manager).post("/receiving/new/", data)
    assert response.status_code == 200
    assert "Line 2: SKU “NOPE” is not a product of acme-outdoor." in response.text
    assert not Asn.objects.filter(reference="PO-8").exists()


def _csv(text: str) -> io.BytesIO:
    upload = io.BytesIO(text.encode())
    upload.name = "lines.csv"
    return upload


def test_csv_upload_creates_the_asn(
    http_for: Any, manager: Any, wh: Any, acme_outdoor: Any, widget: Any, serum: Any
) -> None:
    body = "sku,expected_qty,lot,expiry\nWIDGET,12,,\nSERUM,6,S-9,2031-05-01\n"
    data = {"client": acme_outdoor.pk, "warehouse": wh.pk, "reference": "CSV-1"}
    response = http_for(manager).post("/receiving/import/", {**data, "file": _csv(body)})
    created = Asn.objects.get(reference="CSV-1")
    assert response.status_code == 302
    lines = created.lines.order_by("pk").values_list("product__sku", "expected_qty", "lot_number")
    assert list(lines) == [("WIDGET", 12, ""), ("SERUM", 6, "S-9")]


def test_csv_upload_reports_every_bad_row_and_creates_nothing(
    http_for: Any, manager: Any, wh: Any, acme_outdoor: Any, widget: Any, serum: Any
) -> None:
    body = "sku,expected_qty,lot,expiry\nWIDGET,0,,\nSERUM,2,,soon\nGHOST,1,,\nWIDGET,3,L1,\n"
    data = {"client": acme_outdoor.pk, "warehouse": wh.pk, "reference": "CSV-2"}
    response = http_for(manager).post("/receiving/import/", {**data, "file": _csv(body)})
    assert response.status_code == 200
    assert "Nothing was created." in response.text
    assert "4 problems" in response.text
    for line, message in (
        (2, "expected_qty “0” is not a whole number from 1 to 2147483647."),
        (3, "expiry “soon” is not a date (YYYY-MM-DD)."),
        (4, "SKU “GHOST” is not a product of acme-outdoor."),
        (5, "WIDGET is not lot-tracked; give no lot or expiry."),
    ):
        assert [str(line), message] in [row[:2] for row in table_rows(response.text)]
    assert not Asn.objects.filter(reference="CSV-2").exists()


def test_detail_shows_lines_progress_and_receipts(
    http_for: Any, manager: Any, asn: Asn, widget: Any, dock: Any, barcodes: None
) -> None:
    services.receive_scan(asn=asn, code_or_product="WIDGET", user=manager, quantity=3)
    page = http_for(manager).get(f"/receiving/{asn.pk}/")
    assert page.status_code == 200
    assert "3 / 15 received" in page.text
    widget_line = next(row for row in table_rows(page.text) if row[0] == "WIDGET")
    assert widget_line[4:6] == ["10", "3"]  # expected, received
    assert "manager@acme.test" in page.text


def test_cancel_asks_first_and_get_changes_nothing(http_for: Any, manager: Any, asn: Asn) -> None:
    client = http_for(manager)
    confirm = client.get(f"/receiving/{asn.pk}/cancel/")
    assert "Yes, cancel ASN PO-1000" in confirm.text
    assert Asn.objects.get(pk=asn.pk).status == AsnStatus.EXPECTED
    done = client.post(f"/receiving/{asn.pk}/cancel/")
    assert done.status_code == 302
    assert Asn.objects.get(pk=asn.pk).status == AsnStatus.CANCELLED


def test_close_asks_first_then_shows_the_discrepancy(
    http_for: Any, manager: Any, asn: Asn, dock: Any, widget: Any
) -> None:
    services.receive_scan(asn=asn, code_or_product="WIDGET", user=manager, quantity=7)
    client = http_for(manager)
    confirm = client.get(f"/receiving/{asn.pk}/close/")
    assert "Yes, close ASN PO-1000" in confirm.text
    assert Asn.objects.get(pk=asn.pk).status == AsnStatus.RECEIVING
    client.post(f"/receiving/{asn.pk}/close/")
    assert Asn.objects.get(pk=asn.pk).status == AsnStatus.RECEIVED
    page = client.get(f"/receiving/{asn.pk}/")
    assert "Discrepancy report" in page.text
    rows = table_records(page.content, with_column="Short")
    (row,) = [r for r in rows if r["SKU"] == "WIDGET"]
    assert (row["SKU"], row["Lot"], row["Expected"], row["Received"], row["Short"]) == (
        "WIDGET",
        "",
        "10",
        "7",
        "3",
    )
    csv = client.get(f"/receiving/{asn.pk}/discrepancy.csv")
    assert csv.content.decode().splitlines()[1] == "WIDGET,,10,7,0,3,0,no"


def test_mark_expected_moves_a_draft_on(
    http_for: Any, manager: Any, wh: Any, acme_outdoor: Any, widget: Any
) -> None:
    draft = services.create_asn(
        client=acme_outdoor, warehouse=wh, reference="D-1", lines=[services.AsnLineSpec(widget, 1)]
    )
    http_for(manager).post(f"/receiving/{draft.pk}/expect/")
    assert Asn.objects.get(pk=draft.pk).status == AsnStatus.EXPECTED


@pytest.mark.parametrize("path", ["/receiving/", "/receiving/new/", "/receiving/import/"])
def test_operator_and_client_user_are_refused(
    http_for: Any, operator: Any, client_user: Any, path: str
) -> None:
    assert http_for(operator).get(path).status_code == 403
    assert http_for(client_user).get(path).status_code == 403


def test_operator_cannot_cancel(http_for: Any, operator: Any, asn: Asn) -> None:
    assert http_for(operator).post(f"/receiving/{asn.pk}/cancel/").status_code == 403
    assert http_for(operator).get(f"/receiving/{asn.pk}/").status_code == 403
    assert Asn.objects.get(pk=asn.pk).status == AsnStatus.EXPECTED


def test_nav_shows_receiving_to_managers_only(http_for: Any, manager: Any, operator: Any) -> None:
    assert 'href="/receiving/"' in http_for(manager).get("/dashboard/").text
    assert 'href="/receiving/"' not in http_for(operator).get("/floor/").text


def test_other_clients_products_are_not_found_by_sku(
    http_for: Any, manager: Any, wh: Any, acme_outdoor: Any, other_client: Any
) -> None:
    ProductFactory(client=other_client, sku="FOREIGN")
    body = "sku,expected_qty\nFOREIGN,1\n"
    data = {"client": acme_outdoor.pk, "warehouse": wh.pk, "reference": "CSV-3"}
    response = http_for(manager).post("/receiving/import/", {**data, "file": _csv(body)})
    assert "SKU “FOREIGN” is not a product of acme-outdoor." in response.text
