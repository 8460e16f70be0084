"""Codes saved before they were checked (outside printable ASCII) made every label for them a
500, and every bulk run over a range holding one. They cannot be saved any more; for the ones
already there, a label is refused with a message (409), and the bulk page says which bins to fix
before anything is downloaded."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Location, Lpn
from receiving.exceptions import LabelRefused
from receiving.label_service import location_label_file
from tests.api.conftest import api_as, manager_api
from tests.factories import LocationFactory, LpnFactory

__all__ = ["api_as", "manager_api"]  # the API tests' bearer clients, as fixtures here


@pytest.fixture
def legacy_bin(wh: Any, zone: Any) -> Location:
    """Saved without full_clean, as rows from before the check were."""
    return LocationFactory(warehouse=wh, zone=zone, code="A-01-09", barcode="A-01-\u00d69")


@pytest.fixture
def legacy_lpn(wh: Any) -> Lpn:
    return LpnFactory(code="PAL-\u00c9", warehouse=wh)


def test_a_single_label_is_refused_with_what_to_fix(legacy_bin: Location) -> None:
    with pytest.raises(LabelRefused) as refused:
        location_label_file(legacy_bin)
    assert "location A-01-09" in refused.value.message
    assert "printable ASCII" in refused.value.message


def test_the_label_pages_answer_409_not_500(
    http_for: Any, manager: Any, legacy_bin: Location, legacy_lpn: Lpn
) -> None:
    http = http_for(manager)
    for path in (
        f"/labels/location/{legacy_bin.pk}.pdf",
        f"/labels/location/{legacy_bin.pk}.zpl",
        f"/labels/lpn/{legacy_lpn.pk}.pdf",
    ):
        response = http.get(path)
        assert response.status_code == 409, path
        assert "printable ASCII" in response.content.decode()


def test_the_api_answers_the_409_envelope(
    manager_api: Any, legacy_bin: Location, legacy_lpn: Lpn
) -> None:
    for path in (f"/locations/{legacy_bin.pk}/label", f"/lpns/{legacy_lpn.pk}/label"):
        response = manager_api.get(path)
        assert response.status_code == 409, path
        assert response.json()["error"]["code"] == "label_refused"


def test_a_bulk_range_holding_one_names_it_and_downloads_nothing(
    http_for: Any, manager: Any, wh: Any, bin_a: Any, legacy_bin: Location
) -> None:
    http = http_for(manager)
    query = {"warehouse": wh.pk}
    page = http.get("/labels/locations/", query)
    assert "The barcodes of A-01-09 are not printable ASCII" in page.content.decode()
    download = http.get("/labels/locations/labels.pdf", query)
    assert download.status_code == 400
    assert not download["Content-Type"].startswith("application/pdf")
    narrowed = http.get("/labels/locations/labels.pdf", {**query, "code_to": bin_a.code})
    assert narrowed["Content-Type"] == "application/pdf"
