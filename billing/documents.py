"""The invoice as a reportlab PDF and its lines as CSV.

Pure rendering from the plain dataclasses below (billing.selectors.invoice_document builds them
from the database), never from ORM rows. Names print in DejaVu Sans when installed (Debian's
fonts-dejavu-core), so a client called Łódź or Жук comes out in letters; without it Helvetica
prints Latin-1 only."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from wms.pdf import document_fonts


@dataclass(frozen=True)
class SummaryLine:
    """The lines of one rule at one unit price, added up."""

    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class KindSection:
    """One kind of charge (storage, receiving, …) with its summary lines and subtotal."""

    title: str
    lines: Sequence[SummaryLine]
    subtotal: Decimal


@dataclass(frozen=True)
class InvoiceDocument:
    number: str  # empty for a draft
    seller_name: str
    seller_address: str
    client_name: str
    period_start: dt.date
    period_end: dt.date
    currency: str
    sections: Sequence[KindSection]
    subtotal: Decimal
    total: Decimal
    tax_label: str = ""
    tax_rate_percent: Decimal = Decimal("0")
    tax_amount: Decimal = Decimal("0")
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    line_count: int = 0
    credit_notes: Sequence[tuple[str, Decimal]] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return f"Invoice {self.number}" if self.number else "Draft invoice"


def _money(value: Decimal, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def _quantity(value: Decimal) -> str:
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _styles() -> dict[str, ParagraphStyle]:
    f = document_fonts()
    return {
        "seller": ParagraphStyle("seller", fontName=f.bold, fontSize=16, leading=20),
        "title": ParagraphStyle("title", fontName=f.bold, fontSize=13, leading=16),
        "body": ParagraphStyle("body", fontName=f.regular, fontSize=9.5, leading=12),
        "cell": ParagraphStyle("cell", fontName=f.regular, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", fontName=f.bold, fontSize=8.5, leading=10.5),
        "section": ParagraphStyle("section", fontName=f.bold, fontSize=10, leading=13),
        "num": ParagraphStyle("num", fontName=f.regular, fontSize=8.5, leading=10.5, alignment=2),
        "numb": ParagraphStyle("numb", fontName=f.bold, fontSize=9, leading=11, alignment=2),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def render_invoice_pdf(doc: InvoiceDocument) -> bytes:
    """A letter-size invoice: the 3PL's name and address, the client, the period, dates, then per
    kind of charge its lines (description, quantity, unit, unit price, amount) and subtotal, the
    tax line if the tenant charges tax, and the total. A draft says so on every page."""
    s = _styles()
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.7 * inch,
        title=doc.title,
        author=doc.seller_name,
    )
    dates = [f"Period {doc.period_start:%Y-%m-%d} to {doc.period_end:%Y-%m-%d}"]
    if doc.issue_date:
        dates.append(f"Issued {doc.issue_date:%Y-%m-%d}")
    if doc.due_date:
        dates.append(f"Due {doc.due_date:%Y-%m-%d}")
    story: list[object] = [
        _p(doc.seller_name or "—", s["seller"]),
        _p(doc.seller_address, s["body"]),
        Spacer(1, 10),
        _p(doc.title, s["title"]),
        _p(" · ".join(dates), s["body"]),
        Spacer(1, 6),
        _p("Bill to", s["section"]),
        _p(doc.client_name, s["body"]),
        Spacer(1, 10),
    ]
    widths = [3.45 * inch, 1.0 * inch, 0.8 * inch, 0.95 * inch, 1.1 * inch]
    header = [_p(t, s["head"]) for t in ("Description", "Quantity", "Unit", "Unit price", "Amount")]
    for section in doc.sections:
        rows = [
            [
                _p(line.description, s["cell"]),
                _p(_quantity(line.quantity), s["num"]),
                _p(line.unit, s["cell"]),
                _p(f"{line.unit_price:,.4f}", s["num"]),
                _p(f"{line.amount:,.2f}", s["num"]),
            ]
            for line in section.lines
        ]
        subtotal = [
            _p(f"Subtotal {section.title.lower()}", s["head"]),
            "",
            "",
            "",
            _p(f"{section.subtotal:,.2f}", s["numb"]),
        ]
        table = LongTable([header, *rows, subtotal], colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                    ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f4f4f4")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [_p(section.title, s["section"]), table, Spacer(1, 8)]
    totals = [[_p("Subtotal", s["head"]), _p(_money(doc.subtotal, doc.currency), s["numb"])]]
    if doc.tax_label or doc.tax_rate_percent:
        rate = f"{doc.tax_rate_percent.normalize():f}"
        label = f"{doc.tax_label or 'Tax'} {rate}%"
        totals.append([_p(label, s["head"]), _p(_money(doc.tax_amount, doc.currency), s["numb"])])
    totals.append([_p("Total", s["head"]), _p(_money(doc.total, doc.currency), s["numb"])])
    table = LongTable(totals, colWidths=[2.2 * inch, 1.6 * inch], hAlign="RIGHT")
    table.setStyle(TableStyle([("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black)]))
    story += [Spacer(1, 4), table, Spacer(1, 8)]
    story.append(
        _p(
            f"{doc.line_count} charge lines; every line with its source (order, ASN, carton, "
            "tracking code, SKU, date) is in the invoice's CSV.",
            s["body"],
        )
    )
    for number, amount in doc.credit_notes:
        story.append(_p(f"Credit note {number}: {_money(amount, doc.currency)}", s["body"]))

    def page_footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.setFont(document_fonts().regular, 8)
        canvas.drawRightString(
            letter[0] - 0.6 * inch, 0.4 * inch, f"{doc.title} · page {document.page}"
        )
        if not doc.number:
            canvas.setFont(document_fonts().bold, 10)
            canvas.drawString(0.6 * inch, 0.4 * inch, "DRAFT: not an invoice yet")

    pdf.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
    return buffer.getvalue()


CSV_COLUMNS = (
    "line_id",
    "date",
    "kind",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "amount",
    "currency",
    "event_id",
    "event_type",
    "order",
    "asn",
    "carton_sscc",
    "tracking_code",
    "sku",
    "storage_snapshot",
    "note",
)


@dataclass(frozen=True)
class CsvLine:
    line_id: int
    date: dt.date
    kind: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    event_id: int | None
    event_type: str
    order: str
    asn: str
    carton_sscc: str
    tracking_code: str
    sku: str
    storage_snapshot: int | None
    note: str


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell a spreadsheet would run as a formula is written as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def iter_invoice_csv(lines: Iterable[CsvLine], currency: str) -> Iterable[str]:
    """The header, then one row per charge line with its source, as text chunks to stream."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    yield out.getvalue()
    for line in lines:
        out.seek(0)
        out.truncate()
        writer.writerow(
            [
                _cell(value)
                for value in (
                    line.line_id,
                    line.date.isoformat(),
                    line.kind,
                    line.description,
                    line.quantity,
                    line.unit,
                    line.unit_price,
                    line.amount,
                    currency,
                    line.event_id,
                    line.event_type,
                    line.order,
                    line.asn,
                    line.carton_sscc,
                    line.tracking_code,
                    line.sku,
                    line.storage_snapshot,
                    line.note,
                )
            ]
        )
        yield out.getvalue()
