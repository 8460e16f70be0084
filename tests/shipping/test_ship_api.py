"""POST /api/v1/cartons/{id}/ship: the ship dock through the API, the same service as the handheld
page. A repeat with its Idempotency-Key answers the first result and loads nothing; a refusal
writes nothing; client users and other warehouses' operators may not load."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Event, StockMove
from inventory.reconcile import find_drift
from picking.models import Order, OrderStatus
from shipping.models import Carton, CartonStatus, ShipmentStatus
from shipping.tasks import rate_shipment
from tests.api.conftest import error_of
from tests.factories import UserFactory, give_scope
from tests.shipping import shipments_fixtures
from tests.shipping.shipments_fixtures import dress_warehouse, fresh

packed = shipments_fixtures.packed
packed_two = shipments_fixtures.packed_two


@pytest.fixture
def loaded(carrier_settings: Any, packed_two: Any) -> Any:
    for shipment in packed_two.shipments:
        rate_shipment.apply(args=[shipment.pk]).get()
    return packed_two


def written() -> tuple[int, int]:
    return StockMove.objects.count(), Event.objects.count()


def test_an_operator_loads_both_cartons_and_the_order_ships(operator_api: Any, loaded: Any) -> None:
    first, second = loaded.cartons
    response = operator_api.post(
        f"/cartons/{first.pk}/ship", {"ship_dock": "east-ship1"}, **{"Idempotency-Key": "s-1"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    shipment = fresh(loaded.shipments[0])
    assert body == {
        "carton_id": first.pk,
        "shipment_id": shipment.pk,
        "shipment_status": "shipped",
        "carrier": "USPS",
        "tracking_code": shipment.tracking_code,
        "order_id": loaded.order.pk,
        "order_reference": loaded.order.reference,
        "order_shipped": False,
        "cartons_left": 1,
        "message": body["message"],
    }
    assert "1 more carton(s)" in body["message"]

    before = written()
    repeat = operator_api.post(
        f"/cartons/{first.pk}/ship", {"ship_dock": "EAST-SHIP1"}, **{"Idempotency-Key": "s-1"}
    )
    assert repeat.json() == body
    assert written() == before

    last = operator_api.post(f"/cartons/{second.pk}/ship", {"ship_dock": "EAST-SHIP2"})
    assert last.json()["order_shipped"] is True
    assert Order.objects.get(pk=loaded.order.pk).status == OrderStatus.SHIPPED
    assert find_drift() == []


def test_a_carton_without_a_label_is_refused_and_nothing_written(
    operator_api: Any, packed: Any
) -> None:
    before = written()
    response = operator_api.post(
        f"/cartons/{packed.cartons[0].pk}/ship", {"ship_dock": "EAST-SHIP1"}
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "shipment_refused"
    assert "has no label yet" in error_of(response)["message"]
    assert written() == before
    assert fresh(packed.shipment).status == ShipmentStatus.RATING


def test_an_unknown_dock_or_one_of_another_warehouse_is_a_field_error(
    manager_api: Any, loaded: Any, west: Any
) -> None:
    dress_warehouse(west)
    before = written()
    for dock in ("NOPE", "WEST-SHIP1", "EAST-A01"):
        response = manager_api.post(f"/cartons/{loaded.cartons[0].pk}/ship", {"ship_dock": dock})
        assert response.status_code == 422, dock
        assert list(error_of(response)["field_errors"]) == ["ship_dock"]
    assert written() == before


def test_client_users_and_other_warehouses_may_not_load(
    client_api: Any, api_as: Any, loaded: Any, west: Any
) -> None:
    elsewhere = UserFactory(role="operator", email="west@acme.test")
    give_scope(elsewhere, warehouses=[west])
    before = written()
    carton = loaded.cartons[0]
    assert (
        client_api.post(f"/cartons/{carton.pk}/ship", {"ship_dock": "EAST-SHIP1"}).status_code
        == 403
    )
    assert (
        api_as(elsewhere)
        .post(f"/cartons/{carton.pk}/ship", {"ship_dock": "EAST-SHIP1"})
        .status_code
        == 404
    )
    assert written() == before
    assert Carton.objects.get(pk=carton.pk).status == CartonStatus.CLOSED
