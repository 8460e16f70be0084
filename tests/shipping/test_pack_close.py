"""Closing cartons: the weight check against tare plus product weights within the client's
tolerance (a manager may override with a reason), the `carton.packed` event billing reads, and
the order becoming packed only when everything is packed and no carton is open, with one
shipment in rating per carton and its rating task sent after commit."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Event
from inventory.reconcile import find_drift
from picking.models import OrderStatus
from shipping.exceptions import PackRefused
from shipping.models import CartonStatus, PackagingMaterial, Shipment, ShipmentStatus
from shipping.models import ShippingPolicy as Policy
from shipping.services import shipments as shipments_module
from shipping.services.packing import MaterialUse, close_carton, open_carton, pack_item
from tests.shipping.pack_world import BALM_LOT

pytestmark = pytest.mark.django_db

# BOX-M: tare 220 g. Two mugs 350 g each: 920 g expected.
EXPECTED = 220 + 2 * 350


@pytest.fixture
def two_mugs(picked_order: Any, operator: Any, station: Any, boxes: Any) -> Any:
    carton = open_carton(
        order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
    )
    pack_item(user=operator, carton=carton, code="MUG", quantity=2)
    return carton


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[Any], dict[str, Any]]]:
    """The tasks sent by name (the rating task), recorded instead of reaching a broker."""
    calls: list[tuple[str, list[Any], dict[str, Any]]] = []

    def send_task(name: str, args: list[Any], headers: dict[str, Any]) -> None:
        calls.append((name, args, headers))

    monkeypatch.setattr(shipments_module, "send_task", send_task)
    return calls


@pytest.mark.parametrize("weight", [EXPECTED * 89 // 100, EXPECTED * 111 // 100])
def test_a_weight_outside_the_tolerance_is_refused_with_both_numbers(
    two_mugs: Any, operator: Any, weight: int
) -> None:
    with pytest.raises(PackRefused, match=f"weighs {weight} g, expected {EXPECTED} g"):
        close_carton(user=operator, carton=two_mugs, weight_g=weight)
    two_mugs.refresh_from_db()
    assert two_mugs.status == CartonStatus.OPEN and two_mugs.weight_g is None
    assert not Event.objects.filter(type="carton.packed").exists()


def test_the_clients_tolerance_applies(two_mugs: Any, operator: Any, acme_outdoor: Any) -> None:
    Policy.objects.create(client=acme_outdoor, weight_tolerance_percent=2)
    with pytest.raises(PackRefused, match=r"±2%"):
        close_carton(user=operator, carton=two_mugs, weight_g=EXPECTED * 97 // 100)
    close_carton(user=operator, carton=two_mugs, weight_g=EXPECTED * 99 // 100)


def test_an_operator_cannot_override_but_a_manager_can_with_a_reason(
    two_mugs: Any, operator: Any, manager: Any
) -> None:
    with pytest.raises(PackRefused, match="A manager may close it with a reason"):
        close_carton(user=operator, carton=two_mugs, weight_g=2000, override_reason="scale is off")
    result = close_carton(
        user=manager, carton=two_mugs, weight_g=2000, override_reason="mugs are the heavy batch"
    )
    assert result.carton.status == CartonStatus.CLOSED
    event = Event.objects.get(type="carton.packed")
    assert event.payload["override_reason"] == "mugs are the heavy batch"


def test_closing_writes_what_billing_needs(two_mugs: Any, operator: Any) -> None:
    PackagingMaterial.objects.create(code="FILL-PAPER", name="Paper", cost="0.06")
    close_carton(
        user=operator,
        carton=two_mugs,
        weight_g=EXPECTED + 30,
        materials=[MaterialUse("fill-paper", 2)],
    )
    event = Event.objects.get(type="carton.packed")
    assert event.payload | {"carton_id": 0, "order_id": 0, "sscc": ""} == {
        "carton_id": 0,
        "order_id": 0,
        "sscc": "",
        "order": "SO-1",
        "number": 1,
        "box_type": "BOX-M",
        "box_cost": "0.55",
        "box_currency": "USD",
        "dimensions_mm": [300, 200, 150],
        "tare_weight_g": 220,
        "weight_g": EXPECTED + 30,
        "expected_weight_g": EXPECTED,
        "tolerance_percent": 10,
        "products_without_weight": [],
        "override_reason": None,
        "materials": [{"code": "FILL-PAPER", "quantity": 2, "cost": "0.06", "currency": "USD"}],
        "units": 2,
        "lines": [{"sku": "MUG", "lot": None, "quantity": 2}],
        "pack_station": "PACK-1",
    }
    assert event.user == operator


def test_an_unknown_material_or_an_empty_carton_is_refused(
    picked_order: Any, two_mugs: Any, operator: Any, station: Any, boxes: Any
) -> None:
    with pytest.raises(PackRefused, match="No active packaging material GLITTER"):
        close_carton(user=operator, carton=two_mugs, weight_g=EXPECTED, materials=["GLITTER"])
    close_carton(user=operator, carton=two_mugs, weight_g=EXPECTED)
    empty = open_carton(
        order=picked_order, box_type=boxes["BOX-S"], pack_station=station, user=operator
    )
    with pytest.raises(PackRefused, match="Carton 2 is empty"):
        close_carton(user=operator, carton=empty, weight_g=120)


def test_the_order_is_packed_only_when_everything_is_packed_and_closed(
    picked_order: Any,
    two_mugs: Any,
    operator: Any,
    station: Any,
    boxes: Any,
    sent: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = close_carton(user=operator, carton=two_mugs, weight_g=EXPECTED)
    assert not first.order_packed
    picked_order.refresh_from_db()
    assert picked_order.status == OrderStatus.PICKED

    second = open_carton(
        order=picked_order, box_type=boxes["BOX-S"], pack_station=station, user=operator
    )
    pack_item(user=operator, carton=second, code="LAMP")
    pack_item(user=operator, carton=second, code="BALM", quantity=2, lot=BALM_LOT)
    picked_order.refresh_from_db()
    assert picked_order.status == OrderStatus.PICKED  # all packed, but carton 2 is open
    assert not Shipment.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = close_carton(user=operator, carton=second, weight_g=120 + 120 + 2 * 40)
    assert done.order_packed
    picked_order.refresh_from_db()
    assert picked_order.status == OrderStatus.PACKED
    shipments = list(Shipment.objects.order_by("carton__number"))
    assert [(s.carton.number, s.status) for s in shipments] == [
        (1, ShipmentStatus.RATING),
        (2, ShipmentStatus.RATING),
    ]
    assert done.shipments == shipments
    assert [(name, args) for name, args, _ in sent] == [
        ("shipping.rate_shipment", [shipments[0].pk]),
        ("shipping.rate_shipment", [shipments[1].pk]),
    ]
    assert {headers["_schema_name"] for _, _, headers in sent} == {"acme"}
    assert Event.objects.filter(type="order.packed").count() == 1
    with pytest.raises(PackRefused, match="only a picked order is packed"):
        open_carton(
            order=picked_order, box_type=boxes["BOX-S"], pack_station=station, user=operator
        )
    assert find_drift() == []


def test_a_repeated_close_with_its_key_closes_once(two_mugs: Any, operator: Any) -> None:
    first = close_carton(
        user=operator, carton=two_mugs, weight_g=EXPECTED, idempotency_key="close-1"
    )
    again = close_carton(
        user=operator, carton=two_mugs, weight_g=EXPECTED, idempotency_key="close-1"
    )
    assert first.carton.pk == again.carton.pk
    assert Event.objects.filter(type="carton.packed").count() == 1
