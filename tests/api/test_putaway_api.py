"""GET /api/v1/putaway-tasks, GET /api/v1/putaway-tasks/{id} and POST .../{id}/complete: the
queue in the caller's warehouses, one task with its proposal and reason, and the destination
scan, which claims an open task, moves the stock dock to bin and honours Idempotency-Key.
A wrong location is 409 with what was expected and moves nothing; overriding needs the
permission (403) and a reason (409); tasks outside the caller's scope are 404."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db.models import Sum

from inventory.models import Balance, Lpn, StockMove
from receiving import services
from receiving.models import PutawayStatus, PutawayTask
from receiving.services import putaway_tasks
from tests.api.conftest import error_of
from tests.factories import LocationFactory, UserFactory, give_scope


def on_hand_at(location: Any) -> int:
    total = Balance.objects.filter(location=location).aggregate(total=Sum("on_hand"))["total"]
    return int(total or 0)


@pytest.fixture
def putaway(inbound: SimpleNamespace, manager: Any) -> SimpleNamespace:
    """3 WIDGET received onto an LPN at DOCK-E (its task proposes E-01, where WIDGET already is),
    an empty bin E-09, and a task in WEST (outside the EAST operator's scope)."""
    inbound.e09 = LocationFactory(warehouse=inbound.east, code="E-09", pick_sequence=9)
    receipt = services.receive_scan(
        asn=inbound.po1, code_or_product="WIDGET", quantity=3, user=manager
    )
    assert receipt.lpn is not None
    inbound.lpn = receipt.lpn
    inbound.task = putaway_tasks.create_task_for_lpn(user=manager, lpn=receipt.lpn)
    west = services.receive_scan(asn=inbound.pow, code_or_product="GADGET", user=manager)
    assert west.lpn is not None
    inbound.west_task = putaway_tasks.create_task_for_lpn(user=manager, lpn=west.lpn)
    return inbound


def url(task: Any, action: str = "") -> str:
    return f"/putaway-tasks/{task.pk}" + (f"/{action}" if action else "")


def test_list_is_the_work_to_do_in_my_warehouses(operator_api: Any, putaway: Any) -> None:
    response = operator_api.get("/putaway-tasks")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == putaway.task.pk
    assert (item["warehouse"], item["lpn"], item["status"], item["from_location"]) == (
        "EAST",
        putaway.lpn.code,
        "open",
        "DOCK-E",
    )
    assert item["proposed_location"] == "E-01"
    assert item["strategy"] == "consolidate" and "E-01" in item["reason"]


def test_list_filters_by_warehouse_and_status_and_paginates(manager_api: Any, putaway: Any) -> None:
    assert manager_api.get("/putaway-tasks").json()["count"] == 2
    west = manager_api.get("/putaway-tasks", warehouse="west").json()
    assert [item["id"] for item in west["items"]] == [putaway.west_task.pk]
    assert manager_api.get("/putaway-tasks", status="done").json()["count"] == 0
    page = manager_api.get("/putaway-tasks", limit=1, offset=1).json()
    assert (page["count"], len(page["items"])) == (2, 1)
    assert manager_api.get("/putaway-tasks", status="lost").status_code == 422


def test_get_one_task(operator_api: Any, putaway: Any) -> None:
    response = operator_api.get(url(putaway.task))
    assert response.status_code == 200
    assert response.json()["what"] == f"LPN {putaway.lpn.code}"


def test_complete_claims_the_task_and_moves_the_stock(
    operator_api: Any, operator: Any, putaway: Any
) -> None:
    response = operator_api.post(url(putaway.task, "complete"), {"location": "e-01"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["confirmed_location"], body["assigned_to"]) == (
        "done",
        "E-01",
        operator.email,
    )
    assert on_hand_at(putaway.dock_e) == 0
    assert Lpn.objects.get(pk=putaway.lpn.pk).location == putaway.e01


def test_wrong_location_is_409_with_the_message_and_moves_nothing(
    operator_api: Any, putaway: Any
) -> None:
    moves = StockMove.objects.count()

    response = operator_api.post(url(putaway.task, "complete"), {"location": "E-09"})

    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "wrong_location"
    assert error["message"] == (
        "Expected E-01; scanned E-09. Only a manager may put away at another location."
    )
    assert StockMove.objects.count() == moves
    assert on_hand_at(putaway.dock_e) == 3
    # The refused scan does not leave the task claimed either.
    task = PutawayTask.objects.get(pk=putaway.task.pk)
    assert (task.status, task.assigned_to) == (PutawayStatus.OPEN, None)


def test_override_needs_the_permission(operator_api: Any, putaway: Any) -> None:
    response = operator_api.post(
        url(putaway.task, "complete"), {"location": "E-09", "override_reason": "E-01 is wet"}
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "not_permitted"
    assert on_hand_at(putaway.dock_e) == 3


def test_override_needs_a_reason(manager_api: Any, putaway: Any) -> None:
    response = manager_api.post(url(putaway.task, "complete"), {"location": "E-09"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "override_reason_required"
    assert "Give a reason to put away at E-09 instead" in error_of(response)["message"]
    assert on_hand_at(putaway.dock_e) == 3


def test_manager_overrides_with_a_reason(manager_api: Any, putaway: Any) -> None:
    response = manager_api.post(
        url(putaway.task, "complete"), {"location": "E-09", "override_reason": "E-01 is wet"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["confirmed_location"], body["override_reason"]) == ("E-09", "E-01 is wet")
    assert on_hand_at(putaway.e09) == 3


def test_same_idempotency_key_twice_moves_once(operator_api: Any, putaway: Any) -> None:
    key = {"Idempotency-Key": "put-1"}
    first = operator_api.post(url(putaway.task, "complete"), {"location": "E-01"}, **key)
    moves = StockMove.objects.count()
    again = operator_api.post(url(putaway.task, "complete"), {"location": "E-01"}, **key)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert StockMove.objects.count() == moves
    # Without the key, a done task is a conflict, not a second move.
    repeat = operator_api.post(url(putaway.task, "complete"), {"location": "E-01"})
    assert repeat.status_code == 409
    assert StockMove.objects.count() == moves


def test_a_task_someone_else_holds_is_refused(
    api_as: Any, operator: Any, putaway: Any, east: Any
) -> None:
    putaway_tasks.start_task(user=operator, task=putaway.task)
    colleague = UserFactory(role="operator", email="colleague@acme.test")
    give_scope(colleague, warehouses=[east])

    response = api_as(colleague).post(url(putaway.task, "complete"), {"location": "E-01"})

    assert response.status_code == 409
    assert error_of(response)["code"] == "task_taken"
    assert on_hand_at(putaway.dock_e) == 3


def test_scope_403_and_404(
    operator_api: Any, client_api: Any, putaway: Any, manager_api: Any
) -> None:
    # Another warehouse's task does not exist for the operator.
    assert operator_api.get(url(putaway.west_task)).status_code == 404
    response = operator_api.post(url(putaway.west_task, "complete"), {"location": "W-01"})
    assert response.status_code == 404
    assert manager_api.get("/putaway-tasks/999999").status_code == 404
    # Client users do no floor work.
    assert client_api.get("/putaway-tasks").status_code == 403
    assert client_api.get(url(putaway.task)).status_code == 403
    assert client_api.post(url(putaway.task, "complete"), {"location": "E-01"}).status_code == 403
    assert on_hand_at(putaway.dock_e) == 3


def test_bad_bodies_are_422(operator_api: Any, putaway: Any) -> None:
    for body in ({}, {"location": ""}, {"location": "E-01", "extra": 1}):
        assert operator_api.post(url(putaway.task, "complete"), body).status_code == 422
