"""Available to sell pushed to a Shopify-shaped store on loopback: minus the channel's buffer and
never below zero, held and allocated stock never counting, at most one push per SKU per debounce
window with the latest count, compare-and-set re-read and retried when the store changed, a 429
waited out, and a store that is down given only the latest count when it is back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from channels.models import ChannelStock
from channels.tasks import sync
from inventory.models import InventoryStatus
from inventory.services import ledger
from tests.channels.conftest import item

pytestmark = pytest.mark.django_db

WIDGET = item(101)


def run_sync() -> dict[str, int]:
    result: dict[str, int] = sync.apply().get()
    return result


def make_due() -> None:
    ChannelStock.objects.update(due_at=timezone.now())


def take(floor: Any, manager: Any, quantity: int) -> None:
    ledger.adjust(
        user=manager,
        product=floor.widget,
        location=floor.e01,
        quantity=-quantity,
        reason_code="DAMAGED",
    )


def test_the_first_sync_pushes_the_count_minus_the_buffer(
    floor: Any, shop: Any, make_channel: Any
) -> None:
    make_channel({"WIDGET": WIDGET}, buffer_units=1, buffer_percent=10)
    shop.stock(WIDGET, shop.location, 0)

    assert run_sync()["pushed"] == 1

    # 10 available in EAST (WEST's 5 are another warehouse's): 10 - 1 unit - 10 % = 8.
    assert shop.quantity(WIDGET) == 8
    (pushed,) = shop.sets
    assert pushed["compareQuantity"] == 0 and pushed["quantity"] == 8


def test_a_buffer_never_pushes_below_zero_and_held_stock_never_counts(
    floor: Any, shop: Any, make_channel: Any, manager: Any
) -> None:
    make_channel({"WIDGET": WIDGET}, buffer_units=4)
    shop.stock(WIDGET, shop.location, 3)
    ledger.change_status(
        user=manager,
        product=floor.widget,
        location=floor.e01,
        quantity=8,
        from_status=InventoryStatus.AVAILABLE,
        to_status=InventoryStatus.HOLD,
        reason_code="QC",
    )
    run_sync()
    assert shop.quantity(WIDGET) == 0  # 2 available, 4 held back


def test_changes_within_the_debounce_window_make_one_push_of_the_latest_count(
    floor: Any, shop: Any, make_channel: Any, manager: Any
) -> None:
    make_channel({"WIDGET": WIDGET})
    shop.stock(WIDGET, shop.location, 0)
    run_sync()
    assert shop.quantity(WIDGET) == 10

    take(floor, manager, 1)
    take(floor, manager, 2)
    take(floor, manager, 3)
    result = run_sync()
    assert result["marked"] >= 1 and result["pushed"] == 0  # inside the window: waits
    row = ChannelStock.objects.get()
    assert row.dirty and row.due_at > timezone.now()
    assert row.due_at - (row.pushed_at or timezone.now()) == dt.timedelta(seconds=3)

    make_due()
    assert run_sync()["pushed"] == 1
    assert [s["quantity"] for s in shop.sets] == [10, 4]
    assert run_sync()["pushed"] == 0


def test_a_stale_compare_rereads_the_store_and_retries(
    floor: Any, shop: Any, make_channel: Any, manager: Any
) -> None:
    make_channel({"WIDGET": WIDGET})
    shop.stock(WIDGET, shop.location, 0)
    run_sync()
    shop.stock(WIDGET, shop.location, 55)  # an order in the store, or someone's edit
    take(floor, manager, 2)
    make_due()
    run_sync()
    make_due()
    run_sync()

    assert shop.quantity(WIDGET) == 8
    assert shop.sets[-1]["compareQuantity"] == 55
    assert ChannelStock.objects.get().channel_quantity == 8


def test_a_429_is_waited_out_and_a_store_that_is_down_gets_only_the_latest_count(
    floor: Any, shop: Any, make_channel: Any, manager: Any
) -> None:
    make_channel({"WIDGET": WIDGET})
    shop.stock(WIDGET, shop.location, 10)
    ChannelStock.objects.update(channel_quantity=10)
    take(floor, manager, 1)
    make_due()
    shop.fault(status=429, retry_after=7)
    assert run_sync()["waiting"] == 1
    row = ChannelStock.objects.get()
    assert row.dirty and 6 < (row.due_at - timezone.now()).total_seconds() <= 7
    assert "429" in row.last_error

    shop.fault(status=503, times=1)
    make_due()
    assert run_sync()["waiting"] == 1
    take(floor, manager, 1)
    take(floor, manager, 1)
    run_sync()
    make_due()
    assert run_sync()["pushed"] == 1
    assert [s["quantity"] for s in shop.sets] == [7]  # not 9, not 8
    assert ChannelStock.objects.get().dirty is False


def test_a_pick_that_drops_the_available_count_is_pushed_to_the_store(
    wh: Any,
    bins: Any,
    staging: Any,
    mug: Any,
    put: Any,
    order_for: Any,
    manager: Any,
    operator: Any,
    shop: Any,
    make_channel: Any,
) -> None:
    from picking.services.picks import confirm_pick, next_pick_list
    from picking.services.waves import create_wave, release_wave

    mug_item = item(202)
    put(mug, bins["A-02"], 10)
    make_channel({"MUG": mug_item})
    shop.stock(mug_item, shop.location, 0)
    run_sync()
    assert shop.quantity(mug_item) == 10

    order = order_for("SO-CH-1", (mug, 3))
    wave = create_wave(warehouse=wh, order_ids=[order.pk], user=manager).wave
    release_wave(wave=wave, user=manager)
    pick_list = next_pick_list(operator, [wh.pk])
    assert pick_list is not None
    run_sync()  # marks the order's allocation; due one debounce after the last push
    make_due()
    run_sync()
    assert shop.quantity(mug_item) == 7  # allocated: no longer for sale

    line = pick_list.lines.get()
    confirm_pick(user=operator, pick_line_id=line.pk, location_code="A-02", item_code="MUG")
    run_sync()
    make_due()
    run_sync()
    # Picked units wait at staging for their order: still not for sale.
    assert shop.quantity(mug_item) == 7
    assert [s["quantity"] for s in shop.sets] == [10, 7]
