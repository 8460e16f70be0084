"""The manager pages: who may open them, the version editor's errors on the rows, and the
actions that ask first (GET changes nothing) and do on POST: close, finalise, mark non-billable;
manual charges, re-rating the queue, credit notes, PDF and CSV."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.utils import timezone

from billing.models import (
    BillingPeriod,
    ChargeLine,
    CreditNote,
    Invoice,
    RateCardVersion,
    UnratedActivity,
)
from billing.services.invoices import close_period
from billing.services.rating import rate_pending
from tests.billing.conftest import local, rule
from tests.helpers import table_records, visible_text

MARCH = dt.date(2026, 3, 2)


@pytest.fixture
def books(wh, acme_outdoor, manager, card_for, write_event) -> SimpleNamespace:
    version = card_for(acme_outdoor, [rule("receiving", "per_asn", "25")])
    write_event("asn.closed", {"reference": "A-1"}, client=acme_outdoor, at=local(MARCH))
    picked = write_event(
        "order.picked",
        {"reference": "O-1", "picked_units": 2},
        client=acme_outdoor,
        at=local(MARCH),
    )
    rate_pending()
    period = BillingPeriod.objects.get(client=acme_outdoor)
    return SimpleNamespace(
        card=version.card,
        period=period,
        waiting=UnratedActivity.objects.get(event=picked),
    )


PAGES = [
    "/billing/",
    "/billing/rate-cards/",
    "/billing/rate-cards/new/",
    "/billing/unrated/",
    "/billing/charges/new/",
    "/billing/periods/",
    "/billing/invoices/",
    "/billing/settings/",
]


@pytest.mark.parametrize("path", PAGES)
def test_managers_and_admins_open_the_pages_others_are_refused(
    books, http_for, manager, admin_user, operator, client_user, path
):
    assert http_for(manager).get(path).status_code == 200
    assert http_for(admin_user).get(path).status_code == 200
    assert http_for(operator).get(path).status_code == 403
    assert http_for(client_user).get(path).status_code == 403
    assert http_for().get(path).status_code == 302


def test_the_navigation_offers_billing_to_managers_only(books, http_for, manager, operator):
    assert b'href="/billing/"' in http_for(manager).get("/dashboard/").content
    assert b'href="/billing/"' not in http_for(operator).get("/floor/").content


def test_the_overview_shows_each_clients_accrued_charges(books, http_for, manager):
    page = http_for(manager).get("/billing/").content.decode()
    assert "Acme Outdoor" in page and "1 billable activity unrated" in page


def test_the_editor_starts_from_the_last_version_and_shows_overlaps_on_the_rows(
    books, http_for, manager
):
    client = http_for(manager)
    url = f"/billing/rate-cards/{books.card.pk}/versions/new/"
    assert 'value="25.0000"' in client.get(url).content.decode()
    rows = {
        "rules-TOTAL_FORMS": "3",
        "rules-INITIAL_FORMS": "0",
        "rules-0-kind": "picking",
        "rules-0-basis": "pick_per_unit",
        "rules-0-unit_price": "0.10",
        "rules-1-kind": "picking",
        "rules-1-basis": "pick_per_unit",
        "rules-1-unit_price": "0.12",
        "rules-2-kind": "packing",
        "rules-2-basis": "pack_per_order",
        "rules-2-unit_price": "-0.75",
    }
    response = client.post(url, {"effective_from": "2026-04-01", "storage_mode": "daily", **rows})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Overlaps rule 1: both charge per unit picked." in page
    assert "Must not be negative." in page
    assert RateCardVersion.objects.filter(card=books.card).count() == 1

    rows["rules-1-basis"], rows["rules-1-unit_price"] = "pick_per_order", "0.50"
    rows["rules-2-unit_price"] = "0.75"
    saved = client.post(url, {"effective_from": "2026-04-01", "storage_mode": "daily", **rows})
    assert saved.status_code == 302
    version = RateCardVersion.objects.get(card=books.card, number=2)
    assert [(r.basis, r.unit_price) for r in version.rules.order_by("position")] == [
        ("pick_per_unit", D("0.1000")),
        ("pick_per_order", D("0.5000")),
        ("pack_per_order", D("0.7500")),
    ]


def test_closing_asks_first_and_is_refused_while_activity_waits(books, http_for, manager):
    client = http_for(manager)
    url = f"/billing/periods/{books.period.pk}/close/"
    assert "1 activity of this period is unrated" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "is unrated" in response.content.decode()
    assert not Invoice.objects.exists()

    mark = f"/billing/unrated/{books.waiting.pk}/non-billable/"
    assert client.get(mark).status_code == 200
    assert UnratedActivity.objects.get(pk=books.waiting.pk).status == "open"
    client.post(mark, {"reason": "Sample order"})
    assert UnratedActivity.objects.get(pk=books.waiting.pk).status == "non_billable"

    closed = client.post(url)
    invoice = Invoice.objects.get(period=books.period)
    assert closed.status_code == 302 and closed["Location"] == f"/billing/invoices/{invoice.pk}/"


def test_finalising_asks_first_then_numbers_the_invoice(books, http_for, manager):
    UnratedActivity.objects.filter(pk=books.waiting.pk).update(status="non_billable")
    invoice = close_period(user=manager, period=books.period)
    client = http_for(manager)
    url = f"/billing/invoices/{invoice.pk}/finalize/"
    assert "never change again" in client.get(url).content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == "draft"
    client.post(url)
    assert Invoice.objects.get(pk=invoice.pk).number_text == "INV-000001"
    page = client.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    assert "Invoice INV-000001" in page and "Per ASN closed" in page
    again = client.post(url, follow=True)
    assert "cannot become finalized" in again.content.decode()

    credit = client.post(
        f"/billing/invoices/{invoice.pk}/credit-note/",
        {"line": invoice.lines.get().pk, "amount": "5.00", "reason": "Goodwill"},
    )
    assert credit.status_code == 302
    assert CreditNote.objects.get().total == D("5.00")
    pdf = client.get(f"/billing/invoices/{invoice.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    csv = client.get(f"/billing/invoices/{invoice.pk}/lines.csv")
    assert b"A-1" in b"".join(csv.streaming_content)


def test_rating_the_queue_again_after_the_card_is_fixed(
    books, http_for, manager, acme_outdoor, card_for
):
    card_for(
        acme_outdoor,
        [rule("receiving", "per_asn", "25"), rule("picking", "pick_per_order", "1")],
        effective_from=dt.date(2026, 3, 1),
    )
    client = http_for(manager)
    response = client.post("/billing/unrated/rerate/", {"entry": [books.waiting.pk]})
    assert response.status_code == 302
    assert UnratedActivity.objects.get(pk=books.waiting.pk).status == "resolved"
    assert ChargeLine.objects.filter(basis="pick_per_order").count() == 1


def test_a_manual_charge_from_the_form(books, http_for, manager, acme_outdoor):
    response = http_for(manager).post(
        "/billing/charges/new/",
        {
            "client": acme_outdoor.pk,
            "description": "Relabelling",
            "quantity": "120",
            "unit": "unit",
            "unit_price": "0.15",
            "activity_date": "2026-03-20",
        },
    )
    assert response.status_code == 302
    line = ChargeLine.objects.get(basis="manual")
    assert (line.amount, line.unit, line.created_by) == (D("18.00"), "unit", manager)


def test_rate_now_rates_what_the_floor_wrote_since_the_last_run(
    wh, acme_outdoor, http_for, manager, card_for, write_event
):
    card_for(acme_outdoor, [rule("receiving", "per_asn", "25")])
    write_event("asn.closed", {"reference": "A-9"}, client=acme_outdoor, at=local(MARCH))
    client = http_for(manager)
    assert client.get("/billing/rate/").status_code == 405  # a GET changes nothing

    response = client.post("/billing/rate/", follow=True)

    # The set-up's own events (the card) are read too; one is billable.
    assert re.search(r"Rated \d+ new events: 1 lines, 0 unrated\.", visible_text(response.content))
    assert ChargeLine.objects.get().asn_reference == "A-9"


def test_a_clients_page_lists_this_periods_charges_with_their_source(
    wh, acme_outdoor, http_for, manager, card_for, write_event
):
    card_for(acme_outdoor, [rule("receiving", "per_asn", "25")], effective_from=dt.date(2020, 1, 1))
    event = write_event(
        "asn.closed", {"reference": "A-TODAY"}, client=acme_outdoor, at=timezone.now()
    )
    rate_pending()

    html = http_for(manager).get(f"/billing/clients/{acme_outdoor.pk}/").content.decode()

    [line] = table_records(html, with_column="Source")
    assert (line["Kind"], line["Amount"]) == ("receiving", "25.00")
    assert line["Source"] == f"asn.closed #{event.pk} A-TODAY"
    assert "25.00" in visible_text(html)
    assert http_for(manager).get("/billing/clients/999999/").status_code == 404


def test_rerating_a_period_charges_what_the_fixed_card_now_covers(
    books, http_for, manager, acme_outdoor, card_for
):
    card_for(
        acme_outdoor,
        [rule("receiving", "per_asn", "25"), rule("picking", "pick_per_order", "1")],
        effective_from=dt.date(2026, 3, 1),
    )
    client = http_for(manager)
    url = f"/billing/periods/{books.period.pk}/rerate/"
    assert client.get(url).status_code == 405

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == f"/billing/clients/{acme_outdoor.pk}/"
    assert ChargeLine.objects.filter(basis="pick_per_order", order_reference="O-1").count() == 1
    # The period's open queue entries were replaced by what the card now says: none waits.
    assert not UnratedActivity.objects.filter(status="open").exists()


def test_a_clients_charges_sort_filter_by_kind_and_export(
    wh, acme_outdoor, http_for, manager, card_for, write_event
):
    import csv
    import io

    from billing.services.charges import add_manual_charge

    card_for(acme_outdoor, [rule("receiving", "per_asn", "25")], effective_from=dt.date(2020, 1, 1))
    for reference in ("A-1", "A-2"):
        write_event("asn.closed", {"reference": reference}, client=acme_outdoor, at=timezone.now())
    rate_pending()
    for hours, price in [(D("2"), D("40")), (D("1"), D("90"))]:
        add_manual_charge(
            user=manager,
            client=acme_outdoor,
            quantity=hours,
            unit_price=price,
            description="Kitting, per hour",
        )
    http = http_for(manager)
    url = f"/billing/clients/{acme_outdoor.pk}/"
    by_amount = http.get(url, {"sort": "-amount"})
    assert [r["Amount"] for r in table_records(by_amount.content, with_column="Source")] == [
        "90.00",
        "80.00",
        "25.00",
        "25.00",
    ]
    first = table_records(by_amount.content, with_column="Source")
    assert first[0]["Description"] == "Kitting, per hour"
    export = http.get(url, {"kind": "receiving", "format": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    records = list(csv.DictReader(io.StringIO(body)))
    assert sorted(r["Source"].split()[-1] for r in records) == ["A-1", "A-2"]
    assert {(r["Kind"], r["Amount"]) for r in records} == {("receiving", "25.00")}
