"""Periods and invoices: closing into a draft (refused before the period ends and while
activity is unrated), re-rating a draft, finalising with the next number into an invoice the
database will not let change, minimums, tax, late activity, credit notes and manual charges."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction

from billing.exceptions import ChargeRefused, InvoiceRefused, PeriodRefused
from billing.models import (
    BillingPeriod,
    BillingSettings,
    ChargeLine,
    CreditNote,
    DocumentCounter,
    Invoice,
    UnratedActivity,
)
from billing.services.charges import add_manual_charge, mark_non_billable
from billing.services.invoices import (
    CreditSpec,
    close_period,
    create_credit_note,
    finalize_invoice,
    rerate_period,
)
from billing.services.rating import rate_pending
from inventory.models import Event
from tests.billing.conftest import lines_of, local, rule
from wms.exceptions import InvalidTransition

MARCH = dt.date(2026, 3, 1)


def asn(write_event: Any, client: Any, day: dt.date, reference: str = "ASN") -> Any:
    return write_event(
        "asn.closed", {"reference": reference, "lines": []}, client=client, at=local(day)
    )


@pytest.fixture
def march(wh, acme_outdoor, card_for, write_event) -> BillingPeriod:
    """Acme's March: three ASNs closed at 33.3333 each (a price of four decimals)."""
    card_for(acme_outdoor, [rule("receiving", "per_asn", "33.3333")])
    for n in range(3):
        asn(write_event, acme_outdoor, MARCH + dt.timedelta(days=n), f"ASN-{n}")
    rate_pending()
    return BillingPeriod.objects.get(client=acme_outdoor, start_date=MARCH)


def raw(sql: str, params: list[Any]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_closing_makes_a_draft_of_every_line_with_tax(march, manager):
    BillingSettings.objects.create(
        pk=1, company_name="Acme 3PL", tax_label="Sales tax", tax_rate_percent=D("8.25")
    )

    invoice = close_period(user=manager, period=march)

    # Each line is rounded (33.3333 -> 33.33) and the total is the sum of the lines:
    # 3 x 33.33 = 99.99; tax 8.25% of 99.99 = 8.249175 -> 8.25.
    assert invoice.status == "draft" and invoice.number is None
    assert [line.amount for line in invoice.lines.order_by("pk")] == [D("33.33")] * 3
    assert (invoice.subtotal, invoice.tax_amount, invoice.total) == (
        D("99.99"),
        D("8.25"),
        D("108.24"),
    )
    march.refresh_from_db()
    assert march.status == "closed" and march.closed_at is not None
    assert Event.objects.filter(type="period.closed").count() == 1
    assert Event.objects.filter(type="invoice.drafted", payload__invoice_id=invoice.pk).count() == 1


def test_a_period_that_has_not_ended_everywhere_cannot_close(march, manager):
    today = mock.patch("billing.services.invoices.billing_today", return_value=dt.date(2026, 3, 31))
    with today, pytest.raises(PeriodRefused) as refused:
        close_period(user=manager, period=march)
    assert refused.value.message == (
        "The period 2026-03-01 to 2026-03-31 has not ended everywhere yet; close it from "
        "2026-04-01 on."
    )
    march.refresh_from_db()
    assert march.status == "open" and not Invoice.objects.exists()


def test_a_period_with_unrated_activity_cannot_close_until_the_queue_is_clear(
    march, manager, acme_outdoor, write_event
):
    picked = write_event(
        "order.picked", {"reference": "O", "picked_units": 1}, client=acme_outdoor, at=local(MARCH)
    )
    rate_pending()
    (waiting,) = UnratedActivity.objects.filter(event=picked)
    events = Event.objects.count()

    with pytest.raises(PeriodRefused) as refused:
        close_period(user=manager, period=march)

    assert refused.value.message.startswith(
        "1 billable activity of Acme Outdoor in 2026-03-01 to 2026-03-31 is unrated"
    )
    assert not Invoice.objects.exists() and Event.objects.count() == events
    mark_non_billable(user=manager, entry=waiting, reason="Picked for a trade show, not billed.")
    assert close_period(user=manager, period=march).total == D("99.99")


def test_re_rating_a_draft_rebuilds_it_by_the_card_as_it_is_now(
    march, manager, acme_outdoor, card_for
):
    draft = close_period(user=manager, period=march)
    manual = add_manual_charge(
        user=manager, client=acme_outdoor, quantity=D("2"), unit_price=D("40"),
        description="Kitting, per hour", activity_date=dt.date(2026, 3, 20),
    )  # fmt: skip
    assert manual.invoice_id == draft.pk
    card_for(acme_outdoor, [rule("receiving", "per_asn", "30")], effective_from=MARCH)

    result = rerate_period(user=manager, period=march)

    draft.refresh_from_db()
    assert (result.events, result.lines) == (3, 3)
    assert sorted(line.amount for line in draft.lines.all()) == [D("30.00")] * 3 + [D("80.00")]
    assert draft.total == D("170.00")
    # The manual charge stays as it was entered.
    assert ChargeLine.objects.get(pk=manual.pk).amount == D("80.00")


def test_finalising_numbers_the_invoice_and_the_database_then_refuses_any_change(march, manager):
    BillingSettings.objects.create(
        pk=1, company_name="Acme 3PL", company_address="1 Dock Rd\nNewark"
    )
    draft = close_period(user=manager, period=march)

    final = finalize_invoice(user=manager, invoice=draft)

    assert (final.number, final.number_text, final.status) == (1, "INV-000001", "finalized")
    assert (final.seller_name, final.client_name) == ("Acme 3PL", "Acme Outdoor")
    assert final.due_date == final.issue_date + dt.timedelta(days=30)
    event = Event.objects.get(type="invoice.finalized")
    assert event.client_id == march.client_id
    assert event.payload == {
        "invoice_id": final.pk,
        "number": "INV-000001",
        "period_start": "2026-03-01",
        "period_end": "2026-03-31",
        "currency": "USD",
        "subtotal": "99.99",
        "tax": "0.00",
        "total": "99.99",
    }
    march.refresh_from_db()
    assert march.status == "finalized"

    line = final.lines.first()
    for sql, params in (
        ("UPDATE billing_invoice SET total = 0 WHERE id = %s", [final.pk]),
        ("DELETE FROM billing_invoice WHERE id = %s", [final.pk]),
        ("UPDATE billing_chargeline SET amount = 0 WHERE id = %s", [line.pk]),
        ("DELETE FROM billing_chargeline WHERE id = %s", [line.pk]),
        (
            "INSERT INTO billing_chargeline (client_id, period_id, kind, basis, description, "
            "activity_date, quantity, unit, unit_price, amount, event_type, sub_key, "
            "order_reference, asn_reference, carton_sscc, tracking_code, sku, note, invoice_id, "
            "created_at) SELECT client_id, period_id, kind, basis, description, activity_date, "
            "quantity, unit, unit_price, amount, '', 'x', '', '', '', '', '', '', invoice_id, now() "
            "FROM billing_chargeline WHERE id = %s",
            [line.pk],
        ),
    ):
        with pytest.raises(IntegrityError, match="finalised"):
            raw(sql, params)
    final.refresh_from_db()
    assert final.total == D("99.99") and final.lines.count() == 3


def test_finalising_twice_is_refused_and_changes_nothing(march, manager):
    final = finalize_invoice(user=manager, invoice=close_period(user=manager, period=march))
    events = Event.objects.count()

    with pytest.raises(InvalidTransition) as refused:
        finalize_invoice(user=manager, invoice=final)

    assert refused.value.message == (
        "Invoice INV-000001 is finalized and cannot become finalized; it can no longer change."
    )
    assert DocumentCounter.objects.get(kind="invoice").last_number == 1
    assert Event.objects.count() == events


def test_a_repeat_with_the_same_key_answers_the_first_finalisation(march, manager):
    draft = close_period(user=manager, period=march)
    first = finalize_invoice(user=manager, invoice=draft, idempotency_key="fin-1")
    again = finalize_invoice(user=manager, invoice=draft, idempotency_key="fin-1")
    assert again.pk == first.pk and again.number == 1
    assert Event.objects.filter(type="invoice.finalized").count() == 1


def test_activity_rated_after_the_draft_blocks_finalising_until_re_rated(
    march, manager, acme_outdoor, write_event
):
    draft = close_period(user=manager, period=march)
    asn(write_event, acme_outdoor, dt.date(2026, 3, 30), "LATE")
    rate_pending()

    with pytest.raises(InvoiceRefused) as refused:
        finalize_invoice(user=manager, invoice=draft)
    assert refused.value.code == "draft_outdated"
    assert not DocumentCounter.objects.filter(last_number__gt=0).exists()

    rerate_period(user=manager, period=march)
    final = finalize_invoice(user=manager, invoice=draft)
    assert final.total == D("133.32")


def test_late_activity_of_a_finalised_period_lands_in_the_current_one(
    march, manager, acme_outdoor, write_event
):
    finalize_invoice(user=manager, invoice=close_period(user=manager, period=march))
    late = asn(write_event, acme_outdoor, dt.date(2026, 3, 15), "LATE")
    with mock.patch(
        "billing.services.periods.timezone.now", return_value=local(dt.date(2026, 5, 10))
    ):
        rate_pending()
    (line,) = lines_of(late)
    # Dated by its activity, billed in the period of today (the invoice of March never changes).
    assert line.activity_date == dt.date(2026, 3, 15)
    assert (line.period.start_date, line.period.end_date) == (
        dt.date(2026, 5, 1),
        dt.date(2026, 5, 31),
    )
    assert Invoice.objects.get(period=march).lines.count() == 3


def test_minimums_top_the_period_up(wh, acme_outdoor, manager, card_for, write_event):
    card_for(
        acme_outdoor,
        [
            rule("receiving", "per_asn", "10"),
            rule("storage", "storage_minimum", "50"),
            rule("minimum", "period_minimum", "100"),
        ],
    )
    asn(write_event, acme_outdoor, MARCH)
    rate_pending()
    period = BillingPeriod.objects.get(client=acme_outdoor)

    invoice = close_period(user=manager, period=period)

    # Storage: nothing stored, minimum 50 -> a 50.00 top-up. Period: 10 + 50 = 60, minimum 100
    # -> a 40.00 top-up. Total 100.00.
    tops = {
        line.basis: line.amount
        for line in invoice.lines.filter(basis__in=["storage_minimum", "period_minimum"])
    }
    assert tops == {"storage_minimum": D("50.00"), "period_minimum": D("40.00")}
    assert invoice.total == D("100.00")
    # Re-rating rebuilds the top-ups, never doubles them.
    rerate_period(user=manager, period=period)
    assert invoice.lines.filter(basis__in=["storage_minimum", "period_minimum"]).count() == 2
    invoice.refresh_from_db()
    assert invoice.total == D("100.00")


def test_credit_notes_correct_lines_of_a_final_invoice_within_what_is_left(march, manager):
    final = finalize_invoice(user=manager, invoice=close_period(user=manager, period=march))
    line = final.lines.order_by("pk").first()

    first = create_credit_note(
        user=manager,
        invoice=final,
        lines=[CreditSpec(line.pk, D("13.33"))],
        reason="Damaged in storage",
    )
    with pytest.raises(ChargeRefused) as refused:
        create_credit_note(
            user=manager, invoice=final, lines=[CreditSpec(line.pk, D("20.01"))], reason="Again"
        )
    second = create_credit_note(
        user=manager, invoice=final, lines=[CreditSpec(line.pk, D("20.00"))], reason="Rest"
    )

    assert (first.number_text, first.total, second.number_text) == (
        "CN-000001",
        D("13.33"),
        "CN-000002",
    )
    assert refused.value.field_errors == {
        "lines.0.amount": ["At most 20.00 is left to credit on this line."]
    }
    assert CreditNote.objects.count() == 2
    with pytest.raises(IntegrityError, match="immutable"):
        raw("UPDATE billing_creditnote SET total = 0 WHERE id = %s", [first.pk])
    assert Event.objects.filter(type="credit_note.issued").count() == 2


def test_a_draft_takes_no_credit_note(march, manager):
    draft = close_period(user=manager, period=march)
    with pytest.raises(ChargeRefused) as refused:
        create_credit_note(
            user=manager,
            invoice=draft,
            lines=[CreditSpec(draft.lines.first().pk, D("1"))],
            reason="x",
        )
    assert refused.value.code == "invoice_not_final"
    assert not CreditNote.objects.exists()


def test_a_manual_charge_on_a_day_of_a_finalised_period_is_refused(march, manager, acme_outdoor):
    finalize_invoice(user=manager, invoice=close_period(user=manager, period=march))
    lines = ChargeLine.objects.count()
    with pytest.raises(ChargeRefused) as refused:
        add_manual_charge(
            user=manager, client=acme_outdoor, quantity=D("1"), unit_price=D("10"),
            description="Relabelling", activity_date=dt.date(2026, 3, 5),
        )  # fmt: skip
    assert list(refused.value.field_errors) == ["activity_date"]
    assert ChargeLine.objects.count() == lines


def test_a_manual_charge_with_a_key_is_written_once(wh, manager, acme_outdoor):
    kwargs = {
        "user": manager,
        "client": acme_outdoor,
        "quantity": D("1.5"),
        "unit_price": D("35"),
        "description": "Kitting, per hour",
        "activity_date": dt.date(2026, 3, 5),
        "idempotency_key": "kit-1",
    }
    first = add_manual_charge(**kwargs)
    again = add_manual_charge(**kwargs)
    assert again.pk == first.pk and first.amount == D("52.50")
    assert ChargeLine.objects.count() == 1


def test_marking_non_billable_needs_a_reason(march, manager, acme_outdoor, write_event):
    picked = write_event(
        "order.picked", {"reference": "O", "picked_units": 1}, client=acme_outdoor, at=local(MARCH)
    )
    rate_pending()
    entry = UnratedActivity.objects.get(event=picked)
    with pytest.raises(ChargeRefused):
        mark_non_billable(user=manager, entry=entry, reason="  ")
    entry.refresh_from_db()
    assert entry.status == "open"
