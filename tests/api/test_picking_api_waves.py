"""/api/v1/waves: plan a wave from order ids or a planning filter, release it with a pick method
and staging place, read it with its progress. Managers only; refusals write nothing."""

from __future__ import annotations

from typing import Any

import pytest

from picking.models import Order, OrderStatus, PickLine, PickList, Wave
from picking.services.picks import confirm_pick, next_pick_list
from tests.api.conftest import error_of
from tests.helpers import assert_unchanged_since, snapshot
from tests.picking import conftest as world

pytestmark = pytest.mark.django_db

wh = world.wh
zone_a = world.zone_a
zone_b = world.zone_b
bins = world.bins
staging = world.staging
totes = world.totes
mug = world.mug
lamp = world.lamp
put = world.put
order_for = world.order_for


@pytest.fixture
def orders(bins: Any, mug: Any, lamp: Any, put: Any, order_for: Any) -> dict[str, Any]:
    """SO-1: 1 mug (single unit, UPS); SO-2: 2 lamps (FedEx); SO-3: 1 lamp (single, UPS).
    Mugs sit in zone ZA, lamps in ZB."""
    put(mug, bins["A-02"], 5)
    put(lamp, bins["B-01"], 5)
    return {
        "SO-1": order_for("SO-1", (mug, 1), carrier_service="UPS Ground"),
        "SO-2": order_for("SO-2", (lamp, 2), carrier_service="FedEx"),
        "SO-3": order_for("SO-3", (lamp, 1), carrier_service="UPS Ground", priority=1),
    }


def test_manager_plans_a_wave_from_order_ids(manager_api: Any, orders: Any) -> None:
    ids = [orders["SO-1"].pk, orders["SO-2"].pk]
    response = manager_api.post("/waves", {"warehouse": "EAST", "order_ids": ids})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["order_count"], sorted(body["orders"])) == (
        "planned",
        2,
        ["SO-1", "SO-2"],
    )
    assert body["message"].startswith("2 allocated")
    assert Order.objects.get(pk=orders["SO-1"].pk).status == OrderStatus.ALLOCATED


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"units": "single"}, ["SO-3", "SO-1"]),
        ({"units": "multi"}, ["SO-2"]),
        ({"carrier_service": "ups ground"}, ["SO-3", "SO-1"]),
        ({"zone": "ZA"}, ["SO-1"]),
        ({"client": "acme-outdoor", "zone": "ZB"}, ["SO-3", "SO-2"]),
    ],
)
def test_a_wave_from_the_planning_filter_takes_the_matching_open_orders(
    manager_api: Any, orders: Any, filters: dict[str, Any], expected: list[str]
) -> None:
    response = manager_api.post("/waves", {"warehouse": "EAST", "filters": filters})
    assert response.status_code == 201, response.content
    assert response.json()["orders"] == expected
    assert Wave.objects.get().filters == filters


def test_max_orders_takes_the_most_urgent(manager_api: Any, orders: Any) -> None:
    response = manager_api.post("/waves", {"warehouse": "EAST", "filters": {}, "max_orders": 1})
    assert response.json()["orders"] == ["SO-3"]


def test_refused_waves_write_nothing(manager_api: Any, orders: Any, manager: Any) -> None:
    from picking.services.waves import create_wave

    create_wave(warehouse=orders["SO-1"].warehouse, order_ids=[orders["SO-1"].pk], user=manager)
    before = snapshot()
    in_a_wave = manager_api.post("/waves", {"warehouse": "EAST", "order_ids": [orders["SO-1"].pk]})
    assert in_a_wave.status_code == 409
    assert error_of(in_a_wave)["code"] == "wave_refused"
    assert "SO-1 is already in a wave" in error_of(in_a_wave)["message"]
    unknown = manager_api.post("/waves", {"warehouse": "EAST", "order_ids": [999999]})
    assert unknown.status_code == 422
    assert "order_ids" in error_of(unknown)["field_errors"]
    both = manager_api.post(
        "/waves", {"warehouse": "EAST", "order_ids": [orders["SO-2"].pk], "filters": {}}
    )
    assert both.status_code == 422
    no_match = manager_api.post("/waves", {"warehouse": "EAST", "filters": {"zone": "ZZ"}})
    assert no_match.status_code == 422
    assert "filters.zone" in error_of(no_match)["field_errors"]
    nothing = manager_api.post("/waves", {"warehouse": "EAST", "filters": {"carrier_service": "X"}})
    assert nothing.status_code == 409
    assert_unchanged_since(before)


def test_release_builds_pick_lists_and_progress_follows_the_picks(
    manager_api: Any, orders: Any, staging: Any, totes: Any, operator: Any, wh: Any
) -> None:
    ids = [o.pk for o in orders.values()]
    wave_id = manager_api.post("/waves", {"warehouse": "EAST", "order_ids": ids}).json()["id"]
    response = manager_api.post(
        f"/waves/{wave_id}/release",
        {"pick_method": "cluster", "orders_per_cart": 4, "staging_location": "STAGE-1"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["pick_method"], body["staging_location"]) == (
        "released",
        "cluster",
        "STAGE-1",
    )
    assert body["message"] == "Released 3 orders on 1 lists."
    assert [(pl["lines_total"], pl["lines_done"]) for pl in body["pick_lists"]] == [(3, 0)]
    assert body["progress"]["lines_remaining"] == 3
    pick_list = next_pick_list(operator, [wh.pk])
    assert pick_list is not None
    first = pick_list.lines.order_by("sequence").first()
    assert first is not None
    confirm_pick(
        user=operator,
        pick_line_id=first.pk,
        location_code=first.location.code,
        item_code=first.product.sku,
        tote_code="TOTE-001",
    )
    progress = manager_api.get(f"/waves/{wave_id}").json()
    assert progress["status"] == "in_progress"
    assert progress["pick_lists"][0]["assigned_to"] == operator.email
    assert {k: progress["progress"][k] for k in ("lines_picked", "lines_remaining")} == {
        "lines_picked": 1,
        "lines_remaining": 2,
    }


def test_release_refusals_change_nothing(manager_api: Any, orders: Any, staging: Any) -> None:
    wave_id = manager_api.post(
        "/waves", {"warehouse": "EAST", "order_ids": [orders["SO-1"].pk]}
    ).json()["id"]
    bad_staging = manager_api.post(f"/waves/{wave_id}/release", {"staging_location": "A-01"})
    assert bad_staging.status_code == 422
    assert "staging_location" in error_of(bad_staging)["field_errors"]
    assert manager_api.post(f"/waves/{wave_id}/release", {"orders_per_cart": 30}).status_code == 422
    assert not PickList.objects.exists()
    assert manager_api.post(f"/waves/{wave_id}/release", {}).status_code == 200
    again = manager_api.post(f"/waves/{wave_id}/release", {})
    assert again.status_code == 409
    assert error_of(again)["code"] == "wave_refused"
    assert PickLine.objects.count() == 1


def test_list_and_scope(manager_api: Any, client_api: Any, operator_api: Any, orders: Any) -> None:
    wave_id = manager_api.post(
        "/waves", {"warehouse": "EAST", "order_ids": [orders["SO-1"].pk]}
    ).json()["id"]
    body = manager_api.get("/waves").json()
    assert (body["count"], body["items"][0]["id"]) == (1, wave_id)
    assert manager_api.get("/waves", status="released").json()["count"] == 0
    before = snapshot()
    for api in (client_api, operator_api):
        assert api.get("/waves").status_code == 403
        assert api.get(f"/waves/{wave_id}").status_code == 403
        assert api.post("/waves", {"warehouse": "EAST", "filters": {}}).status_code == 403
        assert api.post(f"/waves/{wave_id}/release", {}).status_code == 403
    assert manager_api.get("/waves/999999").status_code == 404
    assert_unchanged_since(before)
