"""Page weight on the handheld (issue 18, goal 5): every floor page, with all it loads, moves under
25 KB on a cold cache, and a scan's answer under 5 KB, with the production static pipeline
(fingerprinted, precompressed, cached a year) and compressed HTML. Measured in bytes on the wire
(tests/pageweight.py), for a 30-line pick list so the pick page carries a real list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from picking.models import PickList
from tests.helpers import page as soup
from tests.pageweight import (
    ACCEPT_ENCODING,
    ONE_YEAR_SECONDS,
    body_of,
    cold_page_weight,
    collect_static,
    make_pick_list,
    max_age,
    production_static,
    transferred,
)

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 25 * 1024
SCAN_BUDGET = 5 * 1024
LINES = 30


@pytest.fixture(scope="session")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("staticfiles")
    collect_static(root)
    return root


@pytest.fixture
def served(static_root: Path) -> Iterator[None]:
    with production_static(static_root):
        yield


@pytest.fixture
def long_list(east: Any, acme_outdoor: Any, manager: Any, operator: Any) -> PickList:
    """A cluster cart of three orders, 30 lines, one product per bin, assigned to nobody yet."""
    return make_pick_list(warehouse=east, client=acme_outdoor, manager=manager, lines=LINES)


def handheld_pages(http: Any) -> list[str]:
    response = http.post("/floor/pick/work/")
    assert response.status_code == 302
    return [
        "/floor/",
        "/floor/lookup/",
        "/floor/pick/",
        response["Location"],
        "/floor/receive/",
        "/floor/putaway/",
        "/floor/pack/",
        "/floor/ship/",
    ]


def test_every_handheld_page_moves_under_25_kb_on_a_cold_cache(
    served: None, http_for: Any, operator: Any, long_list: PickList
) -> None:
    http = http_for(operator)
    for url in handheld_pages(http):
        weight = cold_page_weight(http, url)
        assert weight.total < PAGE_BUDGET, (url, weight.total, weight.page, weight.assets)
        assert weight.encodings[url] == "gzip", url  # the HTML too
        for asset, encoding in weight.encodings.items():
            if asset != url and weight.assets[asset] > 1024:
                assert encoding == "br", (asset, encoding)


def test_static_files_are_fingerprinted_and_cached_for_a_year(
    served: None, http_for: Any, operator: Any, long_list: PickList
) -> None:
    http = http_for(operator)
    weight = cold_page_weight(http, handheld_pages(http)[3])
    assert len(weight.assets) >= 5  # app.css, htmx, app.js, scan.js, scan-early.js
    for asset, cache_control in weight.cache_control.items():
        name = asset.rsplit("/", 1)[1]
        assert len(name.split(".")) >= 3, asset  # name.<hash>.ext
        assert max_age(cache_control) >= ONE_YEAR_SECONDS, (asset, cache_control)
        assert "immutable" in cache_control, (asset, cache_control)


def test_a_pick_scan_is_answered_in_under_5_kb(
    served: None, http_for: Any, operator: Any, long_list: PickList
) -> None:
    http = http_for(operator)
    list_url = handheld_pages(http)[3]
    page = http.get(list_url).content.decode()
    line = long_list.lines.order_by("sequence").first()
    assert line is not None
    key = page.split('name="pick_key" value="', 1)[1].split('"', 1)[0]
    answers = []
    for code in (line.location.barcode, "NOT-THE-ITEM", line.product.sku):
        response = http.post(
            f"{list_url}scan/",
            {"code": code, "line": line.pk, "bin": line.location.barcode if answers else "",
             "pick_key": key},
            HTTP_HX_REQUEST="true",
            HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING,
        )  # fmt: skip
        assert response.status_code == 200
        answers.append(transferred(response, body_of(response)))
    assert max(answers) < SCAN_BUDGET, answers


def test_the_line_table_is_left_out_of_the_page_and_the_scans_and_loads_when_opened(
    http_for: Any, operator: Any, long_list: PickList
) -> None:
    http = http_for(operator)
    list_url = handheld_pages(http)[3]
    page = http.get(list_url).content.decode()
    assert 'id="pick-lines"' not in page
    assert f"All {LINES} lines of {long_list.number}" in page
    line = long_list.lines.order_by("sequence").first()
    assert line is not None
    answer = http.post(
        f"{list_url}scan/", {"code": line.location.barcode, "line": line.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Scan SKU-00000" in answer
    assert 'id="pick-lines"' not in answer
    table = http.get(f"{list_url}?part=lines", HTTP_HX_REQUEST="true").content.decode()
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in soup(table).select("tr")]
    assert len(rows) == LINES
    assert rows[0] == ["1", "A-00-03-B", "SKU-00000", "2", "Open"]
