from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import Balance, StockMove
from inventory.services import ledger
from tests.factories import LocationFactory, ProductFactory
from tests.helpers import table_records, text_by_id


@pytest.fixture
def stocked(
    manager: Any, widget: Any, serum: Any, serum_lot: Any, dock: Any, bin_a: Any, other_client: Any
) -> dict[str, Any]:
    ledger.receive(user=manager, product=widget, quantity=10, location=dock)
    ledger.move(user=manager, product=widget, quantity=4, from_location=dock, to_location=bin_a)
    ledger.receive(user=manager, product=serum, quantity=6, location=bin_a, lot=serum_lot)
    other = ProductFactory(client=other_client, sku="OTHER-1")
    ledger.receive(user=manager, product=other, quantity=2, location=dock)
    return {"other": other}


def test_on_hand_lists_balances_with_totals_and_filters(
    http_for: Any, manager: Any, stocked: Any, bin_a: Any
) -> None:
    http = http_for(manager)
    page = http.get("/inventory/stock/").content.decode()
    assert text_by_id(page, "total-on-hand") == "18"
    filtered = http.get(
        "/inventory/stock/", {"location": "a-01-01"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert filtered.lstrip().startswith('<p class="totals">')
    assert text_by_id(filtered, "total-on-hand") == "10"
    by_lot = http.get("/inventory/stock/", {"lot": "S-2027-01"}).content.decode()
    assert text_by_id(by_lot, "total-on-hand") == "6"
    by_sku = http.get("/inventory/stock/", {"sku": "nothing"}).content.decode()
    assert "No stock matches these filters." in by_sku


def test_on_hand_query_count_is_flat(
    http_for: Any, manager: Any, acme_outdoor: Any, wh: Any
) -> None:
    http = http_for(manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            http.get("/inventory/stock/")
        return len(ctx.captured_queries)

    location = LocationFactory(warehouse=wh, code="Q-1")
    ledger.receive(
        user=manager,
        product=ProductFactory(client=acme_outdoor, sku="Q0"),
        quantity=1,
        location=location,
    )
    few = count()
    for n in range(1, 15):
        ledger.receive(
            user=manager,
            product=ProductFactory(client=acme_outdoor, sku=f"Q{n}"),
            quantity=1,
            location=location,
        )
    assert count() == few


def test_product_page_explains_the_number(
    http_for: Any, manager: Any, stocked: Any, widget: Any
) -> None:
    body = http_for(manager).get(f"/inventory/stock/products/{widget.pk}/").content.decode()
    assert text_by_id(body, "on-hand") == "10"
    assert "Why the number is what it is" in body
    assert "EAST/~SUPPLIER -10" in body
    # newest first: the move (effect 0, running 10) above the receipt (+10, running 10)
    rows = table_records(body, with_column="Running on hand")
    assert [(r["Effect"], r["Running on hand"]) for r in rows] == [("0", "10"), ("+10", "10")]


def test_location_page_shows_contents_and_moves(
    http_for: Any, manager: Any, stocked: Any, bin_a: Any
) -> None:
    body = http_for(manager).get(f"/inventory/stock/locations/{bin_a.pk}/").content.decode()
    assert "WIDGET" in body and "SERUM" in body and "S-2027-01" in body


def test_operator_and_client_user_cannot_see_stock_pages(
    http_for: Any, operator: Any, client_user: Any
) -> None:
    assert http_for(operator).get("/inventory/stock/").status_code == 403
    assert http_for(client_user).get("/inventory/stock/").status_code == 403


def adjustment(widget: Any, wh: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "warehouse": wh.pk,
        "client": widget.client_id,
        "sku": "widget",
        "location": "A-01-01",
        "status": "available",
        "quantity": -3,
        "reason_code": "DAMAGED",
        "note": "forklift",
        "idempotency_key": "adj-1",
    }
    data.update(extra)
    return data


def test_adjustment_asks_for_confirmation_then_posts_once(
    http_for: Any, manager: Any, stocked: Any, widget: Any, wh: Any
) -> None:
    http = http_for(manager)
    review = http.post("/inventory/stock/adjust/", adjustment(widget, wh))
    assert "WIDGET at A-01-01: -3 (4 → 1 on hand)" in review.content.decode()
    assert not StockMove.objects.filter(reason="adjust").exists()
    confirmed = adjustment(widget, wh, confirmed="on")
    assert http.post("/inventory/stock/adjust/", confirmed).status_code == 302
    assert http.post("/inventory/stock/adjust/", confirmed).status_code == 302  # a double click
    move = StockMove.objects.get(reason="adjust")
    assert (move.quantity, move.reason_code, move.note, move.user) == (
        3,
        "DAMAGED",
        "forklift",
        manager,
    )
    assert Balance.objects.get(location__code="A-01-01", product=widget).on_hand == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"quantity": 0}, "Adjust by a number other than zero."),
        ({"reason_code": ""}, "This field is required."),
        ({"sku": "NOPE"}, "No product “NOPE”"),
        ({"location": "Z-99"}, "No location “Z-99” in EAST."),
        ({"quantity": -50, "confirmed": "on"}, "Not enough available stock of WIDGET at A-01-01"),
    ],
)
def test_bad_adjustments_explain_and_write_nothing(
    http_for: Any,
    manager: Any,
    stocked: Any,
    widget: Any,
    wh: Any,
    extra: dict[str, Any],
    message: str,
) -> None:
    before = StockMove.objects.count()
    response = http_for(manager).post("/inventory/stock/adjust/", adjustment(widget, wh, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert StockMove.objects.count() == before


def test_operator_cannot_adjust(
    http_for: Any, operator: Any, stocked: Any, widget: Any, wh: Any
) -> None:
    response = http_for(operator).post(
        "/inventory/stock/adjust/", adjustment(widget, wh, confirmed="on")
    )
    assert response.status_code == 403
    assert not StockMove.objects.filter(reason="adjust").exists()
