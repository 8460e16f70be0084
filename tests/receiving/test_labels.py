"""LPN and location labels: the PDFs carry the text and the barcodes that were asked for (read
back with pypdf, pdftotext and zbarimg at 300 dpi), the ZPL is exactly the known format, and SSCCs
get GS1's check digit. No database."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from inventory.gs1 import sscc_for
from receiving.labels import (
    LabelSize,
    LocationLabel,
    LpnLabel,
    location_label_zpl,
    location_labels_zpl,
    lpn_label_zpl,
    render_location_label_pdf,
    render_location_labels_pdf,
    render_lpn_label_pdf,
    zpl_code128,
    zpl_text,
)

ZBAR_NS = "{http://zbar.sourceforge.net/2008/barcode}"
SSCC = "106141411234567897"  # GS1's published SSCC-18 example

SERUM = LpnLabel(
    sscc=SSCC,
    lpn_code="PAL-000001",
    client_name="Łódź Outdoor Gear",
    sku="SERUM-50ML",
    description="Vitamin C face serum, 50 ml glass bottle with dropper",
    lot="S-2027-01",
    expiry=dt.date(2027, 1, 31),
    quantity=480,
    warehouse_code="EAST",
    gtin="10614141000415",
)
BIN = LocationLabel(warehouse_code="EAST", code="A-01-01", barcode="LOC-EAST-A-01-01")


def write(tmp_path: Path, name: str, pdf: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def decode_pages(pdf: Path) -> list[set[tuple[str, str, str]]]:
    """Per page, every (type, GS1 modifier, data) zbarimg reads from a 300 dpi render."""
    # Fails rather than skips: a label whose barcodes were never scanned is not tested.
    assert shutil.which("zbarimg"), "zbarimg is required (apt-get install zbar-tools)"
    assert shutil.which("pdftoppm"), "pdftoppm is required (apt-get install poppler-utils)"
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(prefix)], check=True)
    pages = []
    for png in sorted(pdf.parent.glob(f"{prefix.name}-*.png")):
        run = subprocess.run(["zbarimg", "--xml", "--quiet", str(png)], capture_output=True)
        root = ET.fromstring(run.stdout)
        symbols = set()
        for symbol in root.iter(f"{ZBAR_NS}symbol"):
            data_node = symbol.find(f"{ZBAR_NS}data")
            assert data_node is not None and data_node.text is not None
            data = data_node.text
            if data_node.get("format") == "base64":
                data = base64.b64decode(data).decode("ascii")
            symbols.add((symbol.get("type", ""), symbol.get("modifiers", ""), data))
        pages.append(symbols)
    return pages


def text_of(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def page_inches(pdf: Path) -> list[tuple[float, float]]:
    return [
        (float(page.mediabox.width) / 72, float(page.mediabox.height) / 72)
        for page in PdfReader(pdf).pages
    ]


# --- SSCC ---------------------------------------------------------------------------------------


def test_sscc_for_gives_gs1s_published_example() -> None:
    assert sscc_for(1, "0614141", 123456789) == "106141411234567897"


def test_sscc_for_zero_pads_the_serial_and_computes_the_check_digit() -> None:
    assert sscc_for(0, "0614141", 123456789) == "006141411234567890"
    assert sscc_for(3, "061414112345", 1) == "306141411234500010"  # digit sum 90: check 0


@pytest.mark.parametrize(
    ("extension", "prefix", "serial", "message"),
    [
        (1, "06141A1", 1, "digits only"),
        (1, "12345", 1, "6 to 12 digits"),
        (10, "0614141", 1, "0 to 9"),
        (1, "0614141", 10**9, "does not fit"),
        (1, "0614141", -1, "does not fit"),
    ],
)
def test_sscc_for_refuses_what_cannot_make_an_sscc(
    extension: int, prefix: str, serial: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        sscc_for(extension, prefix, serial)


def test_a_label_refuses_an_sscc_with_a_wrong_check_digit() -> None:
    with pytest.raises(ValueError, match="check digit"):
        LpnLabel(**{**SERUM.__dict__, "sscc": "106141411234567890"})


# --- LPN label PDF -------------------------------------------------------------------------------


def test_4x6_lpn_label_has_the_page_size_and_the_human_text(tmp_path: Path) -> None:
    pdf = write(tmp_path, "lpn.pdf", render_lpn_label_pdf(SERUM, LabelSize.FOUR_BY_SIX))

    text = text_of(pdf)
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout

    assert page_inches(pdf) == [(4.0, 6.0)]
    for expected in (
        "Łódź Outdoor Gear",
        "SERUM-50ML",
        "Vitamin C face serum",
        "S-2027-01",
        "2027-01-31",
        "480",
        "PAL-000001",
        "EAST",
        "(00) 1 0614141123456789 7",
        "(02)10614141000415(17)270131(37)480(10)S-2027-01",
    ):
        assert expected in text
        assert expected in layout


def test_4x6_lpn_label_scans_as_gs1_sscc_lpn_and_content(tmp_path: Path) -> None:
    pdf = write(tmp_path, "lpn.pdf", render_lpn_label_pdf(SERUM, LabelSize.FOUR_BY_SIX))

    assert decode_pages(pdf) == [
        {
            ("CODE-128", "GS1", "00" + SSCC),
            ("CODE-128", "", "PAL-000001"),
            # The variable-length (37) ends with the GS separator before (10).
            ("CODE-128", "GS1", "021061414100041517270131" + "37480\x1d" + "10S-2027-01"),
        }
    ]


def test_4x6_lpn_label_without_gtin_has_no_content_barcode(tmp_path: Path) -> None:
    label = LpnLabel(**{**SERUM.__dict__, "gtin": ""})
    pdf = write(tmp_path, "lpn.pdf", render_lpn_label_pdf(label, LabelSize.FOUR_BY_SIX))

    assert decode_pages(pdf) == [{("CODE-128", "GS1", "00" + SSCC), ("CODE-128", "", "PAL-000001")}]
    assert "(02)" not in text_of(pdf)


def test_4x2_lpn_label_has_the_page_size_text_and_scans(tmp_path: Path) -> None:
    pdf = write(tmp_path, "lpn.pdf", render_lpn_label_pdf(SERUM, LabelSize.FOUR_BY_TWO))

    text = text_of(pdf)

    assert page_inches(pdf) == [(4.0, 2.0)]
    for expected in (
        "Łódź Outdoor Gear",
        "SERUM-50ML",
        "LOT S-2027-01",
        "EXP 2027-01-31",
        "QTY 480",
        "PAL-000001",
        "(00) 1 0614141123456789 7",
    ):
        assert expected in text
    assert decode_pages(pdf) == [{("CODE-128", "GS1", "00" + SSCC), ("CODE-128", "", "PAL-000001")}]


def test_lpn_label_with_a_long_lpn_code_and_no_lot_still_scans(tmp_path: Path) -> None:
    label = LpnLabel(
        **{**SERUM.__dict__, "lpn_code": "LPN-EAST-2027-000000000123", "lot": "", "expiry": None}
    )
    pdf = write(tmp_path, "lpn.pdf", render_lpn_label_pdf(label, LabelSize.FOUR_BY_TWO))

    assert decode_pages(pdf) == [
        {("CODE-128", "GS1", "00" + SSCC), ("CODE-128", "", "LPN-EAST-2027-000000000123")}
    ]
    assert "LOT -" in text_of(pdf)
    assert "LPN LPN-EAST-2027-000000000123" in text_of(pdf)


# --- Location labels PDF -------------------------------------------------------------------------


def test_location_label_has_code_and_scans_as_code128_and_qr(tmp_path: Path) -> None:
    pdf = write(tmp_path, "bin.pdf", render_location_label_pdf(BIN))

    assert page_inches(pdf) == [(4.0, 2.0)]
    assert "A-01-01" in text_of(pdf)
    assert decode_pages(pdf) == [
        {("CODE-128", "", "LOC-EAST-A-01-01"), ("QR-Code", "", "LOC-EAST-A-01-01")}
    ]


def test_bulk_location_labels_print_one_page_per_location_in_order(tmp_path: Path) -> None:
    codes = ["A-01-01", "A-01-02", "B-12-04-C", "COLD-99-99-Z"]
    labels = [LocationLabel("EAST", code, f"LOC-EAST-{code}") for code in codes]
    pdf = write(tmp_path, "bins.pdf", render_location_labels_pdf(labels))

    assert page_inches(pdf) == [(4.0, 2.0)] * 4
    assert [page.extract_text().split("\n")[1] for page in PdfReader(pdf).pages] == codes
    assert decode_pages(pdf) == [
        {("CODE-128", "", f"LOC-EAST-{code}"), ("QR-Code", "", f"LOC-EAST-{code}")}
        for code in codes
    ]


def test_bulk_location_labels_refuse_an_empty_range() -> None:
    with pytest.raises(ValueError, match="No locations"):
        render_location_labels_pdf([])


def test_labels_refuse_barcodes_a_scanner_cannot_type() -> None:
    with pytest.raises(ValueError, match="printable ASCII"):
        LocationLabel("EAST", "A-01", "Ä-01")


# --- ZPL -----------------------------------------------------------------------------------------

TENT = LpnLabel(
    sscc=SSCC,
    lpn_code="PAL-000001",
    client_name="Acme Outdoor",
    sku="TENT-2P",
    description="Two-person tent",
    lot="L2027A",
    expiry=dt.date(2027, 1, 31),
    quantity=24,
    warehouse_code="EAST",
    gtin="10614141000415",
)


def test_4x6_lpn_label_zpl_is_the_known_format() -> None:
    assert lpn_label_zpl(TENT, LabelSize.FOUR_BY_SIX) == GOLDEN_4X6


def test_4x2_lpn_label_zpl_is_the_known_format() -> None:
    assert lpn_label_zpl(TENT, LabelSize.FOUR_BY_TWO) == GOLDEN_4X2


def test_location_label_zpl_is_the_known_format() -> None:
    assert location_label_zpl(BIN) == GOLDEN_BIN


def test_bulk_location_zpl_is_one_format_per_location() -> None:
    other = LocationLabel("EAST", "A-01-02", "LOC-EAST-A-01-02")

    zpl = location_labels_zpl([BIN, other])

    assert zpl == location_label_zpl(BIN) + location_label_zpl(other)
    assert zpl.count("^XA") == zpl.count("^XZ") == 2


def test_zpl_text_fields_escape_caret_tilde_and_underscore_as_hex() -> None:
    assert zpl_text("A^B~C_D\x07E") == "A_5EB_7EC_5FDE"


def test_zpl_code128_writes_caret_greater_and_tilde_as_invocation_codes() -> None:
    assert zpl_code128("A^1>2~") == ">:A><1>02>="


def test_zpl_of_a_name_with_caret_and_tilde_never_starts_a_command() -> None:
    label = LpnLabel(**{**TENT.__dict__, "client_name": "Caret^Tilde~Co", "lpn_code": "P^1~"})

    zpl = lpn_label_zpl(label, LabelSize.FOUR_BY_SIX)

    assert "^FDCaret_5ETilde_7ECo^FS" in zpl
    assert "^FD>:P><1>=^FS" in zpl
    assert "Caret^" not in zpl
    assert "~" not in zpl


GOLDEN_4X6 = """\
^XA
^CI28
^PW812^LL1218
^FO40,30^A0N,22,22^FH^FDCLIENT^FS
^FO40,56^A0N,44,44^FH^FDAcme Outdoor^FS
^FO620,56^A0N,40,40^FH^FDEAST^FS
^FO40,120^GB732,3,3^FS
^FO40,135^A0N,22,22^FH^FDSKU^FS
^FO40,162^A0N,60,60^FH^FDTENT-2P^FS
^FO40,232^A0N,28,28^FB732,2,0,L^FH^FDTwo-person tent^FS
^FO40,300^GB732,3,3^FS
^FO40,315^A0N,22,22^FH^FDLOT^FS
^FO40,345^A0N,36,36^FH^FDL2027A^FS
^FO340,315^A0N,22,22^FH^FDEXPIRY^FS
^FO340,345^A0N,36,36^FH^FD2027-01-31^FS
^FO600,315^A0N,22,22^FH^FDQTY^FS
^FO600,340^A0N,60,60^FH^FD24^FS
^FO40,420^GB732,3,3^FS
^FO40,432^A0N,22,22^FH^FDLPN^FS
^FO188,460^BY3^BCN,100,N,N,N^FD>:PAL-000001^FS
^FO0,570^A0N,32,32^FB812,1,0,C^FH^FDPAL-000001^FS
^FO40,615^GB732,3,3^FS
^FO40,627^A0N,22,22^FH^FDCONTENT^FS
^FO107,655^BY2^BCN,100,N,N,N,D^FD(02)10614141000415(17)270131(37)24(10)L2027A^FS
^FO0,762^A0N,24,24^FB812,1,0,C^FH^FD(02)10614141000415(17)270131(37)24(10)L2027A^FS
^FO40,800^GB732,3,3^FS
^FO40,815^A0N,22,22^FH^FDSSCC^FS
^FO94,850^BY4^BCN,254,N,N,N^FD>;>800106141411234567897^FS
^FO0,1120^A0N,40,40^FB812,1,0,C^FH^FD(00) 1 0614141123456789 7^FS
^XZ
"""
GOLDEN_4X2 = """\
^XA
^CI28
^PW812^LL406
^FO20,16^A0N,26,26^FH^FDAcme Outdoor^FS
^FO640,16^A0N,26,26^FH^FDEAST^FS
^FO20,50^A0N,40,40^FH^FDTENT-2P^FS
^FO20,94^A0N,20,20^FH^FDTwo-person tent^FS
^FO560,50^A0N,36,36^FH^FDQTY 24^FS
^FO560,92^A0N,22,22^FH^FDLOT L2027A^FS
^FO560,118^A0N,22,22^FH^FDEXP 2027-01-31^FS
^FO20,150^BY2^BCN,60,N,N,N^FD>:PAL-000001^FS
^FO460,168^A0N,28,28^FH^FDPAL-000001^FS
^FO172,230^BY3^BCN,124,N,N,N^FD>;>800106141411234567897^FS
^FO0,366^A0N,26,26^FB812,1,0,C^FH^FD(00) 1 0614141123456789 7^FS
^XZ
"""
GOLDEN_BIN = """\
^XA
^CI28
^PW812^LL406
^FO20,16^A0N,30,30^FH^FDEAST^FS
^FO20,70^A0N,100,100^FH^FDA-01-01^FS
^FO20,180^A0N,24,24^FH^FDLOC-EAST-A-01-01^FS
^FO560,10^BQN,2,6^FH^FDMA,LOC-EAST-A-01-01^FS
^FO195,280^BY2^BCN,100,N,N,N^FD>:LOC-EAST-A-01-01^FS
^XZ
"""
