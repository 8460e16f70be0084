"""The invoice PDF and CSV, read back: the 3PL's name and address, the client (in any script),
the period, a subtotal per kind of charge, the tax line, the total; a draft says so. The CSV has
every line with its source, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from pypdf import PdfReader

from billing import documents, selectors
from billing.models import BillingPeriod, BillingSettings
from billing.services.charges import add_manual_charge
from billing.services.invoices import close_period, finalize_invoice
from billing.services.rating import rate_pending
from inventory.models import Client
from tests.billing.conftest import local, rule

MARCH = dt.date(2026, 3, 2)


def pdf_text(pdf: bytes) -> str:
    """The text of every page, laid out as printed (pdftotext -layout)."""
    assert shutil.which("pdftotext"), "pdftotext is required (apt-get install poppler-utils)"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "invoice.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        )
    return done.stdout


@pytest.fixture
def invoice(wh, manager, card_for, write_event):
    BillingSettings.objects.create(
        pk=1,
        company_name="Northwind Fulfilment",
        company_address="100 Dock Rd\nNewark, NJ 07102",
        tax_label="Sales tax",
        tax_rate_percent=D("8.25"),
    )
    client = Client.objects.create(code="lodz", name="Łódź Ζήτα Ltd")
    card_for(
        client,
        [rule("receiving", "per_asn", "25"), rule("picking", "pick_per_order", "0.50")],
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
        quantity=D("2"),
        unit_price=D("35"),
        description="=HYPERLINK(kitting)",
        activity_date=MARCH,
    )
    return close_period(user=manager, period=BillingPeriod.objects.get(client=client))


def test_the_pdf_of_a_final_invoice(invoice, manager):
    final = finalize_invoice(user=manager, invoice=invoice)
    pdf = documents.render_invoice_pdf(selectors.invoice_document(final))

    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Invoice INV-000001"
    text = pdf_text(pdf)
    for expected in (
        "Northwind Fulfilment",
        "100 Dock Rd",
        "Invoice INV-000001",
        "Period 2026-03-01 to 2026-03-31",
        "Łódź Ζήτα Ltd",
        "Receiving",
        "Per ASN closed",
        "Subtotal receiving",
        "Subtotal picking",
        "Subtotal value-added services and labour",
        "Sales tax 8.25%",
    ):
        assert expected in text, expected
    # 3 x 25.00 + 4 x 0.50 + 2 x 35.00 = 147.00; tax 12.1275 -> 12.13; total 159.13.
    assert " 75.00" in text and " 2.00" in text and " 70.00" in text
    assert "147.00 USD" in text and "12.13 USD" in text and "159.13 USD" in text
    assert "DRAFT" not in text


def test_the_pdf_of_a_draft_says_so(invoice):
    text = pdf_text(documents.render_invoice_pdf(selectors.invoice_document(invoice)))
    assert "Draft invoice" in text and "DRAFT: not an invoice yet" in text
    assert "INV-" not in text


def test_the_csv_has_every_line_with_its_source_and_no_formulas(invoice):
    rows = "".join(
        documents.iter_invoice_csv(selectors.invoice_csv_lines(invoice), invoice.currency)
    ).splitlines()
    assert rows[0].split(",") == list(documents.CSV_COLUMNS)
    assert len(rows) == 1 + 3 + 4 + 1
    receiving = [r for r in rows if ",receiving," in r]
    assert {r.split(",")[12] for r in receiving} == {"PO-0", "PO-1", "PO-2"}
    assert all(r.split(",")[10] == "asn.closed" for r in receiving)
    picking = [r for r in rows if ",picking," in r]
    assert {r.split(",")[11] for r in picking} == {"SO-0", "SO-1", "SO-2", "SO-3"}
    (manual,) = [r for r in rows if ",vas," in r]
    assert "'=HYPERLINK(kitting)" in manual
