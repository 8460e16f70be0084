"""Shipping documents as reportlab PDFs: the packing slip that goes in the box and the 4x6 carton
content label with its SSCC as a GS1-128 barcode.

Pure rendering from the plain dataclasses below, never from ORM rows, so whatever packs (the
order side, an API client, a test) can feed them. Names print in DejaVu Sans when installed
(wms.pdf.document_fonts), so Ł, Ж or 中 come out as letters; without it Helvetica prints
Latin-1 only. SSCC numbers and their GS1 element string come from receiving.labels, the one
place the project makes them."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from inventory.gs1 import is_valid_sscc, sscc_element_string, sscc_text
from picking.services.orders import ShipTo
from wms.pdf import document_fonts

DEFAULT_RETURNS_NOTE = (
    "Returns: keep this slip. Contact us within 30 days quoting the order reference, and we "
    "will send you a return label."
)
CARTON_LABEL_SIZE = (4 * inch, 6 * inch)
# GS1 logistic label: X-dimension about 0.495 mm, bars at least 31.75 mm tall.
SSCC_BAR_WIDTH = 0.0195 * inch
SSCC_BAR_HEIGHT = 32 * mm


@dataclass(frozen=True)
class SlipLine:
    sku: str
    name: str
    quantity: int
    lot: str = ""


@dataclass(frozen=True)
class PackingSlip:
    branding_name: str  # the client's brand, not the 3PL's
    order_reference: str
    ship_to: ShipTo
    lines: Sequence[SlipLine]
    carton_count: int
    ship_date: dt.date | None = None
    returns_note: str = DEFAULT_RETURNS_NOTE


@dataclass(frozen=True)
class CartonContent:
    sku: str
    quantity: int
    lot: str = ""


@dataclass(frozen=True)
class CartonLabel:
    sscc: str
    client_name: str
    order_reference: str
    carton_number: int
    carton_count: int
    ship_to: ShipTo
    contents: Sequence[CartonContent] = field(default_factory=tuple)
    weight_g: int | None = None

    def __post_init__(self) -> None:
        if not is_valid_sscc(self.sscc):
            raise ValueError(f"{self.sscc!r} is not an SSCC-18 with a valid check digit.")
        if not 1 <= self.carton_number <= self.carton_count:
            raise ValueError(
                f"Carton {self.carton_number} of {self.carton_count}: the number must lie "
                "between 1 and the count."
            )


# --- Packing slip ------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    fonts = document_fonts()
    return {
        "brand": ParagraphStyle("brand", fontName=fonts.bold, fontSize=18, leading=22),
        "title": ParagraphStyle("title", fontName=fonts.bold, fontSize=12, leading=15),
        "body": ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=12),
        "cell": ParagraphStyle("cell", fontName=fonts.regular, fontSize=9, leading=11),
        "head": ParagraphStyle("head", fontName=fonts.bold, fontSize=9, leading=11),
        "note": ParagraphStyle("note", fontName=fonts.regular, fontSize=8.5, leading=11),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def render_packing_slip_pdf(slip: PackingSlip) -> bytes:
    """A letter-size slip: brand, order reference, date, carton count, ship-to, then one row per
    line (SKU, item, lot, quantity) in a table whose header repeats on every page, the total
    units and the returns note. Long names wrap inside their cell."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.7 * inch,
        title=f"Packing slip {slip.order_reference}",
        author=slip.branding_name,
    )
    facts = [f"Order {slip.order_reference}"]
    if slip.ship_date is not None:
        facts.append(f"Shipped {slip.ship_date.isoformat()}")
    facts.append(f"Cartons: {slip.carton_count}")
    story: list[object] = [
        _p(slip.branding_name, styles["brand"]),
        _p("Packing slip", styles["title"]),
        _p(" · ".join(facts), styles["body"]),
        Spacer(1, 10),
        _p("Ship to", styles["title"]),
        *[_p(line, styles["body"]) for line in slip.ship_to.lines()],
        Spacer(1, 12),
    ]
    header = [_p(text, styles["head"]) for text in ("SKU", "Item", "Lot", "Qty")]
    rows = [
        [
            _p(line.sku, styles["cell"]),
            _p(line.name, styles["cell"]),
            _p(line.lot or "-", styles["cell"]),
            _p(str(line.quantity), styles["cell"]),
        ]
        for line in slip.lines
    ]
    table = LongTable([header, *rows], colWidths=[1.5 * inch, 3.6 * inch, 1.4 * inch, 0.8 * inch],
                      repeatRows=1)  # fmt: skip
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
            ]
        )
    )
    total = sum(line.quantity for line in slip.lines)
    story += [
        table,
        Spacer(1, 8),
        _p(f"{len(slip.lines)} lines, {total} units", styles["body"]),
        Spacer(1, 14),
        _p(slip.returns_note, styles["note"]),
    ]

    def page_footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.setFont(document_fonts().regular, 8)
        canvas.drawRightString(
            letter[0] - 0.6 * inch,
            0.4 * inch,
            f"{slip.order_reference} · page {document.page}",
        )

    doc.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
    return buffer.getvalue()


# --- Carton content label ----------------------------------------------------------------------

MAX_CONTENT_ROWS = 6


def render_carton_label_pdf(label: CartonLabel) -> bytes:
    """A 4x6 in label: client, ship-to, order reference, "carton n of m", what is inside (the
    first lines, then how many more), and the SSCC as a GS1-128 barcode with its readable form."""
    fonts = document_fonts()
    width, height = CARTON_LABEL_SIZE
    margin = 0.2 * inch
    usable = width - 2 * margin
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=CARTON_LABEL_SIZE)
    c.setTitle(f"Carton {label.sscc}")

    y = height - margin - 14
    c.setFont(fonts.bold, 14)
    c.drawString(margin, y, _cut(label.client_name, fonts.bold, 14, usable))
    y -= 16
    c.setFont(fonts.regular, 8)
    c.drawString(margin, y, "SHIP TO")
    y -= 13
    for index, line in enumerate(label.ship_to.lines()):
        font, size = (fonts.bold, 12) if index == 0 else (fonts.regular, 10)
        c.setFont(font, size)
        c.drawString(margin, y, _cut(line, font, size, usable))
        y -= size + 3
    c.line(margin, y, width - margin, y)
    y -= 18
    c.setFont(fonts.bold, 13)
    c.drawString(margin, y, _cut(f"Order {label.order_reference}", fonts.bold, 13, usable * 0.6))
    c.drawRightString(width - margin, y, f"Carton {label.carton_number} of {label.carton_count}")
    if label.weight_g is not None:
        y -= 13
        c.setFont(fonts.regular, 9)
        c.drawString(margin, y, f"Gross weight {label.weight_g / 1000:.2f} kg")
    y -= 16
    c.setFont(fonts.regular, 8)
    c.drawString(margin, y, "CONTENTS")
    for item in label.contents[:MAX_CONTENT_ROWS]:
        y -= 11
        text = f"{item.quantity} x {item.sku}" + (f"  lot {item.lot}" if item.lot else "")
        c.setFont(fonts.regular, 9)
        c.drawString(margin, y, _cut(text, fonts.regular, 9, usable))
    if len(label.contents) > MAX_CONTENT_ROWS:
        y -= 11
        c.drawString(margin, y, f"… and {len(label.contents) - MAX_CONTENT_ROWS} more lines")

    barcode = Code128(
        sscc_element_string(label.sscc), barWidth=SSCC_BAR_WIDTH, barHeight=SSCC_BAR_HEIGHT
    )
    bar_y = margin + 18
    barcode.drawOn(c, (width - barcode.width) / 2, bar_y)
    c.setFont(fonts.bold, 11)
    c.drawCentredString(width / 2, margin + 4, sscc_text(label.sscc))
    c.setFont(fonts.regular, 7)
    c.drawString(margin, bar_y + SSCC_BAR_HEIGHT + 4, "SSCC")
    c.showPage()
    c.save()
    return buffer.getvalue()


def _cut(text: str, font: str, size: float, max_width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while len(text) > 1 and stringWidth(text, font, size) > max_width:
        text = text[:-2] + "…"
    return text
