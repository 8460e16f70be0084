"""The allocation planner against hand-worked examples: pure Python, no database. Each test's
docstring is the worked example; the grants are (balance id, quantity, order line reference)."""

from __future__ import annotations

import datetime as dt

from inventory.locks import Allocatable
from inventory.models import LocationKind
from inventory.services.ledger import Grant
from picking.rotation import Demand, plan

FACE = LocationKind.PICK_FACE
BULK = LocationKind.STORAGE
TODAY = dt.date(2025, 6, 1)
PRODUCT = 7


def row(
    balance_id: int,
    available: int,
    *,
    kind: str = FACE,
    sequence: int = 0,
    expiry: dt.date | None = None,
    received: dt.date = dt.date(2025, 1, 1),
    product_id: int = PRODUCT,
) -> Allocatable:
    """A locked balance as inventory.locks returns it; the location is named after the balance."""
    return Allocatable(
        balance_id=balance_id,
        product_id=product_id,
        location_id=100 + balance_id,
        location_code=f"L-{balance_id}",
        location_kind=kind,
        zone_id=None,
        pick_sequence=sequence or balance_id,
        lot_id=(1000 + balance_id) if expiry else None,
        expiry_date=expiry,
        lpn_id=None,
        available=available,
        first_received_at=dt.datetime.combine(received, dt.time(9), tzinfo=dt.UTC),
    )


def fifo(quantity: int, ref: str = "1", product_id: int = PRODUCT) -> Demand:
    return Demand(reference_id=ref, product_id=product_id, quantity=quantity)


def fefo(quantity: int, shelf_life_days: int = 0, ref: str = "1") -> Demand:
    return Demand(
        reference_id=ref,
        product_id=PRODUCT,
        quantity=quantity,
        fefo=True,
        min_expiry=TODAY + dt.timedelta(days=shelf_life_days),
    )


def test_fefo_takes_the_earliest_expiry_first() -> None:
    """Lots: #1 expires 1 Sep (10 free), #2 expires 1 Jul (10), #3 expires 1 Aug (10).
    Need 12: all 10 of July (#2), then 2 of August (#3); September untouched."""
    rows = [
        row(1, 10, expiry=dt.date(2025, 9, 1)),
        row(2, 10, expiry=dt.date(2025, 7, 1)),
        row(3, 10, expiry=dt.date(2025, 8, 1)),
    ]
    assert plan([fefo(12)], rows) == [Grant(2, 10, "1"), Grant(3, 2, "1")]


def test_fefo_never_takes_an_expired_lot() -> None:
    """Today 1 Jun, no minimum shelf life. #1 expired 31 May (100 free), #2 expires today (3).
    Need 5: 3 from #2 (expiring today is still sellable today); the expired lot never, even
    though it alone would cover the need."""
    rows = [row(1, 100, expiry=dt.date(2025, 5, 31)), row(2, 3, expiry=TODAY)]
    assert plan([fefo(5)], rows) == [Grant(2, 3, "1")]


def test_fefo_respects_the_clients_minimum_remaining_shelf_life() -> None:
    """Client wants 30 days left: the earliest acceptable expiry is 1 Jun + 30 = 1 Jul.
    #1 expires 30 Jun (one day short, 50 free), #2 exactly 1 Jul (4), #3 1 Dec (50).
    Need 6: 4 of #2, then 2 of #3; #1 never."""
    rows = [
        row(1, 50, expiry=dt.date(2025, 6, 30)),
        row(2, 4, expiry=dt.date(2025, 7, 1)),
        row(3, 50, expiry=dt.date(2025, 12, 1)),
    ]
    assert plan([fefo(6, shelf_life_days=30)], rows) == [Grant(2, 4, "1"), Grant(3, 2, "1")]


def test_fefo_takes_undated_stock_last() -> None:
    """#1 has no expiry date and was received first (1 Jan), #2 expires in 2027 (received
    1 May). Need 8, #2 holds 5: the dated 5 first, then 3 of the undated."""
    rows = [
        row(1, 10, received=dt.date(2025, 1, 1)),
        row(2, 5, expiry=dt.date(2027, 1, 1), received=dt.date(2025, 5, 1)),
    ]
    assert plan([fefo(8)], rows) == [Grant(2, 5, "1"), Grant(1, 3, "1")]


def test_fifo_takes_the_earliest_receipt_first() -> None:
    """No expiry tracking. #1 pick face received 5 Mar, #2 bulk received 1 Mar, #3 pick face
    received 10 Mar. Need 7: the oldest receipt wins over the pick face: 6 of #2 (all it
    has), then 1 of #1; #3 untouched."""
    rows = [
        row(1, 6, received=dt.date(2025, 3, 5)),
        row(2, 6, kind=BULK, received=dt.date(2025, 3, 1)),
        row(3, 6, received=dt.date(2025, 3, 10)),
    ]
    assert plan([fifo(7)], rows) == [Grant(2, 6, "1"), Grant(1, 1, "1")]


def test_pick_face_before_bulk_when_rotation_ranks_them_equal() -> None:
    """Both received 1 Mar. #1 is bulk with the lower id and walking position, #2 a pick face.
    Need 4: the pick face, although bulk comes first on the walk."""
    rows = [
        row(1, 20, kind=BULK, sequence=1, received=dt.date(2025, 3, 1)),
        row(2, 20, kind=FACE, sequence=99, received=dt.date(2025, 3, 1)),
    ]
    assert plan([fifo(4)], rows) == [Grant(2, 4, "1")]


def test_pick_face_before_bulk_under_fefo_for_the_same_expiry() -> None:
    """Same lot expiry (1 Sep) in bulk #1 and on pick face #2; need 2: the pick face."""
    rows = [
        row(1, 9, kind=BULK, expiry=dt.date(2025, 9, 1)),
        row(2, 9, kind=FACE, expiry=dt.date(2025, 9, 1)),
    ]
    assert plan([fefo(2)], rows) == [Grant(2, 2, "1")]


def test_one_bin_that_covers_the_need_beats_two() -> None:
    """Equal rank, free 5 (#1), 5 (#2), 10 (#3), 9 (#4). Need 8: the smallest single bin that
    covers it, #4 (9), rather than #1 + #2 in walking order, and leaving #3 whole."""
    rows = [row(1, 5), row(2, 5), row(3, 10), row(4, 9)]
    assert plan([fifo(8)], rows) == [Grant(4, 8, "1")]


def test_without_a_covering_bin_the_largest_go_first() -> None:
    """Equal rank, free 5 (#1), 8 (#2), 3 (#3). Need 12: no bin covers it; 8 of #2, then 4 of
    #1: two locations instead of three."""
    rows = [row(1, 5), row(2, 8), row(3, 3)]
    assert plan([fifo(12)], rows) == [Grant(2, 8, "1"), Grant(1, 4, "1")]


def test_partial_when_there_is_not_enough() -> None:
    """Free 4 (#1) and 3 (#2); need 10: grants add up to the 7 there are, nothing invented."""
    rows = [row(1, 4), row(2, 3)]
    grants = plan([fifo(10)], rows)
    assert grants == [Grant(1, 4, "1"), Grant(2, 3, "1")]
    assert sum(g.quantity for g in grants) == 7


def test_demands_are_served_in_the_order_given() -> None:
    """One bin with 8 free; lines "a" and "b" want 6 each. Given a then b: a gets 6, b 2.
    Given b then a: b gets 6, a 2."""
    rows = [row(1, 8)]
    assert plan([fifo(6, "a"), fifo(6, "b")], rows) == [Grant(1, 6, "a"), Grant(1, 2, "b")]
    assert plan([fifo(6, "b"), fifo(6, "a")], rows) == [Grant(1, 6, "b"), Grant(1, 2, "a")]


def test_never_more_than_free_over_many_demands() -> None:
    """Free 3 (#1) and 4 (#2); five lines want 2 each (10 in all, 7 free).
    Line 1: both cover 2, the smaller #1 (3) -> #1 has 1 left. Line 2: only #2 covers -> 2
    left. Line 3: #2 covers -> 0 left. Line 4: nothing covers, the largest first: 1 of #1.
    Line 5: nothing is left. Per balance the grants equal what was free, never more."""
    rows = [row(1, 3), row(2, 4)]
    grants = plan([fifo(2, str(n)) for n in range(1, 6)], rows)
    assert grants == [
        Grant(1, 2, "1"),
        Grant(2, 2, "2"),
        Grant(2, 2, "3"),
        Grant(1, 1, "4"),
    ]
    per_balance = {b: sum(g.quantity for g in grants if g.balance_id == b) for b in (1, 2)}
    assert per_balance == {1: 3, 2: 4}


def test_other_products_stock_is_never_granted() -> None:
    """Product 7 wants 2; only product 8 has stock: no grant."""
    assert plan([fifo(2)], [row(1, 50, product_id=8)]) == []
