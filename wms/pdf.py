"""What every PDF the app renders shares (labels, slips, manifests, invoices): its fonts.

Names are printed with DejaVu Sans (Debian's fonts-dejavu-core) so that non-Latin-1 names (Ł, Ж,
中 …) come out as letters. If that font is absent the PDF falls back to base-14 Helvetica, which
only covers Latin-1: such characters then print as blanks or boxes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEJAVU_DIR = "/usr/share/fonts/truetype/dejavu"


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str


@cache
def document_fonts() -> Fonts:
    """DejaVu Sans (registered once) if installed, else Helvetica (Latin-1 only)."""
    regular, bold = (os.path.join(DEJAVU_DIR, f) for f in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))
    if not (os.path.exists(regular) and os.path.exists(bold)):
        return Fonts("Helvetica", "Helvetica-Bold")
    pdfmetrics.registerFont(TTFont("LabelSans", regular))
    pdfmetrics.registerFont(TTFont("LabelSans-Bold", bold))
    return Fonts("LabelSans", "LabelSans-Bold")
