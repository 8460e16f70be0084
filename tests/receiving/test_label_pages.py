"""Label downloads for signed-in users (/labels/): LPN and bin labels as PDF (decoded with pypdf)
and ZPL, scoped like the rest of the floor; bulk bin labels for a range of codes."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from inventory.models import Location, Lpn
from tests.factories import LocationFactory, UserFactory, ZoneFactory, give_scope
from tests.helpers import text_by_id, visible_text

pytestmark = pytest.mark.django_db


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_lpn_label_pdf_in_both_sizes(http_for: Any, operator: Any, received_pallet: Lpn) -> None:
    for size in ("4x6", "4x2"):
        response = http_for(operator).get(f"/labels/lpn/{received_pallet.pk}.pdf?size={size}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline")
        (text,) = pdf_pages(response.content)
        assert "PAL-1" in text


def test_lpn_label_zpl(http_for: Any, manager: Any, received_pallet: Lpn) -> None:
    response = http_for(manager).get(f"/labels/lpn/{received_pallet.pk}.zpl?size=4x2")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.startswith(b"^XA")
    assert b"PAL-1" in response.content


def test_lpn_label_matches_the_api(
    http_for: Any, manager: Any, received_pallet: Lpn, widget: Any
) -> None:
    """One way to build a label: the page and the API return the same ZPL."""
    from receiving import label_service

    page = http_for(manager).get(f"/labels/lpn/{received_pallet.pk}.zpl?size=4x6")
    built = label_service.lpn_label_file(manager, received_pallet, size="4x6", fmt="zpl")
    assert page.content == built.content


def test_unknown_size_is_a_404(http_for: Any, manager: Any, received_pallet: Lpn) -> None:
    assert (
        http_for(manager).get(f"/labels/lpn/{received_pallet.pk}.pdf?size=9x9").status_code == 404
    )


def test_location_label_pdf_and_zpl(http_for: Any, operator: Any, bin_a: Location) -> None:
    pdf = http_for(operator).get(f"/labels/location/{bin_a.pk}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "A-01-01" in pdf_pages(pdf.content)[0]
    zpl = http_for(operator).get(f"/labels/location/{bin_a.pk}.zpl")
    assert zpl.content.startswith(b"^XA")
    assert b"A-01-01" in zpl.content


def test_operator_of_another_warehouse_gets_404(
    http_for: Any, west: Any, received_pallet: Lpn, bin_a: Location
) -> None:
    outsider = UserFactory(role="operator", email="west@acme.test")
    give_scope(outsider, warehouses=[west])
    client = http_for(outsider)
    assert client.get(f"/labels/lpn/{received_pallet.pk}.pdf").status_code == 404
    assert client.get(f"/labels/lpn/{received_pallet.pk}.zpl").status_code == 404
    assert client.get(f"/labels/location/{bin_a.pk}.pdf").status_code == 404


def test_client_user_is_refused(
    http_for: Any, client_user: Any, received_pallet: Lpn, bin_a: Location
) -> None:
    client = http_for(client_user)
    assert client.get(f"/labels/lpn/{received_pallet.pk}.pdf").status_code == 403
    assert client.get(f"/labels/location/{bin_a.pk}.zpl").status_code == 403
    assert client.get("/labels/locations/").status_code == 403


def test_signed_out_is_sent_to_login(http_for: Any, received_pallet: Lpn) -> None:
    response = http_for().get(f"/labels/lpn/{received_pallet.pk}.pdf")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Print links ----------------------------------------------------------------------------


def test_lpn_list_links_to_its_label(http_for: Any, manager: Any, received_pallet: Lpn) -> None:
    page = http_for(manager).get("/inventory/lpns/")
    assert f"/labels/lpn/{received_pallet.pk}.pdf?size=4x6" in page.text


def test_asn_detail_links_each_receipt_lpn(
    http_for: Any, manager: Any, asn: Any, barcodes: None, dock: Any
) -> None:
    from receiving import services

    receipt = services.receive_scan(
        asn=asn, code_or_product="614141000036", user=manager, quantity=2
    )
    page = http_for(manager).get(f"/receiving/{asn.pk}/")
    assert f"/labels/lpn/{receipt.lpn_id}.pdf?size=4x6" in page.text


def test_handheld_shows_print_link_for_the_current_lpn(
    http_for: Any, operator: Any, asn: Any, barcodes: None, dock: Any
) -> None:
    client = http_for(operator)
    result = client.post(
        f"/floor/receive/{asn.pk}/scan/", {"code": "614141000036", "idempotency_key": "k1"}
    )
    assert result.status_code == 200
    lpn_pk = client.session["receiving_lpn_pk"]
    assert f"/labels/lpn/{lpn_pk}.pdf?size=4x6" in result.text
    page = client.get(f"/floor/receive/{asn.pk}/")
    assert f"/labels/lpn/{lpn_pk}.pdf?size=4x6" in page.text
    assert f"/labels/lpn/{lpn_pk}.zpl?size=4x6" in page.text


# --- Bulk location labels ------------------------------------------------------------------


@pytest.fixture
def shelves(wh: Any) -> list[Location]:
    """ST-01-01-1 … ST-01-03-2 in zone ST (6 bins), plus a bin of another zone."""
    zone = ZoneFactory(warehouse=wh, code="ST")
    bins = [
        LocationFactory(warehouse=wh, zone=zone, code=f"ST-01-{bay:02d}-{level}")
        for bay in (3, 1, 2)
        for level in (1, 2)
    ]
    LocationFactory(warehouse=wh, code="XX-99")
    return sorted(bins, key=lambda location: location.code)


def test_range_page_counts_before_download(
    http_for: Any, manager: Any, wh: Any, shelves: Any
) -> None:
    query = f"warehouse={wh.pk}&code_from=ST-01-01-2&code_to=ST-01-03-1"
    page = http_for(manager).get(f"/labels/locations/?{query}")
    assert page.status_code == 200
    assert text_by_id(page.content, "label-count") == "4"
    assert "4 labels will print: ST-01-01-2 to ST-01-03-1" in visible_text(page.content)
    assert "/labels/locations/labels.pdf?" in page.text


def test_range_pdf_has_one_page_per_location_in_code_order(
    http_for: Any, manager: Any, wh: Any, shelves: Any
) -> None:
    zone = shelves[0].zone
    response = http_for(manager).get(
        f"/labels/locations/labels.pdf?warehouse={wh.pk}&zone={zone.pk}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 6
    for text, location in zip(pages, shelves, strict=True):
        assert location.code in text


def test_range_zpl_has_one_format_per_location(
    http_for: Any, manager: Any, wh: Any, shelves: Any
) -> None:
    response = http_for(manager).get(
        f"/labels/locations/labels.zpl?warehouse={wh.pk}&code_from=ST-01-02-1&code_to=ST-01-02-2"
    )
    text = response.content.decode()
    assert text.startswith("^XA")
    assert text.count("^XA") == 2
    assert text.index("ST-01-02-1") < text.index("ST-01-02-2")


def test_empty_range_says_so(http_for: Any, manager: Any, wh: Any, shelves: Any) -> None:
    query = f"warehouse={wh.pk}&code_from=ZZ-1&code_to=ZZ-9"
    page = http_for(manager).get(f"/labels/locations/?{query}")
    assert "No locations in this range" in page.text
    assert "labels.pdf" not in page.text
    download = http_for(manager).get(f"/labels/locations/labels.pdf?{query}")
    assert download.status_code == 400
    assert "No locations in this range" in download.text


def test_more_than_2000_is_refused(http_for: Any, manager: Any, wh: Any) -> None:
    Location.objects.bulk_create(
        Location(warehouse=wh, code=f"BULK-{n:05d}", barcode=f"BULK-{n:05d}") for n in range(2001)
    )
    query = f"warehouse={wh.pk}&code_from=BULK-&code_to=BULK-99999"
    page = http_for(manager).get(f"/labels/locations/?{query}")
    assert "2001 labels is more than 2000 at once: narrow the range." in page.text
    assert "labels.pdf" not in page.text
    download = http_for(manager).get(f"/labels/locations/labels.zpl?{query}")
    assert download.status_code == 400
    assert "more than 2000" in download.text


def test_zone_of_another_warehouse_is_refused(
    http_for: Any, manager: Any, wh: Any, west: Any, shelves: Any
) -> None:
    other_zone = ZoneFactory(warehouse=west, code="W1")
    page = http_for(manager).get(f"/labels/locations/?warehouse={wh.pk}&zone={other_zone.pk}")
    assert "is not in warehouse EAST" in page.text


def test_operators_may_not_print_ranges(http_for: Any, operator: Any) -> None:
    assert http_for(operator).get("/labels/locations/").status_code == 403
