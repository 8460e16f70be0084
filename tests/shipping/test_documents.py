"""Packing slips and carton labels, read back: text with pypdf and pdftotext (per page, so the
repeated table header shows), and the SSCC barcode scanned with zbarimg at 300 dpi with its GS1
flag. No database."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from inventory.gs1 import sscc_for
from shipping.documents import (
    DEFAULT_RETURNS_NOTE,
    CartonContent,
    CartonLabel,
    PackingSlip,
    ShipTo,
    SlipLine,
    render_carton_label_pdf,
    render_packing_slip_pdf,
)
from tests.receiving.test_labels import decode_pages

SSCC = "106141411234567897"  # GS1's published SSCC-18 example
SHIP_TO = ShipTo(
    name="Łucja Żółkiewska",
    company="Гастроном №1",
    street1="ul. Piotrkowska 12",
    city="Łódź",
    postal_code="90-001",
    country="PL",
)


def slip(lines: list[SlipLine]) -> PackingSlip:
    return PackingSlip(
        branding_name="Brightside Beauty",
        order_reference="SO-2025-0042",
        ship_to=SHIP_TO,
        lines=lines,
        carton_count=3,
        ship_date=dt.date(2025, 3, 3),
    )


def pages_text(pdf: bytes, tmp_path: Path) -> list[str]:
    assert shutil.which("pdftotext"), "pdftotext is required (apt-get install poppler-utils)"
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return run.stdout.split("\f")[:-1]


def test_packing_slip_carries_brand_order_ship_to_lines_and_returns_note() -> None:
    pdf = render_packing_slip_pdf(
        slip(
            [
                SlipLine("SERUM-50", "Vitamin C serum 50 ml", 2, lot="S-2027-01"),
                SlipLine("MUG-BLUE", "Кружка синяя (blue mug)", 1),
            ]
        )
    )
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert reader.metadata is not None
    assert reader.metadata.title == "Packing slip SO-2025-0042"
    assert len(reader.pages) == 1
    for expected in [
        "Brightside Beauty",
        "Packing slip",
        "Order SO-2025-0042 · Shipped 2025-03-03 · Cartons: 3",
        "Łucja Żółkiewska",
        "Гастроном №1",
        "Łódź 90-001",
        "SERUM-50",
        "Vitamin C serum 50 ml",
        "S-2027-01",
        "Кружка синяя (blue mug)",
        "2 lines, 3 units",
        "SO-2025-0042 · page 1",
    ]:
        assert expected in text, expected
    assert " ".join(DEFAULT_RETURNS_NOTE.split()) in " ".join(text.split())


def test_long_slip_repeats_the_table_header_on_every_page(tmp_path: Path) -> None:
    lines = [SlipLine(f"SKU-{n:03d}", f"Item number {n}", n % 5 + 1) for n in range(120)]
    pages = pages_text(render_packing_slip_pdf(slip(lines)), tmp_path)

    assert len(pages) == 4
    for number, page in enumerate(pages, start=1):
        header = next(line for line in page.splitlines() if "SKU" in line and "Qty" in line)
        assert header.split() == ["SKU", "Item", "Lot", "Qty"]
        assert f"SO-2025-0042 · page {number}" in page
    everything = "\n".join(pages)
    assert all(f"SKU-{n:03d}" in everything for n in range(120))
    assert "120 lines, 360 units" in pages[-1]


def test_carton_label_is_4x6_with_a_scannable_gs1_sscc(tmp_path: Path) -> None:
    label = CartonLabel(
        sscc=SSCC,
        client_name="Brightside Beauty",
        order_reference="SO-2025-0042",
        carton_number=2,
        carton_count=3,
        ship_to=SHIP_TO,
        contents=[CartonContent(f"SKU-{n}", n + 1, lot="L1" if n == 0 else "") for n in range(8)],
        weight_g=2350,
    )
    pdf = render_carton_label_pdf(label)
    path = tmp_path / "carton.pdf"
    path.write_bytes(pdf)

    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    assert (float(box.width) / 72, float(box.height) / 72) == (4.0, 6.0)
    text = reader.pages[0].extract_text()
    for expected in [
        "Brightside Beauty",
        "Łucja Żółkiewska",
        "Order SO-2025-0042",
        "Carton 2 of 3",
        "Gross weight 2.35 kg",
        "1 x SKU-0  lot L1",
        "6 x SKU-5",
        "… and 2 more lines",
        "(00) 1 0614141123456789 7",
    ]:
        assert expected in text, expected
    assert "SKU-6" not in text
    assert decode_pages(path) == [{("CODE-128", "GS1", "00" + SSCC)}]


def test_carton_label_takes_an_sscc_made_by_the_receiving_helper(tmp_path: Path) -> None:
    sscc = sscc_for(0, "0614141", 42)
    label = CartonLabel(sscc, "Acme", "SO-1", 1, 1, SHIP_TO)
    path = tmp_path / "one.pdf"
    path.write_bytes(render_carton_label_pdf(label))
    assert decode_pages(path) == [{("CODE-128", "GS1", "00" + sscc)}]


def test_bad_carton_labels_are_refused() -> None:
    with pytest.raises(ValueError, match="valid check digit"):
        CartonLabel("106141411234567890", "Acme", "SO-1", 1, 1, SHIP_TO)
    with pytest.raises(ValueError, match="Carton 4 of 3"):
        CartonLabel(SSCC, "Acme", "SO-1", 4, 3, SHIP_TO)
