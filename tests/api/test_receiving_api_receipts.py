"""POST /api/v1/asns/{id}/receipts (the API twin of a scan), close-out and the discrepancy CSV.
An Idempotency-Key makes a repeat return the first receipt and write nothing; refusals are 4xx
JSON and write nothing; receiving needs receiving.receive, closing receiving.manage_asn."""

from __future__ import annotations

from typing import Any

from inventory.models import Event
from receiving.models import Asn, AsnLine, AsnStatus, Receipt
from tests.api.conftest import error_of
from tests.helpers import assert_unchanged_since, snapshot


def url(asn: Any) -> str:
    return f"/asns/{asn.pk}/receipts"


def test_receipt_by_barcode_onto_a_new_lpn(operator_api: Any, inbound: Any) -> None:
    response = operator_api.post(url(inbound.po1), {"code": "0001234567890", "quantity": 3})
    assert response.status_code == 201, response.content
    body = response.json()
    receipt = Receipt.objects.get()
    assert body["id"] == receipt.pk
    assert (body["sku"], body["quantity"], body["location"], body["status"]) == (
        "WIDGET",
        3,
        "DOCK-E",
        "available",
    )
    assert body["lpn"] and body["lpn_id"] == receipt.lpn_id
    assert body["move_id"] == receipt.stock_move_id
    line = body["line"]
    assert (line["expected_qty"], line["received_qty"], line["damaged_qty"]) == (10, 3, 0)
    assert Asn.objects.get(pk=inbound.po1.pk).status == AsnStatus.RECEIVING


def test_case_barcode_counts_its_pack(manager_api: Any, inbound: Any) -> None:
    response = manager_api.post(url(inbound.po1), {"code": "1001234567897"})
    assert response.status_code == 409  # 12 units on a line expecting 10: over-receipt
    assert error_of(response)["code"] == "over_receipt"
    assert Receipt.objects.count() == 0


def test_receipt_by_sku_with_lot_expiry_damaged_onto_a_given_lpn(
    manager_api: Any, inbound: Any
) -> None:
    manager_api.post("/lpns", {"code": "PAL-IN", "warehouse": "EAST"})
    response = manager_api.post(
        url(inbound.po1),
        {
            "sku": "SERUM",
            "quantity": 2,
            "lot": "S-7",
            "expiry": "2031-06-30",
            "lpn": "PAL-IN",
            "status": "damaged",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["lot"], body["expiry_date"], body["lpn"], body["status"]) == (
        "S-7",
        "2031-06-30",
        "PAL-IN",
        "damaged",
    )
    assert (body["line"]["received_qty"], body["line"]["damaged_qty"]) == (2, 2)


def test_receipt_by_product_id(manager_api: Any, inbound: Any) -> None:
    response = manager_api.post(url(inbound.po1), {"product_id": inbound.widget.pk, "quantity": 10})
    assert response.status_code == 201
    assert response.json()["line"]["received_qty"] == 10


def test_same_idempotency_key_twice_is_one_receipt_and_the_same_answer(
    operator_api: Any, inbound: Any
) -> None:
    body = {"code": "WIDGET", "quantity": 2}
    first = operator_api.post(url(inbound.po1), body, **{"Idempotency-Key": "scan-1"})
    before = snapshot()
    again = operator_api.post(url(inbound.po1), body, **{"Idempotency-Key": "scan-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert_unchanged_since(before)
    assert AsnLine.objects.get(asn=inbound.po1, product=inbound.widget).received_qty == 2


def test_same_key_with_a_different_body_is_409_and_writes_nothing(
    operator_api: Any, inbound: Any
) -> None:
    operator_api.post(url(inbound.po1), {"code": "WIDGET"}, **{"Idempotency-Key": "scan-2"})
    before = snapshot()
    response = operator_api.post(
        url(inbound.po1), {"code": "WIDGET", "quantity": 5}, **{"Idempotency-Key": "scan-2"}
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "idempotency_conflict"
    assert_unchanged_since(before)


def test_bad_receipts_are_4xx_and_write_nothing(manager_api: Any, inbound: Any) -> None:
    cases: list[tuple[dict[str, Any], int]] = [
        ({}, 422),
        ({"code": "WIDGET", "sku": "WIDGET"}, 422),
        ({"code": "WIDGET", "quantity": 0}, 422),
        ({"code": "WIDGET", "quantity": 1.5}, 422),
        ({"code": "WIDGET", "status": "lost"}, 422),
        ({"code": "WIDGET", "expiry": "soon"}, 422),
        ({"code": "WIDGET", "lpn": "NO-SUCH"}, 422),
        ({"sku": "NOPE"}, 422),
        ({"product_id": 999999}, 422),
        ({"code": "no-such-barcode"}, 400),
        ({"code": "(01)12345678901231"}, 400),
        ({"code": "SERUM", "quantity": 1}, 400),
        ({"code": "SERUM", "lot": "S-8", "expiry": "2001-01-01"}, 400),
        ({"code": "GADGET"}, 400),
        ({"product_id": inbound.gadget.pk}, 400),
        ({"code": "WIDGET", "quantity": 11}, 409),
    ]
    before = snapshot()
    for body, status in cases:
        response = manager_api.post(url(inbound.po1), body)
        assert response.status_code == status, (body, response.content)
        assert error_of(response)["message"]
    assert_unchanged_since(before)


def test_receiving_on_a_draft_or_closed_asn_is_refused(manager_api: Any, inbound: Any) -> None:
    manager_api.post(url(inbound.po1), {"code": "WIDGET"})
    manager_api.post(f"/asns/{inbound.po1.pk}/close", {})
    before = snapshot()
    response = manager_api.post(url(inbound.po1), {"code": "WIDGET"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "asn_not_open"
    assert_unchanged_since(before)


def test_receipt_scope_and_permission(client_api: Any, operator_api: Any, inbound: Any) -> None:
    before = snapshot()
    denied = client_api.post(url(inbound.po1), {"code": "WIDGET"})
    assert denied.status_code == 403
    assert operator_api.post(url(inbound.pow), {"code": "GADGET"}).status_code == 404
    assert client_api.post(url(inbound.pow), {"code": "GADGET"}).status_code == 404
    assert operator_api.post("/asns/999999/receipts", {"code": "WIDGET"}).status_code == 404
    assert_unchanged_since(before)


def test_close_returns_the_discrepancy_report(manager_api: Any, inbound: Any) -> None:
    manager_api.post(url(inbound.po1), {"code": "WIDGET", "quantity": 7})
    manager_api.post(url(inbound.po1), {"code": "WIDGET", "quantity": 1, "status": "damaged"})
    response = manager_api.post(f"/asns/{inbound.po1.pk}/close", {})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["asn_id"], body["reference"], body["status"]) == (
        inbound.po1.pk,
        "PO-1",
        "received",
    )
    assert body["closed_at"]
    rows = [
        (r["sku"], r["expected"], r["received"], r["damaged"], r["short"], r["over"])
        for r in body["lines"]
    ]
    assert rows == [("WIDGET", 10, 8, 1, 2, 0), ("SERUM", 4, 0, 0, 4, 0)]
    assert Event.objects.filter(type="asn.closed").count() == 1
    again = manager_api.post(f"/asns/{inbound.po1.pk}/close", {})
    assert again.status_code == 409


def test_close_with_a_key_twice_answers_the_same(manager_api: Any, inbound: Any) -> None:
    manager_api.post(url(inbound.po1), {"code": "WIDGET", "quantity": 10})
    close = f"/asns/{inbound.po1.pk}/close"
    first = manager_api.post(close, {}, **{"Idempotency-Key": "close-1"})
    again = manager_api.post(close, {}, **{"Idempotency-Key": "close-1"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert Event.objects.filter(type="asn.closed").count() == 1


def test_close_needs_manage_asn_and_writes_nothing_when_denied(
    operator_api: Any, client_api: Any, manager_api: Any, inbound: Any
) -> None:
    manager_api.post(url(inbound.po1), {"code": "WIDGET"})
    before = snapshot()
    assert operator_api.post(f"/asns/{inbound.po1.pk}/close", {}).status_code == 403
    assert client_api.post(f"/asns/{inbound.po1.pk}/close", {}).status_code == 403
    assert operator_api.post(f"/asns/{inbound.pow.pk}/close", {}).status_code == 404
    assert_unchanged_since(before)
    assert Asn.objects.get(pk=inbound.po1.pk).status == AsnStatus.RECEIVING
    # An expected ASN (nothing received) cannot be closed: 409, not 500.
    assert manager_api.post(f"/asns/{inbound.pow.pk}/close", {}).status_code == 409


def test_discrepancies_csv(
    manager_api: Any, client_api: Any, operator_api: Any, inbound: Any
) -> None:
    manager_api.post(url(inbound.po1), {"code": "WIDGET", "quantity": 4})
    response = client_api.get(f"/asns/{inbound.po1.pk}/discrepancies.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="asn-PO-1-discrepancies.csv"' in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "sku,lot_number,expected,received,damaged,short,over,unexpected"
    assert lines[1] == "WIDGET,,10,4,0,6,0,no"
    assert operator_api.get(f"/asns/{inbound.pow.pk}/discrepancies.csv").status_code == 404
