"""picking.services.orders.revise_order: an order whose sales order changed upstream (the ERP
pull) takes its new lines, ship-to and service level while nothing is reserved for it, and is
refused, with nothing written, once stock is allocated."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from inventory.models import Event
from picking.exceptions import OrderRefused
from picking.models import OrderStatus, ServiceLevel
from picking.services.allocation import allocate_orders
from picking.services.orders import OrderLineSpec, revise_order
from tests.factories import ProductFactory
from tests.helpers import assert_nothing_written
from tests.picking.conftest import SHIP_TO

pytestmark = pytest.mark.django_db

NEW_ADDRESS = replace(SHIP_TO, street1="2 Difference Engine Rd", postal_code="02111")


def test_a_new_order_takes_the_new_lines_ship_to_and_service_level(
    order_for: Any, mug: Any, lamp: Any, manager: Any
) -> None:
    order = order_for("SO-1", (mug, 2), (lamp, 1))

    revised = revise_order(
        order=order,
        ship_to=NEW_ADDRESS,
        lines=[OrderLineSpec(lamp, 4)],
        service_level=ServiceLevel.OVERNIGHT,
        user=manager,
    )

    revised.refresh_from_db()
    assert list(revised.lines.values_list("line_number", "product__sku", "quantity")) == [
        (1, "LAMP", 4)
    ]
    assert (revised.ship_to_street1, revised.ship_to_postal_code) == (
        "2 Difference Engine Rd",
        "02111",
    )
    assert (revised.service_level, revised.total_units, revised.line_count) == (
        ServiceLevel.OVERNIGHT,
        4,
        1,
    )
    assert revised.status == OrderStatus.NEW
    event = Event.objects.get(type="order.revised")
    assert event.payload == {
        "order_id": order.pk,
        "reference": "SO-1",
        "lines": [{"line": 1, "sku": "LAMP", "quantity": 4}],
    }


def test_an_allocated_order_is_refused_and_nothing_is_written(
    order_for: Any, mug: Any, lamp: Any, bins: Any, put: Any, manager: Any
) -> None:
    put(mug, bins["A-01"], 5)
    order = order_for("SO-1", (mug, 2))
    allocate_orders(order_ids=[order.pk], user=manager)

    with (
        assert_nothing_written(),
        pytest.raises(OrderRefused, match="SO-1 is allocated: it can only change before"),
    ):
        revise_order(order=order, ship_to=SHIP_TO, lines=[OrderLineSpec(lamp, 1)], user=manager)


def test_a_line_of_another_clients_sku_is_refused_and_nothing_is_written(
    order_for: Any, mug: Any, manager: Any
) -> None:
    order = order_for("SO-1", (mug, 2))
    stranger = ProductFactory(sku="NOT-OURS")

    with (
        assert_nothing_written(),
        pytest.raises(OrderRefused, match="SKU NOT-OURS belongs to another client"),
    ):
        revise_order(order=order, ship_to=SHIP_TO, lines=[OrderLineSpec(stranger, 1)], user=manager)
