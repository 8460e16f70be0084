"""Handheld receiving: choose or scan the ASN, then scan goods; every scan answers with one
result line (always 200) saying what was received and the line's progress, or what was wrong."""

from __future__ import annotations

from typing import Any

import pytest

from receiving.models import Asn, Receipt
from tests.factories import give_scope
from tests.helpers import page as soup
from tests.helpers import scan_outcome
from tests.receiving.conftest import WIDGET_CASE_GTIN, WIDGET_UPC, line_of

pytestmark = pytest.mark.django_db


def test_home_lists_the_asn_and_floor_home_links_to_it(
    http_for: Any, operator: Any, asn: Asn
) -> None:
    client = http_for(operator)
    assert 'href="/floor/receive/"' in client.get("/floor/").text
    page = client.get("/floor/receive/")
    assert f'href="/floor/receive/{asn.pk}/"' in page.text
    assert "PO-1000" in page.text


def test_scanning_the_asn_reference_opens_it(http_for: Any, operator: Any, asn: Asn) -> None:
    response = http_for(operator).post("/floor/receive/find/", {"code": "po-1000"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/floor/receive/{asn.pk}/"


def test_scanning_an_unknown_reference_says_what_was_expected(
    http_for: Any, operator: Any, asn: Asn
) -> None:
    response = http_for(operator).post("/floor/receive/find/", {"code": "PO-9"})
    assert response.status_code == 200
    assert "No open ASN “PO-9” in EAST" in response.text


def _scan(client: Any, asn: Asn, code: str, key: str = "", **extra: Any) -> Any:
    data = {"code": code, "idempotency_key": key, "mode": "receive", **extra}
    return client.post(f"/floor/receive/{asn.pk}/scan/", data)


def test_product_scan_answers_with_progress(
    http_for: Any, operator: Any, asn: Asn, dock: Any, barcodes: None, widget: Any
) -> None:
    client = http_for(operator)
    response = _scan(client, asn, WIDGET_UPC, "k1", quantity="6")
    assert response.status_code == 200
    assert scan_outcome(response.text) == "ok"
    assert "Received 6 x WIDGET" in response.text
    assert "WIDGET 6/10" in response.text
    lpn = Receipt.objects.get().lpn
    assert lpn is not None
    assert lpn.code in client.get(f"/floor/receive/{asn.pk}/").text


def test_next_scans_go_onto_the_same_lpn_until_new_lpn(
    http_for: Any, operator: Any, asn: Asn, dock: Any, barcodes: None
) -> None:
    client = http_for(operator)
    _scan(client, asn, WIDGET_UPC, "k1")
    _scan(client, asn, WIDGET_UPC, "k2")
    client.post(f"/floor/receive/{asn.pk}/new-lpn/")
    _scan(client, asn, WIDGET_UPC, "k3")
    lpns = list(Receipt.objects.order_by("pk").values_list("lpn_id", flat=True))
    assert lpns[0] == lpns[1] != lpns[2]


def test_case_barcode_receives_its_pack_quantity(
    http_for: Any, operator: Any, asn: Asn, dock: Any, barcodes: None, widget: Any, policy: Any
) -> None:
    policy.over_receipt_tolerance_percent = 20
    policy.save()
    response = _scan(http_for(operator), asn, WIDGET_CASE_GTIN, "c1")
    assert "Received 12 x WIDGET" in response.text
    assert "WIDGET 12/10" in response.text


def test_unknown_barcode_is_an_error_line(
    http_for: Any, operator: Any, asn: Asn, dock: Any, barcodes: None
) -> None:
    response = _scan(http_for(operator), asn, "999999", "u1")
    assert response.status_code == 200
    assert scan_outcome(response.text) == "error"
    assert Receipt.objects.count() == 0


def test_over_tolerance_is_an_error_line_with_the_numbers(
    http_for: Any, operator: Any, asn: Asn, dock: Any, barcodes: None, widget: Any
) -> None:
    response = _scan(http_for(operator), asn, WIDGET_UPC, "o1", quantity="11")
    assert response.status_code == 200
    assert scan_outcome(response.text) == "error"
    assert "Over-receipt of WIDGET on ASN PO-1000: expected 10, received 0" in response.text
    assert line_of(asn, widget).received_qty == 0


def test_repeating_a_key_counts_once(
    http_for: Any, operator: Any, asn: Asn, dock: Any, barcodes: None, widget: Any
) -> None:
    client = http_for(operator)
    first = _scan(client, asn, WIDGET_UPC, "same-key", quantity="2")
    again = _scan(client, asn, WIDGET_UPC, "same-key", quantity="2")
    assert "WIDGET 2/10" in first.text
    assert "WIDGET 2/10" in again.text
    assert Receipt.objects.count() == 1
    assert line_of(asn, widget).received_qty == 2


def test_lot_tracked_product_without_lot_asks_for_it(
    http_for: Any, operator: Any, asn: Asn, dock: Any, barcodes: None, serum: Any
) -> None:
    client = http_for(operator)
    refused = _scan(client, asn, "SERUM", "l1")
    assert scan_outcome(refused.text) == "error"
    assert "SERUM is lot-tracked: scan or type the lot number." in refused.text
    accepted = _scan(client, asn, "SERUM", "l2", lot="S-77", expiry="2031-01-31")
    assert "Received 1 x SERUM lot S-77" in accepted.text
    assert "SERUM 1/5" in accepted.text


def test_bad_typed_quantity_is_an_error_line(
    http_for: Any, operator: Any, asn: Asn, dock: Any, barcodes: None
) -> None:
    response = _scan(http_for(operator), asn, WIDGET_UPC, "q1", quantity="0")
    assert response.status_code == 200
    assert scan_outcome(response.text) == "error"
    assert Receipt.objects.count() == 0


def test_client_user_may_not_use_the_handheld(http_for: Any, client_user: Any, asn: Asn) -> None:
    assert http_for(client_user).get("/floor/receive/").status_code == 403
    assert _scan(http_for(client_user), asn, WIDGET_UPC, "x").status_code == 403


def test_operator_of_another_warehouse_does_not_find_the_asn(
    http_for: Any, operator: Any, asn: Asn, west: Any
) -> None:
    give_scope(operator, warehouses=[west])
    assert http_for(operator).get(f"/floor/receive/{asn.pk}/").status_code == 404


def test_each_scan_answer_brings_the_line_table_counted_so_far(
    http_for: Any, operator: Any, asn: Asn, dock: Any, barcodes: None
) -> None:
    client = http_for(operator)
    page_rows = _line_rows(client.get(f"/floor/receive/{asn.pk}/").text)
    assert page_rows == [["WIDGET", "0/10"], ["SERUM", "0/5"]]
    response = _scan(client, asn, WIDGET_UPC, "k1", quantity="6")
    [table] = soup(response.text).select("#receive-lines")
    assert table["hx-swap-oob"] == "true"  # swapped over the page's table, out of band
    assert _line_rows(response.text) == [["WIDGET", "6/10"], ["SERUM", "0/5"]]


def _line_rows(html: str) -> list[list[str]]:
    return [
        [cell.get_text(strip=True) for cell in row.select("td")]
        for row in soup(html).select("#receive-lines tbody tr")
    ]
