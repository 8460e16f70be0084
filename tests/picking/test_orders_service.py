"""picking.services.orders: idempotent create, refusals that write nothing, the one status
transition table, and cancel giving every reservation back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from inventory.models import Balance, Event, Reservation, ReservationStatus
from inventory.reconcile import find_drift
from picking.exceptions import DuplicateOrder, OrderRefused
from picking.models import (
    ORDER_TRANSITIONS,
    Order,
    OrderLine,
    OrderStatus,
    PickLine,
    PickLineStatus,
)
from picking.services.allocation import allocate_orders
from picking.services.orders import (
    OrderLineSpec,
    cancel_order,
    check_transition,
    create_order,
    lock_order,
    transition,
)
from picking.services.waves import create_wave, release_wave
from tests.factories import ProductFactory
from tests.helpers import assert_unchanged_since, snapshot
from tests.picking.conftest import SHIP_TO
from wms.exceptions import InvalidTransition

pytestmark = pytest.mark.django_db


@pytest.fixture
def create(acme_outdoor: Any, wh: Any, manager: Any) -> Callable[..., Any]:
    def _create(reference: str, *lines: tuple[Any, int], **fields: Any) -> Any:
        return create_order(
            client=fields.pop("client", acme_outdoor),
            warehouse=wh,
            reference=reference,
            ship_to=SHIP_TO,
            lines=[OrderLineSpec(product, qty) for product, qty in lines],
            user=manager,
            **fields,
        )

    return _create


def test_create_writes_the_order_its_lines_and_one_event(create: Any, mug: Any, lamp: Any) -> None:
    order, created = create("SO-1", (mug, 2), (lamp, 1))

    assert created is True
    assert (order.status, order.total_units, order.line_count) == (OrderStatus.NEW, 3, 2)
    assert list(order.lines.values_list("line_number", "product__sku", "quantity")) == [
        (1, "MUG", 2),
        (2, "LAMP", 1),
    ]
    event = Event.objects.get(type="order.created")
    assert event.payload["lines"] == [
        {"line": 1, "sku": "MUG", "quantity": 2},
        {"line": 2, "sku": "LAMP", "quantity": 1},
    ]


def test_a_repeat_returns_the_existing_order_and_writes_nothing(
    create: Any, mug: Any, lamp: Any
) -> None:
    first, _ = create("SO-1", (mug, 2), (lamp, 1))
    before = snapshot()

    again, created = create(" SO-1 ", (mug, 2), (lamp, 1))

    assert (again.pk, created) == (first.pk, False)
    assert_unchanged_since(before)


def test_the_same_reference_with_other_lines_is_refused_and_writes_nothing(
    create: Any, mug: Any, lamp: Any
) -> None:
    create("SO-1", (mug, 2))
    before = snapshot()

    with pytest.raises(DuplicateOrder, match="SO-1 already exists .* with other lines"):
        create("SO-1", (mug, 3))
    with pytest.raises(DuplicateOrder):
        create("SO-1", (mug, 2), (lamp, 1))

    assert_unchanged_since(before)
    assert OrderLine.objects.get().quantity == 2


def test_another_clients_sku_is_refused_and_writes_nothing(
    create: Any, mug: Any, other_client: Any
) -> None:
    theirs = ProductFactory(client=other_client, sku="THEIRS")
    before = snapshot()

    with pytest.raises(OrderRefused) as refused:
        create("SO-1", (mug, 1), (theirs, 1))

    assert refused.value.field_errors == {
        "lines.2.product": ["Line 2: SKU THEIRS belongs to another client."]
    }
    assert_unchanged_since(before)


def test_an_inactive_sku_is_refused(create: Any, acme_outdoor: Any) -> None:
    retired = ProductFactory(client=acme_outdoor, sku="OLD", is_active=False)
    before = snapshot()

    with pytest.raises(OrderRefused, match="SKU OLD is inactive"):
        create("SO-1", (retired, 1))

    assert_unchanged_since(before)


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_quantity_below_one_is_refused(create: Any, mug: Any, quantity: int) -> None:
    before = snapshot()

    with pytest.raises(OrderRefused) as refused:
        create("SO-1", (mug, quantity))

    assert list(refused.value.field_errors) == ["lines.1.quantity"]
    assert_unchanged_since(before)


def test_an_inactive_client_is_refused(create: Any, mug: Any, acme_outdoor: Any) -> None:
    acme_outdoor.is_active = False
    acme_outdoor.save()
    before = snapshot()

    with pytest.raises(OrderRefused, match="Client acme-outdoor is inactive"):
        create("SO-1", (mug, 1))

    assert_unchanged_since(before)


def test_an_empty_reference_or_no_lines_is_refused(create: Any, mug: Any) -> None:
    before = snapshot()

    with pytest.raises(OrderRefused, match="needs the client's reference"):
        create("  ", (mug, 1))
    with pytest.raises(OrderRefused, match="at least one line"):
        create("SO-1")

    assert_unchanged_since(before)


ALL = list(OrderStatus.values)


@pytest.mark.parametrize("from_status", ALL)
@pytest.mark.parametrize("to_status", ALL)
def test_the_transition_table_is_the_only_judge(from_status: str, to_status: str) -> None:
    """Every (from, to) pair: allowed exactly when ORDER_TRANSITIONS lists it."""
    order = Order(reference="SO-T", status=from_status)
    if to_status in ORDER_TRANSITIONS[from_status]:
        check_transition(order, to_status)
    else:
        with pytest.raises(
            InvalidTransition, match=f"is {from_status.replace('_', ' ')} and cannot become"
        ):
            check_transition(order, to_status)


def test_the_table_matches_the_documented_lifecycle() -> None:
    assert ORDER_TRANSITIONS[OrderStatus.PACKED] == {OrderStatus.SHIPPED}
    assert ORDER_TRANSITIONS[OrderStatus.SHIPPED] == frozenset()
    assert ORDER_TRANSITIONS[OrderStatus.CANCELLED] == frozenset()
    assert OrderStatus.RELEASED not in ORDER_TRANSITIONS[OrderStatus.PARTIALLY_ALLOCATED]
    cancellable = {
        s for s, allowed in ORDER_TRANSITIONS.items() if OrderStatus.CANCELLED in allowed
    }
    assert cancellable == set(ALL) - {
        OrderStatus.PACKED,
        OrderStatus.SHIPPED,
        OrderStatus.CANCELLED,
    }


def test_a_refused_transition_writes_nothing(create: Any, mug: Any, manager: Any) -> None:
    order, _ = create("SO-1", (mug, 1))
    before = snapshot()

    with (
        pytest.raises(InvalidTransition, match="SO-1 is new and cannot become shipped"),
        transaction.atomic(),
    ):
        transition(lock_order(order), OrderStatus.SHIPPED, manager)

    order.refresh_from_db()
    assert order.status == OrderStatus.NEW
    assert_unchanged_since(before)


def test_cancel_releases_every_reservation_of_a_released_order(
    wh: Any, staging: Any, bins: Any, mug: Any, lamp: Any, put: Any, create: Any, manager: Any
) -> None:
    """SO-1 reserves 2 mugs (A-01) and 1 lamp (A-02) and is released as a list; cancel gives
    all 3 back, zeroes the lines' allocation, cancels the open pick lines, and says so."""
    put(mug, bins["A-01"], 5)
    put(lamp, bins["A-02"], 5)
    order, _ = create("SO-1", (mug, 2), (lamp, 1))
    wave = create_wave(warehouse=wh, order_ids=[order.pk], user=manager).wave
    release_wave(wave=wave, user=manager)

    cancel_order(order=order, user=manager)

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert not Reservation.objects.filter(status=ReservationStatus.ACTIVE).exists()
    assert Reservation.objects.filter(status=ReservationStatus.RELEASED).count() == 2
    assert set(Balance.objects.values_list("allocated", flat=True)) == {0}
    assert set(order.lines.values_list("allocated_qty", flat=True)) == {0}
    assert set(PickLine.objects.values_list("status", flat=True)) == {PickLineStatus.CANCELLED}
    event = Event.objects.get(type="order.cancelled")
    assert (event.payload["released_units"], event.payload["picked_units_to_put_back"]) == (3, 0)
    assert find_drift() == []


def test_cancel_is_refused_once_packed_and_changes_nothing(
    bins: Any, mug: Any, put: Any, create: Any, manager: Any
) -> None:
    """Walked through the table: allocated -> released -> picked -> packed. Cancel is refused;
    the reservation, the order and the events stay as they were."""
    put(mug, bins["A-01"], 5)
    order, _ = create("SO-1", (mug, 2))
    allocate_orders(order_ids=[order.pk], user=manager)
    with transaction.atomic():
        locked = lock_order(order)
        for status in (OrderStatus.RELEASED, OrderStatus.PICKED, OrderStatus.PACKED):
            transition(locked, status, manager)
    before = snapshot()

    with pytest.raises(InvalidTransition, match="SO-1 is packed and cannot become cancelled"):
        cancel_order(order=order, user=manager)

    order.refresh_from_db()
    assert order.status == OrderStatus.PACKED
    assert_unchanged_since(before)
    assert Reservation.objects.get().status == ReservationStatus.ACTIVE
    assert Balance.objects.get(product=mug).allocated == 2
