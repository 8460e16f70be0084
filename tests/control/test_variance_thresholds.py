"""Variance thresholds, worked by hand: 5 units, 10 % of the expected quantity, 100.00 of value
(the product's unit cost); any one exceeded needs a recount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from control.models import CountSettings
from control.services.counts import exceeds_threshold

THRESHOLDS = CountSettings(max_units=5, max_percent=Decimal("10"), max_value=Decimal("100"))


@pytest.mark.parametrize(
    ("expected", "counted", "unit_cost", "needs_recount"),
    [
        (100, 100, Decimal("1000"), False),  # no difference, whatever the value
        (100, 95, Decimal("1"), False),  # 5 units, 5 %, 5.00: all within
        (100, 94, Decimal("1"), True),  # 6 units > 5
        (40, 36, Decimal("1"), False),  # 4 units, exactly 10 %: within
        (30, 27, Decimal("1"), False),  # 3 units, 10 % of 30: within
        (20, 17, Decimal("1"), True),  # 3 units, 15 % > 10 %
        (200, 197, Decimal("33.33"), False),  # 3 units, 1.5 %, 99.99: within
        (200, 197, Decimal("33.34"), True),  # 100.02 > 100.00
        (0, 1, Decimal("0"), True),  # found where none was expected
        (1, 0, Decimal("0"), True),  # 100 % missing
    ],
)
def test_thresholds(expected: int, counted: int, unit_cost: Decimal, needs_recount: bool) -> None:
    assert (
        exceeds_threshold(
            expected=expected, counted=counted, unit_cost=unit_cost, thresholds=THRESHOLDS
        )
        is needs_recount
    )
