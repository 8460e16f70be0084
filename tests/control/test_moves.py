"""Moves on the handheld and the API: bin to bin (some units or all), a whole LPN, split and
merge, each through the ledger; held stock, unknown codes and more than is free are refused
and write nothing; the API honours Idempotency-Key."""

from __future__ import annotations

from typing import Any

import pytest

from control.services.holds import place_hold
from inventory.exceptions import InsufficientStock, MoveRefused
from inventory.models import Balance, Lpn, Reason, StockMove
from inventory.reconcile import find_drift
from inventory.services import ledger
from inventory.services.moves import merge_lpns, move_units, move_whole_lpn, split_lpn
from tests.factories import LpnFactory
from tests.helpers import assert_nothing_written, text_by_id


def _units(location: Any, **where: Any) -> int:
    return sum(Balance.objects.filter(location=location, **where).values_list("on_hand", flat=True))


def test_bin_to_bin_some_then_all(
    operator: Any, wh: Any, stocked: Any, bin_a: Any, bin_b: Any
) -> None:
    result = move_units(
        user=operator,
        warehouse=wh,
        from_code="A-01-01",
        to_code="A-01-02",
        item_code="WIDGET",
        quantity=7,
    )
    assert (result.units, _units(bin_a), _units(bin_b, product=stocked["widget"])) == (7, 30, 7)
    rest = move_units(
        user=operator, warehouse=wh, from_code="A-01-01", to_code="A-01-02", item_code="WIDGET"
    )
    assert rest.units == 30
    assert StockMove.objects.filter(reason=Reason.MOVE).count() == 2
    assert find_drift() == []


def test_lpn_move_split_and_merge(
    manager: Any, operator: Any, wh: Any, bin_a: Any, bin_b: Any, widget: Any
) -> None:
    pallet = LpnFactory(code="PAL-1", warehouse=wh)
    ledger.receive(user=manager, product=widget, quantity=20, location=bin_a, lpn=pallet)
    assert (
        move_whole_lpn(user=operator, warehouse=wh, lpn_code="PAL-1", to_code="A-01-02").units == 20
    )
    assert Lpn.objects.get(code="PAL-1").location_id == bin_b.pk
    case = LpnFactory(code="CASE-1", warehouse=wh)
    split = split_lpn(
        user=operator,
        warehouse=wh,
        from_lpn_code="PAL-1",
        to_lpn_code="CASE-1",
        item_code="WIDGET",
        quantity=6,
    )
    assert split.units == 6
    assert _units(bin_b, lpn=case) == 6
    merged = merge_lpns(user=operator, warehouse=wh, from_lpn_code="CASE-1", into_lpn_code="PAL-1")
    assert merged.units == 6
    assert (_units(bin_b, lpn=case), _units(bin_b, lpn=pallet)) == (0, 20)
    assert find_drift() == []


def test_held_stock_unknown_bin_and_too_many_are_refused(
    manager: Any, operator: Any, wh: Any, stocked: Any
) -> None:
    with assert_nothing_written(), pytest.raises(MoveRefused, match="Unknown bin “NOPE”"):
        move_units(
            user=operator, warehouse=wh, from_code="NOPE", to_code="A-01-02", item_code="WIDGET"
        )
    with assert_nothing_written(), pytest.raises(InsufficientStock):
        move_units(
            user=operator,
            warehouse=wh,
            from_code="A-01-01",
            to_code="A-01-02",
            item_code="WIDGET",
            quantity=38,
        )
    place_hold(user=manager, kind="product", reason="damage", product=stocked["widget"])
    with assert_nothing_written(), pytest.raises(MoveRefused, match="are hold: held stock stays"):
        move_units(
            user=operator, warehouse=wh, from_code="A-01-01", to_code="A-01-02", item_code="WIDGET"
        )


def test_handheld_move_page(
    http_for: Any, operator: Any, wh: Any, stocked: Any, bin_b: Any
) -> None:
    http = http_for(operator)
    data = {
        "kind": "units",
        "source": "A-01-01",
        "target": "A-01-02",
        "item": "WIDGET",
        "quantity": "5",
    }
    done = http.post("/floor/move/", data)
    assert "Moved 5 WIDGET" in text_by_id(done.content, "move-done")
    with assert_nothing_written(except_tables=["django_session"]):
        refused = http.post("/floor/move/", {**data, "source": "ZZZ"})
    assert "Unknown bin" in text_by_id(refused.content, "move-error")


def test_stock_moves_api_is_idempotent(
    api_as: Any, operator: Any, wh: Any, stocked: Any, bin_b: Any
) -> None:
    api = api_as(operator)
    body = {
        "kind": "units",
        "warehouse": "EAST",
        "from_location": "A-01-01",
        "to_location": "A-01-02",
        "item": "WIDGET",
        "quantity": 4,
    }
    first = api.post("/stock-moves", body, **{"Idempotency-Key": "m-1"})
    assert first.status_code == 200, first.content
    again = api.post("/stock-moves", body, **{"Idempotency-Key": "m-1"})
    assert (
        again.json()
        == first.json()
        == {"moves": 1, "units": 4, "message": "Moved 4 WIDGET from A-01-01 to A-01-02."}
    )
    assert StockMove.objects.filter(reason=Reason.MOVE).count() == 1
