"""Backorders retry themselves when stock arrives: the beat task allocates waiting orders whose
products now have free stock in a pickable bin, and leaves the others alone."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import InventoryStatus
from picking.models import OrderStatus
from picking.services.allocation import allocate_orders
from picking.services.backorders import orders_with_stock_now
from picking.tasks import retry_backorders_task

pytestmark = pytest.mark.django_db


def test_backordered_order_is_allocated_when_stock_arrives(
    use_tenant: Any, bins: Any, mug: Any, lamp: Any, put: Any, order_for: Any, manager: Any
) -> None:
    waiting = order_for("SO-WAIT", (mug, 4))
    other = order_for("SO-OTHER", (lamp, 1))
    allocate_orders(order_ids=[waiting.pk, other.pk], user=manager)
    waiting.refresh_from_db()
    assert waiting.status == OrderStatus.BACKORDERED
    assert orders_with_stock_now() == []

    put(mug, bins["A-01"], 3)
    assert orders_with_stock_now() == [waiting.pk]
    assert retry_backorders_task() == 3
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert waiting.status == OrderStatus.PARTIALLY_ALLOCATED
    assert other.status == OrderStatus.BACKORDERED

    put(mug, bins["A-02"], 1)
    assert retry_backorders_task() == 1
    waiting.refresh_from_db()
    assert waiting.status == OrderStatus.ALLOCATED
    assert orders_with_stock_now() == []


def test_stock_on_hold_or_in_unpickable_bins_does_not_wake_a_backorder(
    use_tenant: Any, bins: Any, dock: Any, mug: Any, order_for: Any, manager: Any
) -> None:
    from inventory.services import ledger

    waiting = order_for("SO-WAIT", (mug, 1))
    allocate_orders(order_ids=[waiting.pk], user=manager)
    ledger.receive(user=manager, product=mug, location=dock, quantity=5)
    ledger.receive(
        user=manager, product=mug, location=bins["A-01"], quantity=5, status=InventoryStatus.HOLD
    )
    assert orders_with_stock_now() == []
    assert retry_backorders_task() == 0
    waiting.refresh_from_db()
    assert waiting.status == OrderStatus.BACKORDERED
