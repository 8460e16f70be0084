"""/api/v1/orders: create (idempotent on client plus reference), list, read with allocations,
cancel and allocate. Scope: a client user creates, reads and cancels only their client's orders;
operators may not touch orders; an id outside the scope is 404; every refusal writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Event, Reservation, ReservationStatus
from picking.models import Order, OrderStatus
from tests.api.conftest import error_of
from tests.factories import ProductFactory
from tests.helpers import assert_unchanged_since, snapshot
from tests.picking import conftest as world

pytestmark = pytest.mark.django_db

# Every outbound route and its methods (the OpenAPI test leaves these to this module).
PICKING_ROUTES = {
    "/api/v1/orders": {"get", "post"},
    "/api/v1/orders/{pk}": {"get"},
    "/api/v1/orders/{pk}/cancel": {"post"},
    "/api/v1/orders/{pk}/allocate": {"post"},
    "/api/v1/waves": {"get", "post"},
    "/api/v1/waves/{pk}": {"get"},
    "/api/v1/waves/{pk}/release": {"post"},
    "/api/v1/pick-tasks": {"get"},
    "/api/v1/pick-tasks/next": {"post"},
    "/api/v1/pick-tasks/{pk}/confirm": {"post"},
    "/api/v1/pick-tasks/{pk}/short": {"post"},
}

wh = world.wh
zone_a = world.zone_a
zone_b = world.zone_b
bins = world.bins
mug = world.mug
lamp = world.lamp
put = world.put
order_for = world.order_for


def new_order(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client": "acme-outdoor",
        "warehouse": "EAST",
        "reference": "SO-100",
        "ship_to": {
            "name": "Grace Hopper",
            "street1": "1 Navy Yard",
            "city": "Arlington",
            "state": "VA",
            "postal_code": "22202",
        },
        "carrier_service": "UPS Ground",
        "priority": 3,
        "ship_by": "2030-05-01",
        "lines": [{"sku": "MUG", "quantity": 2}, {"sku": "lamp", "quantity": 1}],
    }
    body.update(changes)
    return body


def test_manager_creates_an_order_with_lines(
    manager_api: Any, wh: Any, mug: Any, lamp: Any
) -> None:
    response = manager_api.post("/orders", new_order())
    assert response.status_code == 201, response.content
    body = response.json()
    order = Order.objects.get(reference="SO-100")
    assert body["id"] == order.pk
    assert (body["client"], body["warehouse"], body["status"], body["priority"]) == (
        "acme-outdoor",
        "EAST",
        "new",
        3,
    )
    assert body["ship_to"]["name"] == "Grace Hopper"
    assert [(line["sku"], line["quantity"]) for line in body["lines"]] == [("MUG", 2), ("LAMP", 1)]
    assert (body["total_units"], body["allocations"]) == (3, [])
    assert Event.objects.filter(type="order.created", payload__order_id=order.pk).count() == 1


def test_a_repeat_returns_the_existing_order_and_writes_nothing(
    manager_api: Any, wh: Any, mug: Any, lamp: Any
) -> None:
    first = manager_api.post("/orders", new_order())
    before = snapshot()
    again = manager_api.post("/orders", new_order())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert_unchanged_since(before)


def test_the_same_reference_with_other_lines_is_409_duplicate_reference(
    manager_api: Any, wh: Any, mug: Any, lamp: Any
) -> None:
    manager_api.post("/orders", new_order())
    before = snapshot()
    response = manager_api.post("/orders", new_order(lines=[{"sku": "MUG", "quantity": 3}]))
    assert response.status_code == 409
    assert error_of(response)["code"] == "duplicate_reference"
    assert "never merged" in error_of(response)["message"]
    assert_unchanged_since(before)


def test_bad_order_bodies_are_refused_with_field_errors_and_write_nothing(
    manager_api: Any, wh: Any, mug: Any, lamp: Any, other_client: Any
) -> None:
    ProductFactory(client=other_client, sku="GADGET")
    cases = [
        (new_order(lines=[{"sku": "NOPE", "quantity": 1}]), "lines.0.sku"),
        (new_order(lines=[{"sku": "GADGET", "quantity": 1}]), "lines.0.sku"),
        (new_order(client="nobody"), "client"),
        (new_order(warehouse="NOWHERE"), "warehouse"),
        (new_order(lines=[{"sku": "MUG", "quantity": 0}]), "lines.0.quantity"),
        (new_order(lines=[{"sku": "MUG", "quantity": "2"}]), "lines.0.quantity"),
        (new_order(lines=[]), "lines"),
        (new_order(priority=0), "priority"),
        (new_order(ship_to={"name": "X"}), "ship_to.street1"),
        (new_order(ship_by="soon"), "ship_by"),
        (new_order(colour="red"), "colour"),
    ]
    before = snapshot()
    for body, field in cases:
        response = manager_api.post("/orders", body)
        assert response.status_code == 422, (field, response.content)
        assert field in error_of(response)["field_errors"], (field, error_of(response))
    assert_unchanged_since(before)


def test_client_user_orders_for_their_own_client_only(
    client_api: Any, wh: Any, mug: Any, lamp: Any, other_client: Any
) -> None:
    ProductFactory(client=other_client, sku="GADGET")
    assert client_api.post("/orders", new_order()).status_code == 201
    before = snapshot()
    response = client_api.post(
        "/orders", new_order(client="other-brand", lines=[{"sku": "GADGET", "quantity": 1}])
    )
    assert response.status_code == 422
    assert "client" in error_of(response)["field_errors"]
    assert_unchanged_since(before)


def test_operator_may_not_create_or_read_orders(
    operator_api: Any, wh: Any, mug: Any, lamp: Any, order_for: Any
) -> None:
    order = order_for("SO-1", (mug, 1))
    before = snapshot()
    assert operator_api.post("/orders", new_order()).status_code == 403
    assert operator_api.get("/orders").status_code == 403
    assert operator_api.get(f"/orders/{order.pk}").status_code == 403
    assert_unchanged_since(before)


def test_list_filters_paginates_and_keeps_to_the_scope(
    manager_api: Any,
    client_api: Any,
    manager: Any,
    wh: Any,
    west: Any,
    mug: Any,
    lamp: Any,
    order_for: Any,
    other_client: Any,
) -> None:
    from picking.services.orders import OrderLineSpec, create_order

    order_for("SO-1", (mug, 1), priority=2, carrier_service="UPS Ground")
    order_for("SO-2", (lamp, 2), ship_by=world.dt.date(2030, 1, 10))
    gadget = ProductFactory(client=other_client, sku="GADGET")
    create_order(
        client=other_client,
        warehouse=west,
        reference="OB-1",
        ship_to=world.SHIP_TO,
        lines=[OrderLineSpec(gadget, 1)],
        user=manager,
    )
    body = manager_api.get("/orders").json()
    assert body["count"] == 3
    assert [row["reference"] for row in body["items"]] == ["SO-1", "SO-2", "OB-1"]
    assert [r["reference"] for r in manager_api.get("/orders", limit=1).json()["items"]] == ["SO-1"]
    assert [
        r["reference"] for r in manager_api.get("/orders", warehouse="WEST").json()["items"]
    ] == ["OB-1"]
    assert [
        r["reference"] for r in manager_api.get("/orders", reference="so-2").json()["items"]
    ] == ["SO-2"]
    assert [
        r["reference"]
        for r in manager_api.get(
            "/orders", ship_by_from="2030-01-01", ship_by_to="2030-01-31"
        ).json()["items"]
    ] == ["SO-2"]
    assert manager_api.get("/orders", status="cancelled").json()["count"] == 0
    assert [r["reference"] for r in client_api.get("/orders").json()["items"]] == ["SO-1", "SO-2"]
    assert manager_api.get("/orders", status="lost").status_code == 422


def test_list_runs_a_fixed_number_of_queries(
    manager_api: Any, wh: Any, mug: Any, lamp: Any, order_for: Any
) -> None:
    for n in range(3):
        order_for(f"SO-{n}", (mug, 1), (lamp, 1))
    manager_api.get("/orders")  # warms the token
    few = manager_api.queries("/orders")
    for n in range(3, 20):
        order_for(f"SO-{n}", (mug, 1), (lamp, 1))
    assert manager_api.queries("/orders") == few


def test_detail_shows_lines_and_allocations(
    manager_api: Any, wh: Any, bins: Any, mug: Any, put: Any, order_for: Any
) -> None:
    put(mug, bins["A-02"], 5)
    order = order_for("SO-1", (mug, 3))
    allocated = manager_api.post(f"/orders/{order.pk}/allocate", {})
    assert allocated.status_code == 200, allocated.content
    assert allocated.json()["summary"].startswith("1 allocated")
    body = manager_api.get(f"/orders/{order.pk}").json()
    assert body["status"] == "allocated"
    assert body["lines"][0]["allocated_qty"] == 3
    assert [(a["location"], a["sku"], a["quantity"], a["status"]) for a in body["allocations"]] == [
        ("A-02", "MUG", 3, "active")
    ]


def test_an_order_outside_the_scope_is_404(
    client_api: Any, manager: Any, west: Any, other_client: Any
) -> None:
    from inventory.services.master import ensure_virtual_locations
    from picking.services.orders import OrderLineSpec, create_order

    ensure_virtual_locations(west)
    gadget = ProductFactory(client=other_client, sku="GADGET")
    order, _ = create_order(
        client=other_client,
        warehouse=west,
        reference="OB-1",
        ship_to=world.SHIP_TO,
        lines=[OrderLineSpec(gadget, 1)],
        user=manager,
    )
    before = snapshot()
    assert client_api.get(f"/orders/{order.pk}").status_code == 404
    assert client_api.post(f"/orders/{order.pk}/cancel", {}).status_code == 404
    assert client_api.get("/orders/999999").status_code == 404
    assert_unchanged_since(before)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.NEW


def test_client_user_cancels_their_order_and_its_stock_is_given_back(
    client_api: Any, wh: Any, bins: Any, mug: Any, put: Any, order_for: Any, manager: Any
) -> None:
    from picking.services.allocation import allocate_orders

    put(mug, bins["A-02"], 5)
    order = order_for("SO-1", (mug, 3))
    allocate_orders(order_ids=[order.pk], user=manager)
    response = client_api.post(f"/orders/{order.pk}/cancel", {}, **{"Idempotency-Key": "c-1"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert not Reservation.objects.filter(status=ReservationStatus.ACTIVE).exists()
    again = client_api.post(f"/orders/{order.pk}/cancel", {}, **{"Idempotency-Key": "c-1"})
    assert again.status_code == 200
    assert Event.objects.filter(type="order.cancelled").count() == 1


def test_cancelling_a_packed_order_is_409_and_changes_nothing(
    manager_api: Any, wh: Any, mug: Any, order_for: Any
) -> None:
    order = order_for("SO-1", (mug, 1))
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.PACKED)
    before = snapshot()
    response = manager_api.post(f"/orders/{order.pk}/cancel", {})
    assert response.status_code == 409
    assert error_of(response)["code"] == "invalid_transition"
    assert "packed" in error_of(response)["message"]
    assert_unchanged_since(before)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PACKED


def test_only_managers_allocate(
    client_api: Any, wh: Any, bins: Any, mug: Any, put: Any, order_for: Any
) -> None:
    put(mug, bins["A-02"], 5)
    order = order_for("SO-1", (mug, 3))
    before = snapshot()
    response = client_api.post(f"/orders/{order.pk}/allocate", {})
    assert response.status_code == 403
    assert_unchanged_since(before)


def test_openapi_lists_every_outbound_route_with_its_idempotency_key(acme: Any) -> None:
    from django.test import Client as HttpClient

    paths = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json").json()["paths"]
    listed = {path: set(methods) for path, methods in paths.items() if path in PICKING_ROUTES}
    assert listed == PICKING_ROUTES
    for path in ("/pick-tasks/{pk}/confirm", "/pick-tasks/{pk}/short", "/waves/{pk}/release"):
        params = paths[f"/api/v1{path}"]["post"].get("parameters", [])
        assert "Idempotency-Key" in [p["name"] for p in params if p["in"] == "header"], path
