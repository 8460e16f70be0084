"""The client's billing in the portal: finalised invoices (billing's PDF and CSV), the open
period's charges with their provenance, and disputes the 3PL's managers answer on the desk."""

from __future__ import annotations

import io

from pypdf import PdfReader

from billing.models import Dispute, DisputeStatus
from inventory.models import Event
from tests.helpers import assert_nothing_written, table_records, text_by_id


def test_the_client_sees_its_finalised_invoices_with_pdf_and_csv(world, http_for, client_user):
    http = http_for(client_user)
    invoice = world.mine.invoice
    rows = table_records(http.get("/portal/billing/").content.decode(), with_column="Number")
    assert [r["Number"] for r in rows] == [invoice.number_text]
    pdf = http.get(f"/portal/billing/invoices/{invoice.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert invoice.number_text in text
    lines = b"".join(http.get(f"/portal/billing/invoices/{invoice.pk}/lines.csv").streaming_content)
    assert b"ASN-0-MAR" in lines


def test_charges_of_the_open_period_show_their_provenance(world, http_for, client_user):
    html = http_for(client_user).get("/portal/billing/charges/").content.decode()
    rows = table_records(html, with_column="Order / ASN")
    assert [(r["Order / ASN"], r["Amount"]) for r in rows] == [("ASN ASN-0", "25.00")]
    assert "per_asn" in rows[0]["Rule"]
    assert "XASN" not in html
    assert text_by_id(html, "accrued-total") == "25.00"


def test_a_client_disputes_a_line_and_a_manager_answers_on_the_desk(
    world, http_for, client_user, manager
):
    http = http_for(client_user)
    charge = world.mine.charge
    with assert_nothing_written(except_tables=["django_session"]):
        empty = http.post(f"/portal/billing/charges/{charge.pk}/dispute/", {"note": "  "})
    assert empty.status_code == 200
    http.post(f"/portal/billing/charges/{charge.pk}/dispute/", {"note": "We sent no ASN that day."})
    dispute = Dispute.objects.get(charge=charge)
    assert dispute.status == DisputeStatus.OPEN
    assert Event.objects.filter(type="dispute.opened", payload__dispute_id=dispute.pk).exists()
    with assert_nothing_written(except_tables=["django_session"]):
        again = http.post(f"/portal/billing/charges/{charge.pk}/dispute/", {"note": "Again"})
    assert "already" in again.content.decode()

    desk = http_for(manager)
    listed = desk.get("/billing/disputes/").content.decode()
    assert "We sent no ASN that day." in listed
    desk.post(
        f"/billing/disputes/{dispute.pk}/",
        {"decision": "accept", "answer": "Right, a credit note follows."},
    )
    dispute.refresh_from_db()
    assert (dispute.status, dispute.answered_by_id) == (DisputeStatus.ACCEPTED, manager.pk)
    seen = http.get(f"/portal/billing/disputes/{dispute.pk}/").content.decode()
    assert "Right, a credit note follows." in text_by_id(seen, "dispute-answer")
    with assert_nothing_written(except_tables=["django_session"]):
        desk.post(f"/billing/disputes/{dispute.pk}/", {"decision": "reject", "answer": "No"})


def test_only_managers_answer_disputes(world, http_for, client_user, operator):
    from billing.services.disputes import open_dispute

    dispute = open_dispute(charge=world.mine.charge, note="Why?", user=client_user)
    with assert_nothing_written(except_tables=["django_session"]):
        assert http_for(client_user).get("/billing/disputes/").status_code == 403
        assert (
            http_for(client_user)
            .post(f"/billing/disputes/{dispute.pk}/", {"decision": "accept", "answer": "x"})
            .status_code
            == 403
        )
        assert http_for(operator).get(f"/billing/disputes/{dispute.pk}/").status_code == 403


def test_the_desk_dispute_list_sorts_filters_and_exports(
    world, http_for, manager, client_user, other_client_user
):
    import csv

    from billing.services.disputes import answer_dispute, open_dispute

    open_dispute(charge=world.mine.charge, note="Why so much?", user=client_user)
    theirs = open_dispute(charge=world.theirs.charge, note="Not ours", user=other_client_user)
    answer_dispute(dispute=theirs, accept=False, answer="It is", user=manager)
    desk = http_for(manager)
    by_client = desk.get("/billing/disputes/", {"sort": "-client"})
    rows = table_records(by_client.content, with_column="Note")
    names = sorted([world.mine.charge.client.name, world.theirs.charge.client.name], reverse=True)
    assert [r["Client"] for r in rows] == names
    export = desk.get("/billing/disputes/", {"status": "open", "format": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    records = list(csv.DictReader(io.StringIO(body)))
    assert [(r["Note"], r["Status"]) for r in records] == [("Why so much?", "Open")]
