"""LPN and location labels: SSCC numbers, PDF (reportlab) and ZPL (Zebra) output.

Pure rendering: the inputs are the plain dataclasses below (receiving.label_data builds them from
the inventory models), the outputs are bytes or text. Sizes: LPN labels 4x6 in (the GS1 logistic
label) and 4x2 in; location (bin) labels 4x2 in, one label per page, because label printers feed
one label per page. ZPL targets 203 dpi printers (812 dots across 4 in).

GS1 numbers are inventory.gs1's; fonts wms.pdf's (DejaVu Sans, for names in any script)."""

from __future__ import annotations

import datetime
import enum
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from inventory.gs1 import (
    FNC1,
    check_digit,
    is_valid_sscc,
    sscc_element_string,
    sscc_text,
)
from wms.pdf import document_fonts

# Lots that print in a GS1 element string without escaping in either PDF or ZPL's UCC mode
# (which reads parentheses as AI delimiters). Others are still printed, only not encoded.
_SAFE_LOT = re.compile(r"[0-9A-Za-z\-./]{1,20}")


# --- Label data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LpnLabel:
    """What an LPN label shows. `gtin` (14 digits) is optional: with it the 4x6 label carries a
    second GS1-128 with (02) GTIN, (17) expiry, (37) count and (10) lot."""

    sscc: str
    lpn_code: str
    client_name: str
    sku: str
    description: str
    lot: str
    expiry: datetime.date | None
    quantity: int
    warehouse_code: str
    gtin: str = ""

    def __post_init__(self) -> None:
        if not is_valid_sscc(self.sscc):
            raise ValueError(f"{self.sscc!r} is not an 18-digit SSCC with a valid check digit.")
        if self.gtin and not (
            len(self.gtin) == 14
            and self.gtin.isdigit()
            and check_digit(self.gtin[:13]) == int(self.gtin[13])
        ):
            raise ValueError(f"{self.gtin!r} is not a 14-digit GTIN with a valid check digit.")
        _check_code128(self.lpn_code, "LPN code")


@dataclass(frozen=True)
class LocationLabel:
    warehouse_code: str
    code: str
    barcode: str

    def __post_init__(self) -> None:
        _check_code128(self.barcode, "location barcode")


def _check_code128(value: str, what: str) -> None:
    # Code 128 subsets A/B carry ASCII 32-126 (controls aside); scanners type what they read, so
    # anything else would not round-trip through a handheld.
    if not value or not all(32 <= ord(ch) <= 126 for ch in value):
        raise ValueError(f"The {what} {value!r} must be printable ASCII to be a Code 128.")


def content_elements(label: LpnLabel) -> list[tuple[str, str]]:
    """The (AI, value) pairs of the optional content barcode, fixed-length ones first and the
    variable-length lot last, so it needs at most one FNC1 separator. Empty without a GTIN."""
    if not label.gtin:
        return []
    elements = [("02", label.gtin)]
    if label.expiry is not None:
        elements.append(("17", label.expiry.strftime("%y%m%d")))
    if label.quantity > 0:
        elements.append(("37", str(label.quantity)))
    if _SAFE_LOT.fullmatch(label.lot):
        elements.append(("10", label.lot))
    return elements


def content_element_string(elements: list[tuple[str, str]]) -> str:
    data = FNC1
    for index, (ai, value) in enumerate(elements):
        data += ai + value
        if ai in {"37", "10"} and index < len(elements) - 1:
            data += FNC1  # variable length: separate from the next element
    return data


def content_text(elements: list[tuple[str, str]]) -> str:
    return "".join(f"({ai}){value}" for ai, value in elements)


def _expiry_text(expiry: datetime.date | None) -> str:
    return expiry.isoformat() if expiry else "-"


# --- PDF ----------------------------------------------------------------------------------------


class LabelSize(enum.Enum):
    FOUR_BY_SIX = (4.0, 6.0)
    FOUR_BY_TWO = (4.0, 2.0)

    @property
    def points(self) -> tuple[float, float]:
        width, height = self.value
        return width * inch, height * inch


def _fit(text: str, font: str, size: float, max_width: float, min_size: float) -> tuple[str, float]:
    """Shrinks `text` down to `min_size` to fit `max_width`, then cuts it with an ellipsis."""
    while size > min_size and pdfmetrics.stringWidth(text, font, size) > max_width:
        size -= 0.5
    while len(text) > 1 and pdfmetrics.stringWidth(text, font, size) > max_width:
        text = text[:-2] + "…"
    return text, size


def _text(
    c: Canvas,
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    max_width: float,
    *,
    align: str = "left",
    min_size: float = 6,
) -> None:
    text, size = _fit(text, font, size, max_width, min_size)
    c.setFont(font, size)
    if align == "right":
        c.drawRightString(x, y, text)
    elif align == "center":
        c.drawCentredString(x, y, text)
    else:
        c.drawString(x, y, text)


def _code128(
    c: Canvas, data: str, x: float | None, y: float, height: float, bar_width: float, fit: float
) -> float:
    """Draws a Code 128 at (x, y), centred on the page when x is None; narrows the bars (never
    below 0.008 in, 2.4 px at 300 dpi) to fit `fit` points. Returns the symbol's width."""
    bar_width = bar_width * inch
    barcode = Code128(data, barWidth=bar_width, barHeight=height)
    while barcode.width > fit and bar_width > 0.008 * inch:
        bar_width -= 0.0005 * inch
        barcode = Code128(data, barWidth=bar_width, barHeight=height)
    left = (_page_width(c) - barcode.width) / 2 if x is None else x
    barcode.drawOn(c, left, y)
    return float(barcode.width)


def _page_width(c: Canvas) -> float:
    return float(c._pagesize[0])  # reportlab keeps the page size only on this attribute


def _qr(c: Canvas, value: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(value, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    width, height = right - left, top - bottom
    drawing = Drawing(size, size, transform=[size / width, 0, 0, size / height, 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def _caption(c: Canvas, x: float, y: float, text: str) -> None:
    c.setFont(document_fonts().regular, 6.5)
    c.drawString(x, y, text)


def _draw_lpn_4x6(c: Canvas, label: LpnLabel) -> None:
    fonts = document_fonts()
    width, height = LabelSize.FOUR_BY_SIX.points
    m = 14.0
    inner = width - 2 * m
    c.setLineWidth(1)

    _caption(c, m, height - m - 6, "CLIENT")
    _caption(c, width - m - 40, height - m - 6, "WAREHOUSE")
    _text(c, m, height - m - 24, label.client_name, fonts.bold, 16, inner - 70)
    _text(c, width - m, height - m - 24, label.warehouse_code, fonts.bold, 14, 60, align="right")
    c.line(m, 386, width - m, 386)

    _caption(c, m, 376, "SKU")
    _text(c, m, 356, label.sku, fonts.bold, 22, inner)
    c.setFont(fonts.regular, 10)
    for i, line in enumerate(simpleSplit(label.description, fonts.regular, 10, inner)[:2]):
        c.drawString(m, 341 - i * 12, line)
    c.line(m, 322, width - m, 322)

    columns = ((m, "LOT", label.lot or "-"), (m + 108, "EXPIRY", _expiry_text(label.expiry)))
    for x, caption, value in columns:
        _caption(c, x, 312, caption)
        _text(c, x, 294, value, fonts.bold, 13, 100)
    _caption(c, m + 210, 312, "QTY")
    _text(c, width - m, 290, str(label.quantity), fonts.bold, 22, inner - 210, align="right")
    c.line(m, 282, width - m, 282)

    _caption(c, m, 272, "LPN")
    _code128(c, label.lpn_code, None, 226, 40, 0.015, inner)
    _text(c, width / 2, 213, label.lpn_code, fonts.bold, 11, inner, align="center")
    c.line(m, 204, width - m, 204)

    elements = content_elements(label)
    if elements:
        _caption(c, m, 194, "CONTENT")
        _code128(c, content_element_string(elements), None, 150, 40, 0.013, inner)
        _text(c, width / 2, 139, content_text(elements), fonts.regular, 8, inner, align="center")
        c.line(m, 132, width - m, 132)

    # GS1 logistic label: X about 0.495 mm (0.0195 in) and bars at least 31.75 mm (1.25 in) high.
    _caption(c, m, 122, "SSCC")
    _code128(c, sscc_element_string(label.sscc), None, 28, 1.25 * inch - 2, 0.0195, width - 8)
    _text(c, width / 2, 14, sscc_text(label.sscc), fonts.bold, 12, inner, align="center")


def _draw_lpn_4x2(c: Canvas, label: LpnLabel) -> None:
    fonts = document_fonts()
    width, _ = LabelSize.FOUR_BY_TWO.points
    m = 8.0
    right = width - m
    _text(c, m, 130, label.client_name, fonts.bold, 9, 190)
    _text(c, right, 130, label.warehouse_code, fonts.bold, 9, 70, align="right")
    _text(c, m, 114, label.sku, fonts.bold, 14, 180)
    _text(c, m, 104, label.description, fonts.regular, 7, 180)
    _text(c, right, 113, f"QTY {label.quantity}", fonts.bold, 13, 85, align="right")
    _text(c, right, 102, f"LOT {label.lot or '-'}", fonts.regular, 8, 85, align="right")
    _text(c, right, 93, f"EXP {_expiry_text(label.expiry)}", fonts.regular, 8, 85, align="right")

    # The LPN code's text sits above its bars, left of the lot and expiry, so that a long code
    # keeps the whole width for its bars.
    _text(c, m, 91, f"LPN {label.lpn_code}", fonts.bold, 8, 180)
    _code128(c, label.lpn_code, None, 65, 19, 0.011, width - 8)

    # Below the 4x6's GS1 X-dimension, but scans at 300 dpi and from handhelds at arm's length.
    _code128(c, sscc_element_string(label.sscc), None, 16, 43, 0.015, width - 8)
    _text(c, width / 2, 6, sscc_text(label.sscc), fonts.bold, 8, width - 2 * m, align="center")


def render_lpn_label_pdf(label: LpnLabel, size: LabelSize = LabelSize.FOUR_BY_SIX) -> bytes:
    """One LPN label as a one-page PDF of exactly `size`."""
    out = io.BytesIO()
    c = Canvas(out, pagesize=size.points)
    c.setTitle(f"LPN {label.lpn_code}")
    if size is LabelSize.FOUR_BY_SIX:
        _draw_lpn_4x6(c, label)
    else:
        _draw_lpn_4x2(c, label)
    c.showPage()
    c.save()
    return out.getvalue()


def _draw_location(c: Canvas, label: LocationLabel) -> None:
    fonts = document_fonts()
    width, height = LabelSize.FOUR_BY_TWO.points
    m = 8.0
    qr_size = 1.3 * inch
    text_width = width - 2 * m - qr_size - 6
    _qr(c, label.barcode, width - m - qr_size + 4, height - m - qr_size + 4, qr_size)
    _text(c, m, 124, label.warehouse_code, fonts.regular, 10, text_width)
    _text(c, m, 86, label.code, fonts.bold, 34, text_width, min_size=12)
    _text(c, m, 70, label.barcode, fonts.regular, 8, text_width)
    _code128(c, label.barcode, None, 8, 0.42 * inch, 0.013, width - 8)


def render_location_labels_pdf(labels: Iterable[LocationLabel]) -> bytes:
    """Bin labels, 4x2 in, one per page in the given order (a label printer's roll)."""
    out = io.BytesIO()
    c = Canvas(out, pagesize=LabelSize.FOUR_BY_TWO.points)
    c.setTitle("Location labels")
    pages = 0
    for label in labels:
        _draw_location(c, label)
        c.showPage()
        pages += 1
    if pages == 0:
        raise ValueError("No locations to print.")
    c.save()
    return out.getvalue()


def render_location_label_pdf(label: LocationLabel) -> bytes:
    return render_location_labels_pdf([label])


# --- ZPL ----------------------------------------------------------------------------------------

ZPL_DPI = 203


def zpl_text(value: str) -> str:
    """Field data for a text field printed with ^FH: ^ and ~ would start a command, so they and
    the hex escape character _ itself go as _XX hex; control characters are dropped."""
    value = "".join(ch for ch in value if ch.isprintable())
    return value.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def zpl_code128(value: str) -> str:
    """Field data for ^BC in subset B. ^, > and ~ cannot be written directly there; the ZPL II
    guide's invocation codes give them: >< (value 62, "^"), >0 (value 30, ">"), >= (94, "~")."""
    _check_code128(value, "Code 128 value")
    swaps = {"^": "><", ">": ">0", "~": ">="}
    return ">:" + "".join(swaps.get(ch, ch) for ch in value)


def _zpl_field(x: int, y: int, height: int, value: str, *, block: int = 0) -> str:
    # ^FB with one line clips nothing, so callers pass text already cut to fit; it is used only to
    # right-align or centre within `block` dots.
    fb = f"^FB{block},1,0,C" if block else ""
    return f"^FO{x},{y}^A0N,{height},{height}{fb}^FH^FD{zpl_text(value)}^FS"


def _cut(value: str, limit: int) -> str:
    # ASCII only: the printer's built-in font 0 may lack an ellipsis.
    return value if len(value) <= limit else value[: limit - 3] + "..."


ZPL_WIDTH = 812  # 4 in at 203 dpi
ZPL_MARGIN = 20


def _zpl_barcode(y: int, height: int, data: str, modules: int, module: int, mode: str = "") -> str:
    """A ^BC centred across the label with the widest module (^BY, in dots) up to `module` that
    fits; "" when even 1-dot bars (0.005 in, not reliably scannable) would not fit."""
    while module > 1 and modules * module > ZPL_WIDTH - 2 * ZPL_MARGIN:
        module -= 1
    if modules * module > ZPL_WIDTH - 2 * ZPL_MARGIN:
        return ""
    x = (ZPL_WIDTH - modules * module) // 2
    return f"^FO{x},{y}^BY{module}^BCN,{height},N,N,N{mode}^FD{data}^FS"


def _modules_b(value: str) -> int:
    # Subset B throughout: start, one symbol per character, check, 11 modules each; stop is 13.
    return 11 * (len(value) + 2) + 13


SSCC_MODULES = 11 * 13 + 13  # start C, FNC1, ten digit pairs, check; stop


def _zpl_sscc(y: int, height: int, sscc: str, module: int) -> str:
    # >; starts subset C, >8 is FNC1: the GS1-128 flag, then AI 00 and the 18 digits as pairs.
    return _zpl_barcode(y, height, f">;>800{sscc}", SSCC_MODULES, module)


def _zpl_content(y: int, elements: list[tuple[str, str]]) -> str:
    # UCC/EAN mode D: the printer adds FNC1s and picks subsets from the (AI) parentheses.
    modules = int(Code128(content_element_string(elements), barWidth=1, quiet=0).width)
    return _zpl_barcode(y, 100, content_text(elements), modules, 2, mode=",D")


def _lpn_zpl_4x6(label: LpnLabel) -> list[str]:
    parts = [
        "^PW812^LL1218",
        _zpl_field(40, 30, 22, "CLIENT"),
        _zpl_field(40, 56, 44, _cut(label.client_name, 28)),
        _zpl_field(620, 56, 40, _cut(label.warehouse_code, 8)),
        "^FO40,120^GB732,3,3^FS",
        _zpl_field(40, 135, 22, "SKU"),
        _zpl_field(40, 162, 60, _cut(label.sku, 22)),
        f"^FO40,232^A0N,28,28^FB732,2,0,L^FH^FD{zpl_text(_cut(label.description, 100))}^FS",
        "^FO40,300^GB732,3,3^FS",
        _zpl_field(40, 315, 22, "LOT"),
        _zpl_field(40, 345, 36, _cut(label.lot or "-", 14)),
        _zpl_field(340, 315, 22, "EXPIRY"),
        _zpl_field(340, 345, 36, _expiry_text(label.expiry)),
        _zpl_field(600, 315, 22, "QTY"),
        _zpl_field(600, 340, 60, str(label.quantity)),
        "^FO40,420^GB732,3,3^FS",
        _zpl_field(40, 432, 22, "LPN"),
        _zpl_barcode(460, 100, zpl_code128(label.lpn_code), _modules_b(label.lpn_code), 3),
        _zpl_field(0, 570, 32, label.lpn_code, block=812),
        "^FO40,615^GB732,3,3^FS",
    ]
    elements = content_elements(label)
    content = _zpl_content(655, elements) if elements else ""
    if content:
        parts += [
            _zpl_field(40, 627, 22, "CONTENT"),
            content,
            _zpl_field(0, 762, 24, content_text(elements), block=812),
            "^FO40,800^GB732,3,3^FS",
        ]
    # ^BY4 is 0.0197 in per module (GS1 X about 0.0195 in); 254 dots = 1.25 in of bar height.
    parts += [
        _zpl_field(40, 815, 22, "SSCC"),
        _zpl_sscc(850, 254, label.sscc, 4),
        _zpl_field(0, 1120, 40, sscc_text(label.sscc), block=812),
    ]
    return parts


def _lpn_zpl_4x2(label: LpnLabel) -> list[str]:
    lpn_bars = f"^FO20,150^BY2^BCN,60,N,N,N^FD{zpl_code128(label.lpn_code)}^FS"
    return [
        "^PW812^LL406",
        _zpl_field(20, 16, 26, _cut(label.client_name, 32)),
        _zpl_field(640, 16, 26, _cut(label.warehouse_code, 8)),
        _zpl_field(20, 50, 40, _cut(label.sku, 22)),
        _zpl_field(20, 94, 20, _cut(label.description, 48)),
        _zpl_field(560, 50, 36, f"QTY {label.quantity}"),
        _zpl_field(560, 92, 22, _cut(f"LOT {label.lot or '-'}", 20)),
        _zpl_field(560, 118, 22, f"EXP {_expiry_text(label.expiry)}"),
        # Left-aligned beside its text; codes over 15 characters would run into the text, and
        # narrower bars would not scan, so such a 4x2 label carries the LPN code as text only.
        lpn_bars if len(label.lpn_code) <= 15 else "",
        _zpl_field(460, 168, 28, _cut(label.lpn_code, 22)),
        _zpl_sscc(230, 124, label.sscc, 3),
        _zpl_field(0, 366, 26, sscc_text(label.sscc), block=812),
    ]


def _zpl_format(parts: list[str]) -> str:
    # Line breaks between commands are ignored by the printer and keep the text diffable.
    return "\n".join(["^XA", "^CI28", *(part for part in parts if part), "^XZ"]) + "\n"


def lpn_label_zpl(label: LpnLabel, size: LabelSize = LabelSize.FOUR_BY_SIX) -> str:
    """One LPN label as ZPL II for a 203 dpi Zebra: ^CI28 (UTF-8 text), the SSCC as GS1-128
    (subset C, FNC1, 00 and the SSCC), the LPN code as Code 128 subset B."""
    parts = _lpn_zpl_4x6(label) if size is LabelSize.FOUR_BY_SIX else _lpn_zpl_4x2(label)
    return _zpl_format(parts)


def location_label_zpl(label: LocationLabel) -> str:
    """A 4x2 in bin label as ZPL: the code in text as large as fits left of the QR (error level
    M) of the barcode, and the barcode as Code 128 across the bottom."""
    code = _cut(label.code, 32)
    code_height = min(100, 900 // len(code))
    return _zpl_format(
        [
            "^PW812^LL406",
            _zpl_field(20, 16, 30, _cut(label.warehouse_code, 16)),
            _zpl_field(20, 70, code_height, code),
            _zpl_field(20, 180, 24, _cut(label.barcode, 34)),
            f"^FO560,10^BQN,2,6^FH^FDMA,{zpl_text(label.barcode)}^FS",
            _zpl_barcode(280, 100, zpl_code128(label.barcode), _modules_b(label.barcode), 2),
        ]
    )


def location_labels_zpl(labels: Iterable[LocationLabel]) -> str:
    """Many bin labels, one ^XA…^XZ format each, in the given order."""
    return "".join(location_label_zpl(label) for label in labels)
