"""Scans per pick on the handheld: a single unit is bin + item; more units are bin, item and the
quantity (keyed once, or the item scanned once per unit) with no Enter to accept a default; a
GS1-128 label carries the lot with the item; a lot label may be the lot's own barcode or a GS1
(10) element. The checks stay: a wrong lot or item in a GS1 label is refused and writes nothing.
A short pick's reallocated line joins the walk where its bin lies, not at the end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from inventory.models import StockMove
from picking.models import PickLine, PickList, PickListStatus
from picking.services.waves import create_wave, release_wave
from tests.factories import LotFactory, ProductBarcodeFactory
from tests.helpers import assert_nothing_written, text_by_id
from tests.picking.test_floor_pick_views import Handheld, cluster, get_work, result_of

pytestmark = pytest.mark.django_db
__all__ = ["cluster"]  # the cart of SO-1 (1 LAMP, 2 MUG) and SO-2 (2 LAMP), shared

BALM_GTIN = "09501101530003"  # stored as its 13-digit EAN below; GS1 labels carry all 14


@pytest.fixture
def discrete(wh: Any, staging: Any, manager: Any) -> Any:
    """discrete(order): releases a wave of the one order and returns its pick list."""

    def _release(order: Any) -> PickList:
        wave = create_wave(warehouse=wh, order_ids=[order.pk], user=manager).wave
        [pick_list] = release_wave(wave=wave, user=manager).pick_lists
        return pick_list

    return _release


@pytest.fixture
def handheld_on(http_for: Any, operator: Any) -> Any:
    def _open(pick_list: PickList) -> Handheld:
        http = http_for(operator)
        get_work(http)
        return Handheld(http, pick_list)

    return _open


@pytest.fixture
def soon(balm: Any, bins: Any, put: Any) -> Any:
    """Lot L-SOON of BALM (4 in A-03), the one FEFO reserves; L-LATE exists, elsewhere."""
    ProductBarcodeFactory(product=balm, barcode=BALM_GTIN[1:])
    lot = LotFactory(product=balm, number="L-SOON", expiry_date=dt.date.today() + dt.timedelta(400))
    LotFactory(product=balm, number="L-LATE", expiry_date=dt.date.today() + dt.timedelta(800))
    put(balm, bins["A-03"], 4, lot)
    return lot


def picked() -> list[tuple[str, int, str | None]]:
    return [
        (move.product.sku, move.quantity, move.lot.number if move.lot else None)
        for move in StockMove.objects.filter(reason="pick").select_related("product", "lot")
    ]


def test_a_single_unit_pick_is_two_scans_bin_and_item(
    lamp: Any, bins: Any, put: Any, order_for: Any, discrete: Any, handheld_on: Any
) -> None:
    put(lamp, bins["A-01"], 5)
    pick_list = discrete(order_for("SO-1", (lamp, 1)))
    handheld = handheld_on(pick_list)
    assert text_by_id(handheld.body, "pick-prompt") == "Go to A-01 and scan the bin"

    handheld.scan("B-A-01")
    assert picked() == []
    handheld.scan("0009998887776")
    assert result_of(handheld.body) == ("ok", "Picked 1 x LAMP")
    assert picked() == [("LAMP", 1, None)]
    pick_list.refresh_from_db()
    assert pick_list.status == PickListStatus.DONE


def test_a_multi_unit_pick_is_bin_item_and_the_quantity_keyed_once(
    lamp: Any, bins: Any, put: Any, order_for: Any, discrete: Any, handheld_on: Any
) -> None:
    put(lamp, bins["A-01"], 5)
    handheld = handheld_on(discrete(order_for("SO-1", (lamp, 3))))
    body = handheld.scan("B-A-01", "LAMP")
    assert text_by_id(body, "pick-prompt") == "1 of 3: scan LAMP again for each, or key how many"
    assert 'data-step="qty"' in body
    assert handheld.fields["qty"] == ""  # nothing pre-filled for an Enter to accept
    assert picked() == []
    body = handheld.scan("3")
    assert result_of(body) == ("ok", "Picked 3 x LAMP")
    assert picked() == [("LAMP", 3, None)]


def test_each_scan_of_the_item_counts_one_unit_and_the_last_one_confirms(
    lamp: Any, bins: Any, put: Any, order_for: Any, discrete: Any, handheld_on: Any
) -> None:
    put(lamp, bins["A-01"], 5)
    handheld = handheld_on(discrete(order_for("SO-1", (lamp, 3))))
    body = handheld.scan("B-A-01", "0009998887776", "LAMP")
    assert result_of(body) == ("ok", "LAMP ✓")
    assert text_by_id(body, "pick-prompt") == "2 of 3: scan LAMP again for each, or key how many"
    assert picked() == []
    body = handheld.scan("0009998887776")
    assert result_of(body) == ("ok", "Picked 3 x LAMP")
    assert picked() == [("LAMP", 3, None)]


def test_a_gs1_label_gives_the_item_and_its_lot_in_one_scan(
    balm: Any, soon: Any, order_for: Any, discrete: Any, handheld_on: Any
) -> None:
    handheld = handheld_on(discrete(order_for("SO-7", (balm, 1))))
    handheld.scan("B-A-03")
    body = handheld.scan(f"01{BALM_GTIN}10L-SOON")  # raw GS1-128: lot runs to the end
    assert result_of(body) == ("ok", "Picked 1 x BALM")
    assert picked() == [("BALM", 1, "L-SOON")]


def test_a_gs1_label_of_another_lot_or_item_is_refused_and_writes_nothing(
    balm: Any, soon: Any, order_for: Any, discrete: Any, handheld_on: Any
) -> None:
    handheld = handheld_on(discrete(order_for("SO-7", (balm, 2))))
    handheld.scan("B-A-03")
    with assert_nothing_written():
        body = handheld.scan(f"(01){BALM_GTIN}(10)L-LATE")
    assert result_of(body) == ("error", "Wrong lot: expected L-SOON, scanned L-LATE.")
    assert (handheld.fields["item"], handheld.fields["lot"]) == ("", "")
    with assert_nothing_written():
        body = handheld.scan("(01)09501101530010(10)L-SOON")  # another GTIN
    assert result_of(body)[0] == "error"
    assert result_of(body)[1].startswith("Wrong item: expected BALM (Lip balm), scanned ")
    body = handheld.scan(f"]C101{BALM_GTIN}10L-SOON")
    assert text_by_id(body, "pick-prompt") == "1 of 2: scan BALM again for each, or key how many"
    body = handheld.scan(f"(01){BALM_GTIN}(10)L-SOON")  # the second unit, counted
    assert result_of(body) == ("ok", "Picked 2 x BALM")
    assert picked() == [("BALM", 2, "L-SOON")]


def test_the_lot_step_takes_the_lots_own_barcode_or_a_gs1_lot_element(
    balm: Any, soon: Any, order_for: Any, discrete: Any, handheld_on: Any
) -> None:
    handheld = handheld_on(discrete(order_for("SO-7", (balm, 1))))
    body = handheld.scan("B-A-03", "BALM")
    assert text_by_id(body, "pick-prompt") == "Scan lot L-SOON"
    with assert_nothing_written():
        body = handheld.scan("(10)L-LATE")
    assert result_of(body) == ("error", "Wrong lot: expected L-SOON, scanned L-LATE.")
    body = handheld.scan("(10)L-SOON")
    assert result_of(body) == ("ok", "Picked 1 x BALM")
    assert picked() == [("BALM", 1, "L-SOON")]


def test_a_lot_step_after_a_plain_item_scan_takes_the_lot_number_itself(
    balm: Any, soon: Any, order_for: Any, discrete: Any, handheld_on: Any
) -> None:
    handheld = handheld_on(discrete(order_for("SO-7", (balm, 1))))
    body = handheld.scan("B-A-03", "9501101530003", "L-SOON")
    assert result_of(body) == ("ok", "Picked 1 x BALM")


def test_a_reallocated_line_joins_the_walk_where_its_bin_lies(
    mug: Any,
    lamp: Any,
    bins: Any,
    put: Any,
    order_for: Any,
    discrete: Any,
    handheld_on: Any,
) -> None:
    """A-02 holds 1 of the 2 mugs; the other is found in A-03 (stock that arrived after the
    wave), which lies before B-01's lamp on the walk: it is the next pick, not the last."""
    put(mug, bins["A-02"], 2)
    put(lamp, bins["B-01"], 5)
    pick_list = discrete(order_for("SO-1", (mug, 2), (lamp, 1)))
    put(mug, bins["A-03"], 5)
    handheld = handheld_on(pick_list)
    assert text_by_id(handheld.body, "pick-position") == "Line 1 of 2"

    handheld.scan("B-A-02")
    handheld.post(action="short")
    body = handheld.scan("1", "MUG")
    assert result_of(body) == ("ok", "Short 1 at A-02; 1 found elsewhere and added to your list.")
    assert text_by_id(body, "pick-position") == "Line 2 of 3"
    assert text_by_id(body, "pick-bin") == "A-03"
    walk = list(
        PickLine.objects.filter(pick_list=pick_list)
        .order_by("sequence")
        .values_list("sequence", "location__code", "product__sku", "status")
    )
    assert walk == [
        (1, "A-02", "MUG", "short"),
        (2, "A-03", "MUG", "open"),
        (3, "B-01", "LAMP", "open"),
    ]
    body = handheld.scan("B-A-03", "MUG")
    assert result_of(body) == ("ok", "Picked 1 x MUG")
    assert text_by_id(body, "pick-bin") == "B-01"


def test_a_reallocated_line_from_a_bin_already_passed_is_the_next_pick(
    mug: Any,
    lamp: Any,
    balm: Any,
    bins: Any,
    put: Any,
    order_for: Any,
    discrete: Any,
    handheld_on: Any,
) -> None:
    """The walk is A-02 lamp, A-03 mug, B-02 balm; A-03 is empty and the mug is found in A-01,
    behind the picker: it comes next, before B-02, not after it."""
    put(lamp, bins["A-02"], 5)
    put(mug, bins["A-03"], 1)
    put(balm, bins["B-02"], 5, LotFactory(product=balm, number="L-1", expiry_date=None))
    pick_list = discrete(order_for("SO-1", (lamp, 1), (mug, 1), (balm, 1)))
    put(mug, bins["A-01"], 5)
    handheld = handheld_on(pick_list)
    handheld.scan("B-A-02", "LAMP")
    handheld.scan("B-A-03")
    handheld.post(action="short")
    body = handheld.scan("0")
    assert result_of(body) == ("ok", "Short 1 at A-03; 1 found elsewhere and added to your list.")
    assert text_by_id(body, "pick-position") == "Line 3 of 4"
    assert text_by_id(body, "pick-bin") == "A-01"
    walk = list(
        PickLine.objects.filter(pick_list=pick_list)
        .order_by("sequence")
        .values_list("sequence", "location__code", "status")
    )
    assert walk == [
        (1, "A-02", "picked"),
        (2, "A-03", "short"),
        (3, "A-01", "open"),
        (4, "B-02", "open"),
    ]


def test_on_a_cart_bin_item_and_tote_pick_one_unit_and_counted_units_go_in_at_the_tote(
    handheld_on: Any, cluster: PickList
) -> None:
    handheld = handheld_on(cluster)
    handheld.scan("B-A-01", "LAMP")
    body = handheld.scan("TOTE-001")
    assert result_of(body) == ("ok", "Picked 1 x LAMP into TOTE-001")
    body = handheld.scan("B-A-01", "LAMP", "0009998887776")
    assert text_by_id(body, "pick-prompt") == "Scan an empty tote for slot B"
    body = handheld.scan("TOTE-002")
    assert result_of(body) == ("ok", "Picked 2 x LAMP into TOTE-002")
    assert picked() == [("LAMP", 1, None), ("LAMP", 2, None)]


def test_a_tote_scan_while_counting_confirms_what_was_counted_and_a_wrong_tote_is_refused(
    handheld_on: Any, cluster: PickList
) -> None:
    handheld = handheld_on(cluster)
    handheld.scan("B-A-01", "LAMP", "TOTE-001")
    body = handheld.scan("B-A-01", "LAMP")
    assert text_by_id(body, "pick-prompt") == (
        "1 of 2: scan LAMP again for each, or key how many, or scan the tote"
    )
    with assert_nothing_written():
        body = handheld.scan("TOTE-001")
    assert result_of(body) == (
        "error",
        "Tote TOTE-001 already holds order SO-1; take an empty one.",
    )
    assert handheld.fields["counted"] == "1"
    body = handheld.scan("TOTE-002")
    assert result_of(body) == ("ok", "Picked 1 x LAMP into TOTE-002")
    # One of the two went in; the line waits for the other, from the bin again.
    assert text_by_id(body, "pick-position") == "Line 2 of 3"
    assert text_by_id(body, "pick-qty") == "1 to pick"
    assert text_by_id(body, "pick-prompt") == "Go to A-01 and scan the bin"
    assert picked() == [("LAMP", 1, None), ("LAMP", 1, None)]
