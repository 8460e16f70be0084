"""A sale confirmed in Tryton becomes an order (ship-to, lines, service level); the floor
allocates, picks, packs (the label bought from the fake EasyPost) and loads it; the shipped order
completes Tryton's customer shipment with our quantities and the tracking number."""

from __future__ import annotations

from typing import Any

import pytest

from erp import tasks
from erp.models import SyncKind, SyncRecord, SyncState
from erp.services import inbound
from picking.models import Order, OrderStatus, ServiceLevel
from tests.shipping.pack_world import MUG_BARCODE

pytestmark = [pytest.mark.django_db, pytest.mark.erp]


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def test_a_sale_becomes_an_order_and_its_shipment_completes_tryton_with_tracking(
    client_erp: Any,
    manager_api: Any,
    operator_api: Any,
    carrier_settings: Any,
    pack_wh: Any,
    pick_faces: Any,
    staging: Any,
    station: Any,
    boxes: Any,
    stocked: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    side = client_erp.side
    sale = side.sale({"MUG": 2, "LAMP": 1}, description="Overnight, fragile")

    assert inbound.pull(connection_id=client_erp.connection.pk).counts == {"created": 1}
    order = Order.objects.get(client=client_erp.client, reference=side.number("sale.sale", sale))
    assert (order.status, order.service_level) == (OrderStatus.NEW, ServiceLevel.OVERNIGHT)
    assert (order.ship_to_name, order.ship_to_street1, order.ship_to_postal_code) == (
        "Customer One",
        "12 Analytical Way",
        "78701",
    )
    assert sorted((line.product.sku, line.quantity) for line in order.lines.all()) == [
        ("LAMP", 1),
        ("MUG", 2),
    ]

    ok(
        manager_api.post(
            "/locations", {"warehouse": "EAST", "code": "DOCK-OUT", "kind": "ship_dock"}
        ),
        201,
    )
    ok(manager_api.post(f"/orders/{order.pk}/allocate", {}))
    wave = ok(manager_api.post("/waves", {"warehouse": "EAST", "order_ids": [order.pk]}), 201)
    ok(
        manager_api.post(
            f"/waves/{wave['id']}/release",
            {"pick_method": "discrete", "staging_location": "STAGE-1"},
            **{"Idempotency-Key": "release-erp"},
        )
    )
    work = ok(operator_api.post("/pick-tasks/next", {"warehouse": "EAST"}))
    for task in work["tasks"]:
        ok(
            operator_api.post(
                f"/pick-tasks/{task['id']}/confirm",
                {"location": task["location"], "item_code": task["sku"]},
                **{"Idempotency-Key": f"pick-erp-{task['id']}"},
            )
        )
    proposal = ok(operator_api.get(f"/orders/{order.pk}/cartonization"))
    carton = ok(
        operator_api.post(
            f"/orders/{order.pk}/cartons",
            {
                "box_type": proposal["cartons"][0]["box_type"],
                "pack_station": "PACK-1",
                "items": [{"code": MUG_BARCODE, "quantity": 2}, {"sku": "LAMP"}],
            },
            **{"Idempotency-Key": "pack-erp"},
        ),
        201,
    )
    with django_capture_on_commit_callbacks(execute=True):
        closed = ok(
            operator_api.post(
                f"/cartons/{carton['id']}/close",
                {"weight_g": proposal["cartons"][0]["weight_g"]},
                **{"Idempotency-Key": "close-erp"},
            )
        )
    loaded = ok(
        operator_api.post(
            f"/cartons/{carton['id']}/ship",
            {"ship_dock": "DOCK-OUT"},
            **{"Idempotency-Key": "ship-erp"},
        )
    )
    assert loaded["order_shipped"] is True
    tracking = loaded["tracking_code"]
    assert tracking and closed["order_packed"]

    assert tasks.sync_outbound.apply().get()["done"] == 1
    record = SyncRecord.objects.get(kind=SyncKind.SHIPMENT)
    assert (record.state, record.erp_model) == (SyncState.DONE, "stock.shipment.out")
    [shipment] = side.sale_shipments(sale)
    assert (shipment["state"], shipment["reference"], shipment["number"]) == (
        "done",
        tracking,
        record.erp_number,
    )
    assert side.move_quantities(shipment["outgoing_moves"]) == {"MUG": 2, "LAMP": 1}
    assert tracking in record.message
    # The sale's lines did not change, so a pull after our push (its write date moved) is no
    # change for the order, which has shipped.
    assert inbound.pull(connection_id=client_erp.connection.pk).counts == {"unchanged": 1}
