"""Desk order pages: the list (filters, pagination, a fixed number of queries), bulk allocate,
cancel (confirmed first) and wave, create by form, the detail page with allocations, picks and
events, and who may see them: managers yes, operators and client users no, nothing outside the
scope."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Reservation, ReservationStatus
from picking.models import Order, OrderStatus, Wave
from picking.services.allocation import allocate_orders
from picking.services.picks import confirm_pick, next_pick_list
from picking.services.waves import create_wave, release_wave
from tests.factories import ProductFactory
from tests.helpers import assert_unchanged_since, snapshot

pytestmark = pytest.mark.django_db


def test_list_shows_orders_and_filters_them(
    http_for: Any, manager: Any, mug: Any, lamp: Any, order_for: Any
) -> None:
    order_for("SO-1", (mug, 1), carrier_service="UPS Ground", priority=2)
    order_for("SO-2", (lamp, 2), carrier_service="FedEx")
    http = http_for(manager)
    page = http.get("/outbound/orders/")
    assert page.status_code == 200
    assert "SO-1" in page.text and "SO-2" in page.text
    assert "SO-2" not in http.get("/outbound/orders/?carrier_service=ups+ground").text
    assert "SO-1" not in http.get("/outbound/orders/?q=SO-2").text
    assert "SO-1" in http.get("/outbound/orders/?q=lovelace").text
    assert "No orders match" in http.get("/outbound/orders/?status=cancelled").text


def test_list_paginates_with_a_fixed_number_of_queries(
    http_for: Any,
    manager: Any,
    mug: Any,
    lamp: Any,
    order_for: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(55):
        order_for(f"SO-{n:03d}", (mug, 1), (lamp, 1))
    http = http_for(manager)
    http.get("/outbound/orders/")
    # Constant however many orders: tenant, session, user, permissions, count, carrier
    # choices, filter choices and one query for the page's orders with client, warehouse
    # and wave joined (django-tenants adds a SET search_path before most).
    with django_assert_max_num_queries(18):
        page = http.get("/outbound/orders/")
    assert "Page 1 of 2 (55 in all)" in page.text
    assert page.text.count('name="order"') == 50
    with django_assert_max_num_queries(18):
        assert http.get("/outbound/orders/?page=2").text.count('name="order"') == 5


def test_htmx_search_returns_only_the_table(
    http_for: Any, manager: Any, mug: Any, order_for: Any
) -> None:
    order_for("SO-1", (mug, 1))
    response = http_for(manager).get("/outbound/orders/?q=SO", HTTP_HX_REQUEST="true")
    assert "SO-1" in response.text
    assert "<html" not in response.text


@pytest.mark.parametrize("persona", ["operator", "client_user"])
def test_operators_and_client_users_may_not_use_the_order_desk(
    http_for: Any, request: Any, persona: str, mug: Any, order_for: Any
) -> None:
    order = order_for("SO-1", (mug, 1))
    http = http_for(request.getfixturevalue(persona))
    before = snapshot()
    assert http.get("/outbound/orders/").status_code == 403
    assert http.get(f"/outbound/orders/{order.pk}/").status_code == 403
    assert (
        http.post("/outbound/orders/bulk/", {"action": "cancel", "order": order.pk}).status_code
        == 403
    )
    assert http.post(f"/outbound/orders/{order.pk}/cancel/").status_code == 403
    assert_unchanged_since(before)


def test_bulk_allocate_shows_the_summary(
    http_for: Any, manager: Any, bins: Any, mug: Any, lamp: Any, put: Any, order_for: Any
) -> None:
    put(mug, bins["A-02"], 5)
    first = order_for("SO-1", (mug, 2))
    second = order_for("SO-2", (lamp, 1))
    http = http_for(manager)
    response = http.post(
        "/outbound/orders/bulk/",
        {"action": "allocate", "order": [first.pk, second.pk]},
        follow=True,
    )
    assert "1 allocated, 0 partially allocated, 1 backordered; 2 units reserved." in response.text
    assert Order.objects.get(pk=first.pk).status == OrderStatus.ALLOCATED


def test_bulk_cancel_asks_first_then_reports_refusals_by_reference(
    http_for: Any, manager: Any, mug: Any, order_for: Any
) -> None:
    open_order = order_for("SO-1", (mug, 1))
    packed = order_for("SO-2", (mug, 1))
    Order.objects.filter(pk=packed.pk).update(status=OrderStatus.PACKED)
    http = http_for(manager)
    asked = http.post(
        "/outbound/orders/bulk/", {"action": "cancel", "order": [open_order.pk, packed.pk]}
    )
    assert asked.status_code == 302
    before = snapshot()
    confirm = http.get(asked["Location"])
    assert "Cancel 2 orders?" in confirm.text
    assert_unchanged_since(before)
    done = http.post("/outbound/orders/cancel/", {"order": [open_order.pk, packed.pk]}, follow=True)
    assert "Cancelled 1: SO-1." in done.text
    assert "Not cancelled: SO-2: Order SO-2 is packed and cannot become cancelled" in done.text
    assert Order.objects.get(pk=packed.pk).status == OrderStatus.PACKED
    assert Order.objects.get(pk=open_order.pk).status == OrderStatus.CANCELLED


def test_bulk_wave_creates_a_planned_wave(
    http_for: Any, manager: Any, bins: Any, mug: Any, put: Any, order_for: Any
) -> None:
    put(mug, bins["A-02"], 5)
    orders = [order_for(f"SO-{n}", (mug, 1)) for n in range(2)]
    response = http_for(manager).post(
        "/outbound/orders/bulk/", {"action": "wave", "order": [o.pk for o in orders]}
    )
    wave = Wave.objects.get()
    assert response["Location"] == f"/outbound/waves/{wave.pk}/"
    assert set(wave.orders.values_list("reference", flat=True)) == {"SO-0", "SO-1"}


def test_bulk_actions_ignore_orders_outside_the_list(http_for: Any, manager: Any) -> None:
    response = http_for(manager).post(
        "/outbound/orders/bulk/", {"action": "allocate", "order": [999999]}, follow=True
    )
    assert "Check at least one order first." in response.text


def test_create_from_the_form(
    http_for: Any, manager: Any, wh: Any, acme_outdoor: Any, mug: Any, lamp: Any
) -> None:
    data = {
        "client": acme_outdoor.pk,
        "warehouse": wh.pk,
        "reference": "SO-77",
        "ship_to_name": "Ada",
        "ship_to_street1": "1 Way",
        "ship_to_city": "Boston",
        "ship_to_postal_code": "02110",
        "ship_to_country": "US",
        "carrier_service": "UPS Ground",
        "service_level": "expedited",
        "priority": "2",
        "ship_by": "2030-02-01",
        "lines": "mug, 2\n\nLAMP;1\n",
    }
    response = http_for(manager).post("/outbound/orders/new/", data)
    order = Order.objects.get(reference="SO-77")
    assert response["Location"] == f"/outbound/orders/{order.pk}/"
    assert [(line.product.sku, line.quantity) for line in order.lines.all()] == [
        ("MUG", 2),
        ("LAMP", 1),
    ]
    assert (order.service_level, order.priority, str(order.ship_by)) == (
        "expedited",
        2,
        "2030-02-01",
    )
    again = http_for(manager).post("/outbound/orders/new/", data, follow=True)
    assert "already existed" in again.text
    assert Order.objects.filter(reference="SO-77").count() == 1


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("NOPE, 1", "SKU “NOPE” is not a product of acme-outdoor."),
        ("MUG, 0", "quantity “0” is not a whole number from 1 to 2147483647."),
        # A full-width 12 was read as 12; 2**31 reached the database as a 500; "²" raised.
        ("MUG, \uff11\uff12", "is not a whole number from 1 to 2147483647."),
        ("MUG, 2147483648", "quantity “2147483648” is not a whole number from 1 to 2147483647."),
        ("MUG, \u00b2", "is not a whole number from 1 to 2147483647."),
        ("MU\x00G, 1", "holds a control character (NUL at position 3)"),
        ("GADGET, 1", "SKU “GADGET” is not a product of acme-outdoor."),
    ],
)
def test_bad_lines_are_shown_and_nothing_is_saved(
    http_for: Any,
    manager: Any,
    wh: Any,
    acme_outdoor: Any,
    other_client: Any,
    mug: Any,
    lines: str,
    message: str,
) -> None:
    ProductFactory(client=other_client, sku="GADGET")
    data = {
        "client": acme_outdoor.pk,
        "warehouse": wh.pk,
        "reference": "SO-78",
        "ship_to_name": "Ada",
        "ship_to_street1": "1 Way",
        "ship_to_city": "Boston",
        "ship_to_postal_code": "02110",
        "ship_to_country": "US",
        "service_level": "standard",
        "priority": "5",
        "lines": lines,
    }
    before = snapshot()
    response = http_for(manager).post("/outbound/orders/new/", data)
    assert response.status_code == 200
    assert message in response.text
    assert_unchanged_since(before)


def test_a_reused_reference_with_other_lines_is_refused_on_the_form(
    http_for: Any, manager: Any, wh: Any, acme_outdoor: Any, mug: Any, order_for: Any
) -> None:
    order_for("SO-1", (mug, 1))
    data = {
        "client": acme_outdoor.pk,
        "warehouse": wh.pk,
        "reference": "SO-1",
        "ship_to_name": "Ada",
        "ship_to_street1": "1 Way",
        "ship_to_city": "Boston",
        "ship_to_postal_code": "02110",
        "ship_to_country": "US",
        "service_level": "standard",
        "priority": "5",
        "lines": "MUG, 5",
    }
    before = snapshot()
    response = http_for(manager).post("/outbound/orders/new/", data)
    assert "already exists for" in response.text
    assert_unchanged_since(before)


def test_detail_shows_lines_allocations_picks_and_events(
    http_for: Any,
    manager: Any,
    operator: Any,
    wh: Any,
    bins: Any,
    staging: Any,
    mug: Any,
    put: Any,
    order_for: Any,
) -> None:
    put(mug, bins["A-02"], 5)
    order = order_for("SO-1", (mug, 2))
    wave = create_wave(warehouse=wh, order_ids=[order.pk], user=manager).wave
    release_wave(wave=wave, user=manager)
    pick_list = next_pick_list(operator, [wh.pk])
    assert pick_list is not None
    line = pick_list.lines.get()
    confirm_pick(user=operator, pick_line_id=line.pk, location_code="A-02", item_code="MUG")
    page = http_for(manager).get(f"/outbound/orders/{order.pk}/")
    assert page.status_code == 200
    text = page.text
    assert "Ada Lovelace" in text and "1 Analytical Way" in text
    assert "A-02" in text and "STAGE-1" in text and operator.email in text
    for event in ("order.created", "order.allocated", "order.released", "order.picked"):
        assert event in text
    assert "Consumed" in text  # the reservation the pick took


def test_detail_of_an_order_outside_the_scope_is_404(
    http_for: Any, manager: Any, mug: Any, order_for: Any
) -> None:
    assert http_for(manager).get("/outbound/orders/999999/").status_code == 404


def test_cancel_asks_first_and_gives_the_stock_back(
    http_for: Any, manager: Any, bins: Any, mug: Any, put: Any, order_for: Any
) -> None:
    put(mug, bins["A-02"], 5)
    order = order_for("SO-1", (mug, 2))
    allocate_orders(order_ids=[order.pk], user=manager)
    http = http_for(manager)
    before = snapshot()
    assert "Cancel Order SO-1?" in http.get(f"/outbound/orders/{order.pk}/cancel/").text
    assert_unchanged_since(before)
    done = http.post(f"/outbound/orders/{order.pk}/cancel/", follow=True)
    assert "is cancelled" in done.text
    assert not Reservation.objects.filter(status=ReservationStatus.ACTIVE).exists()


def test_cancelling_a_packed_order_is_refused_and_changes_nothing(
    http_for: Any, manager: Any, mug: Any, order_for: Any
) -> None:
    order = order_for("SO-1", (mug, 1))
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.PACKED)
    before = snapshot()
    response = http_for(manager).post(f"/outbound/orders/{order.pk}/cancel/", follow=True)
    assert "is packed and cannot become cancelled" in response.text
    assert_unchanged_since(before)
