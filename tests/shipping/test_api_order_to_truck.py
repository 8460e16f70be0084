"""One order from creation to the truck through the REST API alone, as an integrator runs it:
create, allocate, wave and release, pick through the pick tasks, pack a carton, close it (the
rating task buys its label from the fake EasyPost), load it at the ship dock. The order ends
shipped, its stock left for the customer, and the ledger has no drift."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Sum

from inventory.models import Balance, LocationKind, StockMove
from inventory.reconcile import find_drift
from inventory.services.posting import virtual_location
from tests.shipping.pack_world import MUG_BARCODE

pytestmark = pytest.mark.django_db

SHIP_TO = {
    "name": "Ada Lovelace",
    "street1": "12 Analytical Way",
    "city": "Austin",
    "state": "TX",
    "postal_code": "78701",
}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def test_an_order_runs_from_creation_to_the_truck_through_the_api(
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
    ok(
        manager_api.post(
            "/locations", {"warehouse": "EAST", "code": "DOCK-OUT", "kind": "ship_dock"}
        ),
        201,
    )
    order = ok(
        manager_api.post(
            "/orders",
            {
                "client": "acme-outdoor",
                "warehouse": "EAST",
                "reference": "API-TO-TRUCK-1",
                "ship_to": SHIP_TO,
                "lines": [{"sku": "MUG", "quantity": 2}, {"sku": "LAMP", "quantity": 1}],
            },
        ),
        201,
    )
    allocated = ok(manager_api.post(f"/orders/{order['id']}/allocate", {}))
    assert allocated["allocated"] == ["API-TO-TRUCK-1"]

    wave = ok(manager_api.post("/waves", {"warehouse": "EAST", "order_ids": [order["id"]]}), 201)
    ok(
        manager_api.post(
            f"/waves/{wave['id']}/release",
            {"pick_method": "discrete", "staging_location": "STAGE-1"},
            **{"Idempotency-Key": "release-1"},
        )
    )

    work = ok(operator_api.post("/pick-tasks/next", {"warehouse": "EAST"}))
    assert [(t["sku"], t["quantity"]) for t in work["tasks"]] == [("MUG", 2), ("LAMP", 1)]
    for task in work["tasks"]:
        picked = ok(
            operator_api.post(
                f"/pick-tasks/{task['id']}/confirm",
                {"location": task["location"], "item_code": task["sku"]},
                **{"Idempotency-Key": f"pick-{task['id']}"},
            )
        )
        assert picked["remaining"] == 0
    assert ok(manager_api.get(f"/orders/{order['id']}"))["status"] == "picked"

    proposal = ok(operator_api.get(f"/orders/{order['id']}/cartonization"))
    box = proposal["cartons"][0]["box_type"]
    carton = ok(
        operator_api.post(
            f"/orders/{order['id']}/cartons",
            {
                "box_type": box,
                "pack_station": "PACK-1",
                "items": [{"code": MUG_BARCODE, "quantity": 2}, {"sku": "LAMP"}],
            },
            **{"Idempotency-Key": "pack-1"},
        ),
        201,
    )
    # The close commits, then sends the rating task: eager here, against the fake EasyPost.
    with django_capture_on_commit_callbacks(execute=True):
        closed = ok(
            operator_api.post(
                f"/cartons/{carton['id']}/close",
                {"weight_g": proposal["cartons"][0]["weight_g"]},
                **{"Idempotency-Key": "close-1"},
            )
        )
    assert closed["order_packed"] is True
    shipment = ok(manager_api.get(f"/shipments/{closed['shipments'][0]['id']}"))
    assert shipment["status"] == "label_purchased"
    assert shipment["label_formats"] == ["pdf", "zpl"]
    assert carrier_settings.counters()["purchases"] == {shipment["easypost_id"]: 1}

    loaded = ok(
        operator_api.post(
            f"/cartons/{carton['id']}/ship",
            {"ship_dock": "DOCK-OUT"},
            **{"Idempotency-Key": "ship-1"},
        )
    )
    assert (loaded["order_shipped"], loaded["cartons_left"]) == (True, 0)
    assert loaded["tracking_code"] == shipment["tracking_code"]

    assert ok(manager_api.get(f"/orders/{order['id']}"))["status"] == "shipped"
    assert ok(manager_api.get(f"/shipments/{shipment['id']}"))["status"] == "shipped"
    customer = virtual_location(pack_wh.pk, LocationKind.CUSTOMER)
    shipped = StockMove.objects.filter(to_location=customer).aggregate(units=Sum("quantity"))
    assert shipped["units"] == 3
    # Nothing of the order is left anywhere in the building.
    assert not Balance.objects.filter(location__in=[staging, station], on_hand__gt=0).exists()
    assert find_drift() == []
