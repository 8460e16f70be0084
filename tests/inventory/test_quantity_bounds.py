"""The ledger services refuse quantities beyond PostgreSQL's integer themselves (InvalidQuantity,
nothing written), whoever calls them, instead of leaving `inventory_post_leg`'s integer
arguments to fail in the database as a 500. An adjustment of -2**31 once reached the function,
which negated it into 2**31."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.exceptions import InvalidQuantity
from inventory.models import Balance
from inventory.services import ledger
from tests.helpers import assert_nothing_written

TOO_MANY = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("quantity", [*TOO_MANY, -(2**31), -(2**63)])
def test_an_adjustment_beyond_the_integer_column_is_refused_before_the_database(
    manager: Any, widget: Any, bin_a: Any, quantity: int
) -> None:
    with assert_nothing_written(), pytest.raises(InvalidQuantity) as refused:
        ledger.adjust(
            user=manager, product=widget, location=bin_a, quantity=quantity, reason_code="FOUND"
        )
    assert "at most 2147483647 either way" in refused.value.message


@pytest.mark.parametrize("quantity", TOO_MANY)
def test_receive_move_and_reserve_refuse_it_too(
    manager: Any, widget: Any, bin_a: Any, bin_b: Any, quantity: int
) -> None:
    ledger.receive(user=manager, product=widget, quantity=5, location=bin_a)
    balance = Balance.objects.get(location=bin_a, product=widget)
    with assert_nothing_written():
        with pytest.raises(InvalidQuantity):
            ledger.receive(user=manager, product=widget, quantity=quantity, location=bin_a)
        with pytest.raises(InvalidQuantity):
            ledger.move(
                user=manager,
                product=widget,
                quantity=quantity,
                from_location=bin_a,
                to_location=bin_b,
            )
        with pytest.raises(InvalidQuantity):
            ledger.reserve(
                user=manager,
                balance_id=balance.pk,
                quantity=quantity,
                reference_type="test",
                reference_id="1",
            )


def test_the_largest_quantity_the_column_holds_is_posted(
    manager: Any, widget: Any, bin_a: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=2**31 - 1, location=bin_a)
    assert Balance.objects.get(location=bin_a, product=widget).on_hand == 2**31 - 1
