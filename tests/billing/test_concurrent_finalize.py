"""Twenty invoices finalised at once, each in its own connection and committed transaction, get
twenty consecutive numbers: none repeated, none skipped (the committed_tenant fixture)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

from django.db import connection

from billing.models import DocumentCounter, Invoice
from billing.services.charges import add_manual_charge
from billing.services.invoices import close_period, finalize_invoice
from inventory.models import Client, Event
from wms.accounts.models import User

INVOICES = 20


def _drafts() -> tuple[User, list[int]]:
    user = User.objects.create_user("billing@ledgerlab.test", role="manager")
    drafts = []
    for n in range(INVOICES):
        client = Client.objects.create(code=f"c{n:02d}", name=f"Client {n}")
        line = add_manual_charge(
            user=user,
            client=client,
            quantity=Decimal("1"),
            unit_price=Decimal(10 + n),
            description="Kitting",
            activity_date=dt.date(2020, 1, 15),
        )
        drafts.append(close_period(user=user, period=line.period).pk)
    return user, drafts


def test_twenty_invoices_finalised_at_once_get_twenty_consecutive_numbers(
    committed_tenant: Any,
) -> None:
    user, drafts = _drafts()
    start = threading.Barrier(INVOICES)
    numbers: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def finalise(pk: int) -> None:
        connection.set_tenant(committed_tenant)
        try:
            invoice = Invoice.objects.get(pk=pk)
            start.wait()
            final = finalize_invoice(user=user, invoice=invoice)
            with lock:
                numbers.append(final.number)
        except Exception as exc:
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=finalise, args=(pk,)) for pk in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    connection.set_tenant(committed_tenant)

    assert errors == []
    assert sorted(numbers) == list(range(1, INVOICES + 1))
    stored = sorted(Invoice.objects.values_list("number", flat=True))
    assert stored == list(range(1, INVOICES + 1))
    assert sorted(Invoice.objects.values_list("number_text", flat=True)) == [
        f"INV-{n:06d}" for n in range(1, INVOICES + 1)
    ]
    assert DocumentCounter.objects.get(kind="invoice").last_number == INVOICES
    assert Event.objects.filter(type="invoice.finalized").count() == INVOICES
