"""Handheld blind receiving (no ASN): managers get a "Receive without ASN" button on the receive
start page, choose the client, then scan goods as on an ASN's receive page; each scan answers
with one result line (always 200). Operators are refused the pages and the scan (403, nothing
written)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from inventory.models import Balance
from receiving.models import PutawayTask, Receipt
from tests.helpers import scan_outcome
from tests.receiving.conftest import WIDGET_UPC

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("barcodes")]


def url(client: Any, tail: str = "") -> str:
    return f"/floor/receive/blind/{client.pk}/{tail}"


def _scan(http: Any, client: Any, code: str, key: str = "", **extra: Any) -> Any:
    data = {"code": code, "idempotency_key": key, "mode": "receive", **extra}
    return http.post(url(client, "scan/"), data)


def test_the_start_page_offers_blind_receiving_to_managers_only(
    http_for: Any, manager: Any, operator: Any, wh: Any, acme_outdoor: Any
) -> None:
    assert 'href="/floor/receive/blind/"' in http_for(manager).get("/floor/receive/").text
    assert "Receive without ASN" not in http_for(operator).get("/floor/receive/").text
    choose = http_for(manager).get("/floor/receive/blind/")
    assert choose.status_code == 200
    assert f'href="{url(acme_outdoor)}"' in choose.text


def test_a_manager_receives_by_scan_onto_an_lpn_at_the_dock(
    http_for: Any, manager: Any, wh: Any, dock: Any, acme_outdoor: Any, widget: Any
) -> None:
    http = http_for(manager)
    page = http.get(url(acme_outdoor))
    assert page.status_code == 200
    assert 'data-scan-url="' + url(acme_outdoor, "scan/") + '"' in page.text

    response = _scan(http, acme_outdoor, WIDGET_UPC, "b1", quantity="4")

    assert response.status_code == 200
    receipt = Receipt.objects.get()
    assert receipt.asn is None and receipt.lpn is not None
    assert f"Received 4 x WIDGET onto {receipt.lpn.code} (no ASN)" in response.text
    level = Balance.objects.get(product=widget)
    assert (level.location, level.lpn, level.on_hand) == (dock, receipt.lpn, 4)
    assert PutawayTask.objects.filter(lpn=receipt.lpn).exists()
    # The page now shows the current LPN with its label links, and the next scan goes onto it.
    page = http.get(url(acme_outdoor))
    assert receipt.lpn.code in page.text
    assert f"/labels/lpn/{receipt.lpn.pk}.pdf" in page.text
    _scan(http, acme_outdoor, WIDGET_UPC, "b2")
    assert set(Receipt.objects.values_list("lpn_id", flat=True)) == {receipt.lpn_id}
    http.post(url(acme_outdoor, "new-lpn/"))
    _scan(http, acme_outdoor, WIDGET_UPC, "b3")
    assert Receipt.objects.values("lpn_id").distinct().count() == 2


def test_a_repeated_scan_counts_once(
    http_for: Any, manager: Any, wh: Any, dock: Any, acme_outdoor: Any, widget: Any
) -> None:
    http = http_for(manager)
    first = _scan(http, acme_outdoor, WIDGET_UPC, "same", quantity="2")
    again = _scan(http, acme_outdoor, WIDGET_UPC, "same", quantity="2")

    assert "Received 2 x WIDGET" in first.text and "Received 2 x WIDGET" in again.text
    assert Receipt.objects.count() == 1
    assert Balance.objects.get(product=widget).on_hand == 2


def test_an_operator_is_refused_the_pages_and_the_scan(
    http_for: Any,
    operator: Any,
    wh: Any,
    dock: Any,
    acme_outdoor: Any,
    unchanged: Callable[..., Any],
) -> None:
    http = http_for(operator)
    check = unchanged()
    assert http.get("/floor/receive/blind/").status_code == 403
    assert http.get(url(acme_outdoor)).status_code == 403
    assert _scan(http, acme_outdoor, WIDGET_UPC, "op-1").status_code == 403
    check()


def test_an_unknown_barcode_is_an_error_line(
    http_for: Any,
    manager: Any,
    wh: Any,
    dock: Any,
    acme_outdoor: Any,
    unchanged: Callable[..., Any],
) -> None:
    check = unchanged()
    response = _scan(http_for(manager), acme_outdoor, "NOPE-123", "u1")
    assert response.status_code == 200
    assert scan_outcome(response.text) == "error"
    assert "is not a barcode or SKU of any product of acme-outdoor" in response.text
    check()


def test_a_lot_tracked_product_needs_its_lot(
    http_for: Any,
    manager: Any,
    wh: Any,
    dock: Any,
    acme_outdoor: Any,
    serum: Any,
    unchanged: Callable[..., Any],
) -> None:
    check = unchanged()
    response = _scan(http_for(manager), acme_outdoor, "SERUM", "l1")
    assert scan_outcome(response.text) == "error"
    assert "SERUM is lot-tracked: scan or type the lot number." in response.text
    check()
