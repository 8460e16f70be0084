"""The client's inbound in the portal: ASNs by form or CSV through receiving's create_asn
(idempotent on reference), sent to the warehouse, followed in the list, and the close-out
(expected against received, short, over, damaged per line)."""

from __future__ import annotations

import io

from receiving import services as receiving_services
from receiving.models import Asn, AsnStatus
from tests.helpers import assert_nothing_written, table_records, text_by_id


def _header(world, reference="PO-77"):
    return {
        "client": world.mine.client.pk,
        "warehouse": world.wh.pk,
        "reference": reference,
        "carrier": "Blue Freight",
        "expected_date": "2026-12-10",
    }


def _lines(*rows):
    data = {"lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "0"}
    for n, (sku, qty) in enumerate(rows):
        data[f"lines-{n}-sku"] = sku
        data[f"lines-{n}-expected_qty"] = str(qty)
    return data


def test_a_client_creates_an_asn_by_form_sends_it_and_a_repeat_changes_nothing(
    world, http_for, client_user
):
    http = http_for(client_user)
    response = http.post("/portal/inbound/new/", _header(world) | _lines(("MUG", 24)))
    asn = Asn.objects.get(reference="PO-77")
    assert (asn.client_id, asn.status) == (world.mine.client.pk, AsnStatus.DRAFT)
    assert response["Location"] == f"/portal/inbound/{asn.pk}/"
    with assert_nothing_written(except_tables=["django_session"]):
        http.post("/portal/inbound/new/", _header(world) | _lines(("MUG", 24)))
    http.post(f"/portal/inbound/{asn.pk}/submit/")
    assert Asn.objects.get(pk=asn.pk).status == AsnStatus.EXPECTED
    listed = table_records(http.get("/portal/inbound/").content.decode(), with_column="Reference")
    assert {r["Reference"] for r in listed} == {"PO-77", "ASN-1"}


def test_the_form_offers_no_dock_door_and_refuses_another_clients_skus(
    world, http_for, client_user
):
    http = http_for(client_user)
    assert "dock_door" not in http.get("/portal/inbound/new/").content.decode()
    with assert_nothing_written(except_tables=["django_session"]):
        response = http.post("/portal/inbound/new/", _header(world) | _lines(("XMUG", 5)))
    assert response.status_code == 200
    assert "XMUG" in response.content.decode()


def test_an_asn_from_csv_is_all_or_nothing_with_row_numbers(world, http_for, client_user):
    http = http_for(client_user)
    bad = io.BytesIO(b"sku,expected_qty\nMUG,5\nNOPE,2\n")
    bad.name = "lines.csv"
    with assert_nothing_written(except_tables=["django_session"]):
        refused = http.post("/portal/inbound/import/", _header(world, "PO-CSV") | {"file": bad})
    assert "Nothing was created" in refused.content.decode()
    rows = table_records(refused.content.decode(), with_column="What is wrong")
    assert rows[0]["Line"] == "3"
    good = io.BytesIO(b"sku,expected_qty\nMUG,5\nBALM,2\n")
    good.name = "lines.csv"
    http.post("/portal/inbound/import/", _header(world, "PO-CSV") | {"file": good})
    assert Asn.objects.get(reference="PO-CSV").lines.count() == 2


def test_the_close_out_shows_expected_received_short_over_and_damaged(
    world, http_for, client_user, manager
):
    asn = world.mine.asn
    receiving_services.mark_expected(asn=asn, user=manager)
    scan = {"asn": asn, "user": manager, "code_or_product": world.mine.mug}
    receiving_services.receive_scan(quantity=7, **scan)
    receiving_services.receive_scan(quantity=1, damaged=True, **scan)
    receiving_services.close_asn(asn=asn, user=manager)
    html = http_for(client_user).get(f"/portal/inbound/{asn.pk}/").content.decode()
    assert text_by_id(html, "asn-status") == "Received (closed)"
    row = table_records(html, with_column="Short")[0]
    assert (row["SKU"], row["Expected"], row["Received"], row["Short"], row["Damaged"]) == (
        "MUG",
        "10",
        "8",
        "2",
        "1",
    )
    csv_text = http_for(client_user).get(f"/portal/inbound/{asn.pk}/closeout.csv").content
    assert b"MUG,,10,8,1,2,0,no" in csv_text
