"""The billing API: who may call what (managers and admins everything; a client user reads only
their own client's charges and invoices; operators nothing), bad input answered with field
errors and nothing written, Idempotency-Key on manual charges, finalise (once), PDF and CSV."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from billing.models import BillingPeriod, ChargeLine, CreditNote, Invoice, RateCardVersion, RateRule
from billing.services.invoices import close_period, finalize_invoice
from billing.services.rating import rate_pending
from tests.api import conftest as api_world
from tests.api.conftest import error_of
from tests.billing.conftest import local, rule
from tests.factories import ClientFactory

api_as = api_world.api_as
admin_api = api_world.admin_api
manager_api = api_world.manager_api
operator_api = api_world.operator_api
client_api = api_world.client_api

MARCH = dt.date(2026, 3, 2)
# The billing routes with their methods (the OpenAPI test imports this).
BILLING_ROUTES = {
    "/api/v1/rate-cards": {"get", "post"},
    "/api/v1/rate-cards/{pk}": {"get"},
    "/api/v1/rate-cards/{pk}/versions": {"post"},
    "/api/v1/charges": {"get", "post"},
    "/api/v1/unrated": {"get"},
    "/api/v1/invoices": {"get"},
    "/api/v1/invoices/{pk}": {"get"},
    "/api/v1/invoices/{pk}/finalize": {"post"},
    "/api/v1/invoices/{pk}/pdf": {"get"},
    "/api/v1/invoices/{pk}/lines.csv": {"get"},
    "/api/v1/credit-notes": {"post"},
}


@pytest.fixture
def books(wh, acme_outdoor, other_client, manager, card_for, write_event) -> SimpleNamespace:
    """March for two clients: ASNs charged at 25.00; a finalised invoice for acme-outdoor and a
    draft for other-brand; an unrated pick of acme-outdoor in April."""
    mine = card_for(
        acme_outdoor,
        [rule("receiving", "per_asn", "25"), rule("vas", "manual", "35", description="Kitting")],
    )
    card_for(other_client, [rule("receiving", "per_asn", "25")])
    for client in (acme_outdoor, other_client):
        for n in range(2):
            write_event(
                "asn.closed", {"reference": f"{client.code}-{n}"}, client=client, at=local(MARCH)
            )
    write_event(
        "order.picked",
        {"reference": "O-1", "picked_units": 1},
        client=acme_outdoor,
        at=local(dt.date(2026, 4, 2)),
    )
    rate_pending()
    own = close_period(
        user=manager,
        period=BillingPeriod.objects.get(client=acme_outdoor, start_date=dt.date(2026, 3, 1)),
    )
    own = finalize_invoice(user=manager, invoice=own)
    theirs = close_period(
        user=manager,
        period=BillingPeriod.objects.get(client=other_client, start_date=dt.date(2026, 3, 1)),
    )
    return SimpleNamespace(
        own=own, theirs=theirs, card=mine.card, kitting=mine.rules.get(basis="manual")
    )


@pytest.mark.parametrize(
    ("path", "as_manager", "as_client", "as_operator"),
    [
        ("/rate-cards", 200, 403, 403),
        ("/charges", 200, 200, 403),
        ("/unrated", 200, 403, 403),
        ("/invoices", 200, 200, 403),
    ],
)
def test_who_may_read_what(
    books,
    manager_api,
    admin_api,
    client_api,
    operator_api,
    path,
    as_manager,
    as_client,
    as_operator,
):
    assert manager_api.get(path).status_code == as_manager
    assert admin_api.get(path).status_code == as_manager
    assert client_api.get(path).status_code == as_client
    assert operator_api.get(path).status_code == as_operator


def test_a_client_user_sees_only_their_own_charges_and_invoices(books, client_api, acme_outdoor):
    charges = client_api.get("/charges").json()
    assert {c["client"] for c in charges["items"]} == {acme_outdoor.code}
    assert charges["count"] == 2
    assert [i["id"] for i in client_api.get("/invoices").json()["items"]] == [books.own.pk]
    assert client_api.get(f"/invoices/{books.own.pk}").json()["number"] == "INV-000001"
    for path in (
        f"/invoices/{books.theirs.pk}",
        f"/invoices/{books.theirs.pk}/pdf",
        f"/invoices/{books.theirs.pk}/lines.csv",
    ):
        response = client_api.get(path)
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    assert client_api.get("/charges", client="other-brand").json()["count"] == 0


def test_charges_filter_by_client_kind_dates_and_invoice(books, manager_api, other_client):
    assert manager_api.get("/charges", client=other_client.code).json()["count"] == 2
    assert manager_api.get("/charges", invoice_id=books.own.pk).json()["count"] == 2
    assert manager_api.get("/charges", kind="picking").json()["count"] == 0
    assert manager_api.get("/charges", date_from="2026-03-03").json()["count"] == 0
    # Both ASNs were closed at the same instant, so the order between them is not promised.
    lines = manager_api.get("/charges", client=other_client.code).json()["items"]
    assert sorted((line["asn"], line["event_type"], line["amount"]) for line in lines) == [
        ("other-brand-0", "asn.closed", "25.00"),
        ("other-brand-1", "asn.closed", "25.00"),
    ]


def test_the_unrated_queue_lists_the_reason(books, manager_api):
    (entry,) = manager_api.get("/unrated").json()["items"]
    assert (entry["event_type"], entry["reason_code"]) == ("order.picked", "no_matching_rule")
    assert entry["reason"] == "Rate card “Acme Outdoor prices” v1 has no picking rule."


def test_a_version_with_a_negative_price_or_overlapping_rules_is_refused_and_nothing_written(
    books, manager_api
):
    before = (RateCardVersion.objects.count(), RateRule.objects.count())
    body = {
        "effective_from": "2026-04-01",
        "rules": [
            {"kind": "picking", "basis": "pick_per_unit", "unit_price": "-0.01"},
            {
                "kind": "picking",
                "basis": "pick_unit_range",
                "unit_price": "0.2",
                "tier_from": 2,
                "tier_to": 10,
            },
            {"kind": "picking", "basis": "pick_unit_range", "unit_price": "0.1", "tier_from": 5},
        ],
    }
    response = manager_api.post(f"/rate-cards/{books.card.pk}/versions", body)
    assert response.status_code == 422
    assert error_of(response)["field_errors"] == {
        "rules.0.unit_price": ["Must not be negative."],
        "rules.2.tier_from": ["Units 5 to any overlap rule 2 (units 2 to 10)."],
    }
    assert (RateCardVersion.objects.count(), RateRule.objects.count()) == before


def test_a_version_inside_a_finalised_period_is_refused(books, manager_api):
    body = {
        "effective_from": "2026-03-31",
        "rules": [{"kind": "picking", "basis": "pick_per_order", "unit_price": "1"}],
    }
    response = manager_api.post(f"/rate-cards/{books.card.pk}/versions", body)
    assert response.status_code == 422
    assert list(error_of(response)["field_errors"]) == ["effective_from"]
    body["effective_from"] = "2026-04-01"
    created = manager_api.post(f"/rate-cards/{books.card.pk}/versions", body)
    assert created.status_code == 201 and created.json()["number"] == 2


def test_a_rate_card_with_its_first_version_in_one_request(
    wh, manager_api, acme_outdoor, other_client
):
    body = {
        "client": acme_outdoor.code,
        "name": "Outdoor 2026",
        "period_kind": "semi_monthly",
        "version": {
            "effective_from": "2026-01-01",
            "rules": [{"kind": "storage", "basis": "unit_day", "unit_price": "0.002"}],
        },
    }
    response = manager_api.post("/rate-cards", body)
    assert response.status_code == 201, response.content
    card = response.json()
    assert (card["client"], card["period_kind"], card["versions"][0]["rules"][0]["unit_price"]) == (
        acme_outdoor.code,
        "semi_monthly",
        "0.0020",
    )
    bad = dict(
        body,
        client="other-brand",
        version={
            **body["version"],
            "rules": [{"kind": "storage", "basis": "unit_day", "unit_price": "-1"}],
        },
    )
    refused = manager_api.post("/rate-cards", bad)
    assert refused.status_code == 422
    assert list(error_of(refused)["field_errors"]) == ["version.rules.0.unit_price"]
    assert manager_api.get("/rate-cards").json()["count"] == 1


def test_a_manual_charge_with_the_same_key_is_written_once(books, manager_api, acme_outdoor):
    body = {
        "client": acme_outdoor.code,
        "rule_id": books.kitting.pk,
        "quantity": "2.5",
        "activity_date": "2026-04-03",
    }
    first = manager_api.post("/charges", body, **{"Idempotency-Key": "kit-42"})
    again = manager_api.post("/charges", body, **{"Idempotency-Key": "kit-42"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert (first.json()["amount"], first.json()["description"]) == ("87.50", "Kitting")
    assert ChargeLine.objects.filter(basis="manual").count() == 1
    conflict = manager_api.post(
        "/charges", dict(body, quantity="3"), **{"Idempotency-Key": "kit-42"}
    )
    assert conflict.status_code == 409


def test_a_manual_charge_for_another_tenants_client_is_refused(
    books, manager_api, globex, use_tenant, acme
):
    use_tenant(globex)
    ClientFactory(code="globex-only")
    use_tenant(acme)
    lines = ChargeLine.objects.count()
    response = manager_api.post(
        "/charges",
        {"client": "globex-only", "quantity": "1", "unit_price": "10", "description": "x"},
    )
    assert response.status_code == 422
    assert error_of(response)["field_errors"] == {
        "client": ["No active client with code “globex-only”."]
    }
    assert ChargeLine.objects.count() == lines


def test_a_manual_charge_with_bad_numbers_is_refused(books, manager_api, acme_outdoor):
    for body, field in (
        (
            {"client": acme_outdoor.code, "quantity": "-1", "unit_price": "1", "description": "x"},
            "quantity",
        ),
        (
            {"client": acme_outdoor.code, "quantity": "1", "unit_price": "-1", "description": "x"},
            "unit_price",
        ),
        (
            {
                "client": acme_outdoor.code,
                "quantity": "1",
                "unit_price": "1.00001",
                "description": "x",
            },
            "unit_price",
        ),
        (
            {
                "client": acme_outdoor.code,
                "quantity": "1",
                "unit_price": "1",
                "activity_date": "2026-03-05",
                "description": "x",
            },
            "activity_date",
        ),
    ):
        response = manager_api.post("/charges", body)
        assert response.status_code == 422, body
        assert field in error_of(response)["field_errors"], response.json()
    assert not ChargeLine.objects.filter(basis="manual").exists()


def test_finalising_over_the_api_once_then_refused(books, manager_api):
    response = manager_api.post(f"/invoices/{books.theirs.pk}/finalize", {})
    assert response.status_code == 200
    assert (response.json()["number"], response.json()["status"]) == ("INV-000002", "finalized")
    again = manager_api.post(f"/invoices/{books.theirs.pk}/finalize", {})
    assert again.status_code == 409
    assert error_of(again)["code"] == "invalid_transition"
    assert Invoice.objects.get(pk=books.theirs.pk).number == 2


def test_credit_notes_over_the_api(books, manager_api, client_api):
    line = ChargeLine.objects.filter(invoice=books.own).order_by("pk").first()
    body = {
        "invoice_id": books.own.pk,
        "reason": "Pallet damaged",
        "lines": [{"charge_line_id": line.pk, "amount": "5.00"}],
    }
    assert client_api.post("/credit-notes", body).status_code == 403
    created = manager_api.post("/credit-notes", body, **{"Idempotency-Key": "cn-1"})
    assert created.status_code == 201
    assert (created.json()["number"], created.json()["total"]) == ("CN-000001", "5.00")
    too_much = manager_api.post(
        "/credit-notes", dict(body, lines=[{"charge_line_id": line.pk, "amount": "20.01"}])
    )
    assert too_much.status_code == 422
    assert error_of(too_much)["field_errors"] == {
        "lines.0.amount": ["At most 20.00 is left to credit on this line."]
    }
    assert CreditNote.objects.count() == 1
    detail = manager_api.get(f"/invoices/{books.own.pk}").json()
    assert [c["number"] for c in detail["credit_notes"]] == ["CN-000001"]
    assert detail["summary"][0]["amount"] == "50.00"


def test_pdf_and_csv_of_an_invoice(books, client_api):
    pdf = client_api.get(f"/invoices/{books.own.pk}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    csv = client_api.get(f"/invoices/{books.own.pk}/lines.csv")
    assert (
        csv.status_code == 200
        and csv["Content-Disposition"] == 'attachment; filename="INV-000001.csv"'
    )
    rows = b"".join(csv.streaming_content).decode().splitlines()
    assert rows[0].startswith("line_id,date,kind,description,quantity")
    assert len(rows) == 3 and rows[1].split(",")[2:4] == ["receiving", "Per ASN closed"]
    assert D(rows[1].split(",")[7]) == D("25.00")


def test_the_openapi_document_lists_the_billing_routes(acme):
    from django.test import Client as HttpClient

    paths = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json").json()["paths"]
    listed = {path: set(methods) for path, methods in paths.items() if path in BILLING_ROUTES}
    assert listed == BILLING_ROUTES
