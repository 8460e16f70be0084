"""Orders from the store become our orders (once, by the store's id), a change or cancellation
in the store is applied while the warehouse allows it and flagged once it does not, and shipping
an order posts its fulfilment with carrier and tracking back to the store."""

from __future__ import annotations

from typing import Any

import pytest

from channels.models import ChannelOrder
from channels.services.orders import pull
from channels.tasks import sync
from picking.models import Order, OrderStatus
from shipping.models import ShipmentStatus
from shipping.services import dispatch
from shipping.tasks import rate_shipment
from tests.channels.conftest import item

pytestmark = pytest.mark.django_db


def lines_of(order: Order) -> list[tuple[str, int]]:
    return [(line.product.sku, line.quantity) for line in order.lines.order_by("line_number")]


def test_store_orders_are_created_once_and_changes_applied(
    floor: Any, shop: Any, make_channel: Any
) -> None:
    channel = make_channel({"WIDGET": item(401)})
    first = shop.add_order(1001, [("WIDGET", 2)])
    second = shop.add_order(1002, [("WIDGET", 1), ("SERUM", 1)])

    summary = pull(channel_id=channel.pk)
    again = pull(channel_id=channel.pk)

    assert (summary.created, again.created, again.unchanged) == (2, 0, 1)
    orders = {o.reference: o for o in Order.objects.filter(client=floor.acme_outdoor)}
    assert set(orders) == {"#1001", "#1002"}
    assert lines_of(orders["#1001"]) == [("WIDGET", 2)]
    assert orders["#1001"].ship_to_name == "Ada Lovelace"

    shop.change_order(first, lines=[("WIDGET", 5)])
    shop.change_order(second, cancel=True)
    changed = pull(channel_id=channel.pk)

    assert (changed.revised, changed.cancelled) == (1, 1)
    assert lines_of(Order.objects.get(pk=orders["#1001"].pk)) == [("WIDGET", 5)]
    assert Order.objects.get(pk=orders["#1002"].pk).status == OrderStatus.CANCELLED
    assert Order.objects.filter(client=floor.acme_outdoor).count() == 2


def test_a_change_the_warehouse_no_longer_allows_is_flagged_not_applied(
    floor: Any, shop: Any, make_channel: Any, manager: Any
) -> None:
    from picking.services.allocation import allocate_orders

    channel = make_channel({"WIDGET": item(402)})
    gid = shop.add_order(1003, [("WIDGET", 2)])
    pull(channel_id=channel.pk)
    order = Order.objects.get(reference="#1003")
    allocate_orders(order_ids=[order.pk], user=manager)

    shop.change_order(gid, lines=[("WIDGET", 9)])
    summary = pull(channel_id=channel.pk)

    assert summary.flagged == 1
    link = ChannelOrder.objects.get(channel_order_id=gid)
    assert link.flag.startswith("The store's change could not be applied: Order #1003 is")
    assert lines_of(Order.objects.get(pk=order.pk)) == [("WIDGET", 2)]


def test_an_order_the_store_cancelled_before_we_saw_it_is_not_created(
    floor: Any, shop: Any, make_channel: Any
) -> None:
    channel = make_channel({"WIDGET": item(403)})
    gid = shop.add_order(1004, [("WIDGET", 1)])
    shop.change_order(gid, cancel=True)
    assert pull(channel_id=channel.pk).skipped == 1
    assert not Order.objects.filter(reference="#1004").exists()


def test_shipping_an_order_posts_its_fulfilment_with_tracking(
    carrier_settings: Any, packed: Any, shop: Any, make_channel: Any, operator: Any
) -> None:
    channel = make_channel({})
    shop.add_order(2001, [(packed.product.sku, 2)])
    ChannelOrder.objects.create(
        channel=channel,
        channel_order_id="gid://shopify/Order/2001",
        name="#2001",
        order_id=packed.order.pk,
        fulfillment_order_id="gid://shopify/FulfillmentOrder/2001",
    )
    for shipment in packed.shipments:
        assert rate_shipment.apply(args=[shipment.pk]).get() == ShipmentStatus.LABEL_PURCHASED
    sync.apply().get()
    assert shop.fulfillments == []  # not shipped yet

    for carton in packed.cartons:
        dispatch.ship_carton(user=operator, code=carton.lpn.code, ship_dock=packed.dock)
    assert sync.apply().get()["fulfilled"] == 1
    assert sync.apply().get()["fulfilled"] == 0

    (posted,) = shop.fulfillments
    tracking = [s.tracking_code for s in packed.order.shipments.order_by("pk")]
    assert posted["fulfillment_orders"] == ["gid://shopify/FulfillmentOrder/2001"]
    assert posted["tracking"]["numbers"] == tracking and posted["tracking"]["company"]
    link = ChannelOrder.objects.get(name="#2001")
    assert link.fulfilled_at is not None and link.fulfillment_pending is False


def test_the_beat_tasks_pull_every_channel_and_compare_it_nightly(
    floor: Any, shop: Any, make_channel: Any
) -> None:
    from channels.models import DriftReport
    from channels.tasks import drift_all, pull_orders

    channel = make_channel({"WIDGET": item(404)})
    shop.add_order(1005, [("WIDGET", 1)])
    shop.stock(item(404), shop.location, 2)

    assert pull_orders.apply().get() == {channel.pk: 1}
    assert drift_all.apply().get() == {channel.pk: 1}
    report = DriftReport.objects.get(channel=channel)
    # The pulled order is not allocated yet (that is the wave's work): 10 are for sale.
    assert report.differences == [{"sku": "WIDGET", "ours": 10, "channel": 2, "difference": -8}]
