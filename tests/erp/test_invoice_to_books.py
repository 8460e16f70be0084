"""A finalised 3PL invoice becomes a posted customer invoice in our own books (Tryton), one line
per rule and price, the same total, the ERP's number stored back. A Tryton UserError (the period
is closed) fails the row with Tryton's message, once: no retry storm; after the fix, a manager's
retry posts the draft the first attempt left, never a second invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from billing.models import BillingPeriod
from billing.services.charges import add_manual_charge
from billing.services.invoices import close_period, finalize_invoice
from billing.services.rating import rate_pending
from erp import tasks
from erp.models import DocumentType, ErpLink, SyncKind, SyncRecord, SyncState
from erp.services.records import retry_record
from inventory.models import Client
from tests.billing.conftest import card_for, local, rule, write_event
from tests.billing.conftest import wh as billing_wh

pytestmark = [pytest.mark.django_db, pytest.mark.erp]

wh = billing_wh
card_for = card_for
write_event = write_event
MARCH = dt.date(2026, 3, 2)


@pytest.fixture
def finalised(wh: Any, manager: Any, card_for: Any, write_event: Any) -> Any:
    client = Client.objects.create(code="lodz", name="Łódź Ltd")
    card_for(
        client, [rule("receiving", "per_asn", "25"), rule("picking", "pick_per_order", "0.50")]
    )
    for n in range(3):
        write_event("asn.closed", {"reference": f"PO-{n}"}, client=client, at=local(MARCH))
    for n in range(4):
        write_event(
            "order.picked",
            {"reference": f"SO-{n}", "picked_units": 1},
            client=client,
            at=local(MARCH),
        )
    rate_pending()
    add_manual_charge(
        user=manager,
        client=client,
        quantity=D("3"),
        unit_price=D("21.2"),
        description="Kitting",
        activity_date=MARCH,
    )
    draft = close_period(user=manager, period=BillingPeriod.objects.get(client=client))
    return finalize_invoice(user=manager, invoice=draft)


def test_a_finalised_invoice_is_posted_in_the_books_with_the_same_total(
    books_erp: Any, erp_side: Any, finalised: Any
) -> None:
    assert finalised.total == D("140.60")  # 75 + 2 + 63.60

    tasks.sync_outbound.apply().get()

    record = SyncRecord.objects.get(kind=SyncKind.INVOICE)
    assert record.state == SyncState.DONE, record.message
    [posted] = erp_side.customer_invoices(f"WMS-{finalised.number_text}")
    assert (posted["state"], posted["total_amount"], posted["party."]["code"]) == (
        "posted",
        D("140.60"),
        "lodz",
    )
    assert len(posted["lines"]) == 3
    link = ErpLink.objects.get(document_type=DocumentType.INVOICE, document_id=finalised.pk)
    assert link.erp_number == record.erp_number == posted["number"]
    assert tasks.sync_outbound.apply().get()["done"] == 0
    assert len(erp_side.customer_invoices(f"WMS-{finalised.number_text}")) == 1


def test_a_tryton_user_error_fails_the_row_once_and_a_retry_posts_no_duplicate(
    books_erp: Any, erp_side: Any, finalised: Any, manager: Any, settings: Any
) -> None:
    settings.ERP_RETRY_SECONDS = 0  # anything retryable would be due again at once
    today = dt.date.today()
    [period] = erp_side.rpc.search_read(
        "account.period",
        [["start_date", "<=", today], ["end_date", ">=", today], ["type", "=", "standard"]],
        ["id"],
    )
    erp_side.rpc.button("account.period", "close", [period["id"]])

    tasks.sync_outbound.apply().get()
    tasks.sync_outbound.apply().get()
    tasks.sync_outbound.apply().get()

    record = SyncRecord.objects.get(kind=SyncKind.INVOICE)
    assert (record.state, record.attempts) == (SyncState.FAILED, 1)
    assert record.message.startswith("UserError:")
    assert "period" in record.message.lower()
    [draft] = erp_side.customer_invoices(f"WMS-{finalised.number_text}")
    assert draft["state"] == "draft"

    erp_side.rpc.button("account.period", "reopen", [period["id"]])
    retry_record(user=manager, record=record)
    assert tasks.retry_record.apply(args=[record.pk]).get() == SyncState.DONE
    [posted] = erp_side.customer_invoices(f"WMS-{finalised.number_text}")
    assert (posted["id"], posted["state"]) == (draft["id"], "posted")
