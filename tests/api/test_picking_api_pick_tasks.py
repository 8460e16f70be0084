"""/api/v1/pick-tasks: pick lines of the user's warehouses, confirmed or shorted with the scans
that prove them. Operators work their own lists only; a refused scan moves nothing; a repeat
with the same Idempotency-Key returns the first result and moves nothing."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Event, LpnKind, StockMove
from inventory.services import ledger
from picking.models import PickLineStatus
from picking.services.allocation import allocate_orders
from picking.services.picks import next_pick_list
from picking.services.waves import create_wave, release_wave
from tests.api.conftest import error_of
from tests.factories import LpnFactory, UserFactory, give_scope
from tests.picking import conftest as world

pytestmark = pytest.mark.django_db

wh = world.wh
zone_a = world.zone_a
zone_b = world.zone_b
bins = world.bins
staging = world.staging
mug = world.mug
lamp = world.lamp
put = world.put
order_for = world.order_for


@pytest.fixture
def pick_list(
    wh: Any, bins: Any, staging: Any, mug: Any, lamp: Any, put: Any, order_for: Any, manager: Any
) -> Any:
    """SO-1 (2 mugs from A-02, 1 lamp from A-01) released as one discrete list, assigned to
    the operator."""
    put(mug, bins["A-02"], 3)
    put(lamp, bins["A-01"], 5)
    order = order_for("SO-1", (mug, 2), (lamp, 1))
    wave = create_wave(warehouse=wh, order_ids=[order.pk], user=manager).wave
    release_wave(wave=wave, user=manager)
    return wave.pick_lists.get()


def lines_of(pick_list: Any) -> list[Any]:
    return list(pick_list.lines.order_by("sequence"))


def moves() -> tuple[int, int]:
    return StockMove.objects.count(), Event.objects.count()


def test_operator_lists_the_pick_lines_of_their_warehouse(
    operator_api: Any, operator: Any, pick_list: Any, wh: Any
) -> None:
    body = operator_api.get("/pick-tasks").json()
    assert [(t["location"], t["sku"], t["quantity"], t["status"]) for t in body["items"]] == [
        ("A-01", "LAMP", 1, "open"),
        ("A-02", "MUG", 2, "open"),
    ]
    assert body["items"][0]["pick_list"] == pick_list.number
    assert operator_api.get("/pick-tasks", mine=True).json()["count"] == 0
    next_pick_list(operator, [wh.pk])
    mine = operator_api.get("/pick-tasks", mine=True, pick_list=pick_list.number).json()
    assert mine["count"] == 2
    assert mine["items"][0]["assigned_to"] == operator.email
    assert operator_api.get("/pick-tasks", status="picked").json()["count"] == 0


def test_other_warehouses_and_client_users_see_no_pick_tasks(
    api_as: Any, client_api: Any, pick_list: Any, west: Any
) -> None:
    elsewhere = UserFactory(role="operator", email="west@acme.test")
    give_scope(elsewhere, warehouses=[west])
    west_api = api_as(elsewhere)
    line = lines_of(pick_list)[0]
    assert west_api.get("/pick-tasks").json()["count"] == 0
    before = moves()
    response = west_api.post(
        f"/pick-tasks/{line.pk}/confirm", {"location": "B-A-01", "item_code": "LAMP"}
    )
    assert response.status_code == 404
    assert client_api.get("/pick-tasks").status_code == 403
    assert (
        client_api.post(
            f"/pick-tasks/{line.pk}/confirm", {"location": "B-A-01", "item_code": "LAMP"}
        ).status_code
        == 403
    )
    assert moves() == before


def test_confirm_picks_and_a_repeat_with_the_key_moves_nothing(
    operator_api: Any, operator: Any, pick_list: Any, wh: Any
) -> None:
    next_pick_list(operator, [wh.pk])
    line = lines_of(pick_list)[0]
    body = {"location": "B-A-01", "barcode": "0009998887776"}
    first = operator_api.post(f"/pick-tasks/{line.pk}/confirm", body, **{"Idempotency-Key": "k1"})
    assert first.status_code == 200, first.content
    result = first.json()
    assert (result["picked"], result["remaining"], result["list_done"]) == (1, 0, False)
    assert result["task"]["status"] == "picked"
    before = moves()
    again = operator_api.post(f"/pick-tasks/{line.pk}/confirm", body, **{"Idempotency-Key": "k1"})
    assert again.json() == result
    assert moves() == before
    assert StockMove.objects.filter(reason="pick").count() == 1


def test_a_list_assigned_to_someone_else_is_refused(
    api_as: Any, operator: Any, pick_list: Any, wh: Any
) -> None:
    next_pick_list(operator, [wh.pk])
    colleague = UserFactory(role="operator", email="colleague@acme.test")
    give_scope(colleague, warehouses=[wh])
    line = lines_of(pick_list)[0]
    before = moves()
    response = api_as(colleague).post(
        f"/pick-tasks/{line.pk}/confirm", {"location": "B-A-01", "product": "LAMP"}
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "not_your_list"
    assert moves() == before
    line.refresh_from_db()
    assert (line.status, line.picked_qty) == (PickLineStatus.OPEN, 0)


def test_wrong_scans_are_refused_with_what_was_expected(
    operator_api: Any, operator: Any, pick_list: Any, wh: Any
) -> None:
    next_pick_list(operator, [wh.pk])
    line = lines_of(pick_list)[0]
    before = moves()
    wrong_bin = operator_api.post(
        f"/pick-tasks/{line.pk}/confirm", {"location": "B-A-02", "item_code": "LAMP"}
    )
    assert wrong_bin.status_code == 409
    assert error_of(wrong_bin)["code"] == "wrong_location"
    assert "expected A-01, scanned B-A-02" in error_of(wrong_bin)["message"]
    too_many = operator_api.post(
        f"/pick-tasks/{line.pk}/confirm", {"location": "A-01", "item_code": "LAMP", "quantity": 2}
    )
    assert error_of(too_many)["code"] == "too_many"
    two_items = operator_api.post(
        f"/pick-tasks/{line.pk}/confirm",
        {"location": "A-01", "item_code": "LAMP", "product": "LAMP"},
    )
    assert two_items.status_code == 422
    assert moves() == before


def test_a_scan_of_stock_reserved_for_another_order_is_refused(
    operator_api: Any,
    operator: Any,
    pick_list: Any,
    wh: Any,
    bins: Any,
    mug: Any,
    order_for: Any,
    manager: Any,
) -> None:
    pallet = LpnFactory(code="PAL-9", warehouse=wh, kind=LpnKind.PALLET, location=bins["B-01"])
    ledger.receive(user=manager, product=mug, location=bins["B-01"], quantity=4, lpn=pallet)
    other = order_for("SO-9", (mug, 4))
    allocate_orders(order_ids=[other.pk], user=manager)
    next_pick_list(operator, [wh.pk])
    mug_line = lines_of(pick_list)[1]
    before = moves()
    response = operator_api.post(
        f"/pick-tasks/{mug_line.pk}/confirm", {"location": "A-02", "item_code": "PAL-9"}
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "wrong_item"
    assert "PAL-9 holds stock reserved for another order" in error_of(response)["message"]
    assert moves() == before


def test_short_pick_reports_the_bin_short(
    operator_api: Any, operator: Any, pick_list: Any, wh: Any
) -> None:
    next_pick_list(operator, [wh.pk])
    mug_line = lines_of(pick_list)[1]
    missing_item = operator_api.post(
        f"/pick-tasks/{mug_line.pk}/short", {"location": "A-02", "found_quantity": 1}
    )
    assert missing_item.status_code == 422
    response = operator_api.post(
        f"/pick-tasks/{mug_line.pk}/short",
        {"location": "A-02", "found_quantity": 1, "item_code": "MUG"},
        **{"Idempotency-Key": "s1"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["picked"], body["short"], body["reallocated"]) == (1, 1, 0)
    assert body["task"]["status"] == "short"
    assert "none elsewhere" in body["message"]


def test_an_api_picker_takes_the_next_list_and_two_never_share_one(
    operator_api: Any, api_as: Any, operator: Any, pick_list: Any, east: Any
) -> None:
    first = operator_api.post("/pick-tasks/next", {})
    assert first.status_code == 200
    body = first.json()
    assert body["pick_list"] == pick_list.number
    assert [(t["location"], t["sku"]) for t in body["tasks"]] == [("A-01", "LAMP"), ("A-02", "MUG")]
    assert all(t["assigned_to"] == operator.email for t in body["tasks"])
    # Asking again resumes the same list; a colleague finds nothing waiting.
    assert operator_api.post("/pick-tasks/next", {}).json()["pick_list"] == pick_list.number
    colleague = UserFactory(role="operator", email="colleague@acme.test")
    give_scope(colleague, warehouses=[east])
    assert api_as(colleague).post("/pick-tasks/next", {}).json() == {
        "pick_list": None,
        "method": None,
        "tasks": [],
    }


def test_next_work_refuses_an_unknown_zone_or_warehouse_and_assigns_nothing(
    operator_api: Any, pick_list: Any
) -> None:
    bad_zone = operator_api.post("/pick-tasks/next", {"zones": ["NOPE"]})
    assert bad_zone.status_code == 400
    assert error_of(bad_zone)["field_errors"] == {"zones": ["Unknown zone code."]}
    bad_wh = operator_api.post("/pick-tasks/next", {"warehouse": "WEST"})
    assert bad_wh.status_code == 400
    pick_list.refresh_from_db()
    assert pick_list.assigned_to_id is None
