"""The count API: a whole count at once honours Idempotency-Key, refusals answer the error
envelope and write nothing, approval posts the differences, and scope hides other warehouses."""

from __future__ import annotations

from typing import Any

from control.models import CountStatus, CountTask
from inventory.models import Balance, Reason, StockMove
from tests.factories import UserFactory
from tests.helpers import assert_nothing_written

CONTROL_ROUTES = {
    "/api/v1/count-tasks": {"get"},
    "/api/v1/count-tasks/{pk}": {"get"},
    "/api/v1/count-tasks/{pk}/count": {"post"},
    "/api/v1/counts/{pk}/approve": {"post"},
    "/api/v1/counts/{pk}/reject": {"post"},
    "/api/v1/holds": {"get", "post"},
    "/api/v1/holds/{pk}/release": {"post"},
    "/api/v1/replenishment-tasks": {"get"},
    "/api/v1/replenishment-tasks/{pk}/complete": {"post"},
    "/api/v1/work/next": {"post"},
    "/api/v1/transfers": {"get", "post"},
    "/api/v1/transfers/{pk}": {"get"},
    "/api/v1/transfers/{pk}/ship": {"post"},
    "/api/v1/transfers/{pk}/receive": {"post"},
}
BODY = {"location": "A-01-01", "items": [{"item": "CASE-WIDGET-6", "quantity": 6}]}


def test_a_repeated_count_with_the_same_key_counts_once(
    api_as: Any, operator: Any, count_task: CountTask
) -> None:
    api = api_as(operator)
    first = api.post(f"/count-tasks/{count_task.pk}/count", BODY, **{"Idempotency-Key": "c-1"})
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "review"  # 36 of 37: within the thresholds
    with assert_nothing_written(except_tables=["accounts_apitoken"]):
        again = api.post(f"/count-tasks/{count_task.pk}/count", BODY, **{"Idempotency-Key": "c-1"})
    assert again.json() == first.json()


def test_wrong_bin_and_negative_count_are_refused(
    api_as: Any, operator: Any, count_task: CountTask
) -> None:
    api = api_as(operator)
    with assert_nothing_written(except_tables=["accounts_apitoken"]):
        wrong = api.post(f"/count-tasks/{count_task.pk}/count", {**BODY, "location": "A-01-02"})
        negative = api.post(
            f"/count-tasks/{count_task.pk}/count",
            {"location": "A-01-01", "items": [{"item": "WIDGET", "quantity": -1}]},
        )
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (400, "wrong_bin")
    assert negative.status_code == 422


def test_manager_approves_and_the_counter_may_not(
    api_as: Any, operator: Any, manager: Any, count_task: CountTask, bin_a: Any
) -> None:
    api_as(operator).post(f"/count-tasks/{count_task.pk}/count", BODY)
    denied = api_as(operator).post(f"/counts/{count_task.pk}/approve", {})
    assert denied.status_code == 403
    approved = api_as(manager).post(
        f"/counts/{count_task.pk}/approve", {"note": "ok"}, **{"Idempotency-Key": "a-1"}
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == CountStatus.APPROVED
    move = StockMove.objects.get(reason=Reason.COUNT)
    assert (move.quantity, move.reason_code) == (1, "cycle_count")
    assert Balance.objects.get(location=bin_a).on_hand == 36


def test_manager_may_not_approve_a_count_they_made(
    api_as: Any, manager: Any, count_task: CountTask
) -> None:
    api = api_as(manager)
    api.post(f"/count-tasks/{count_task.pk}/count", BODY)
    with assert_nothing_written(except_tables=["accounts_apitoken"]):
        refused = api.post(f"/counts/{count_task.pk}/approve", {})
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "own_count")


def test_an_operator_of_another_warehouse_gets_404(
    api_as: Any, west: Any, count_task: CountTask
) -> None:
    stranger = UserFactory(role="operator", email="west@acme.test", warehouses=[west])
    assert api_as(stranger).get(f"/count-tasks/{count_task.pk}").status_code == 404
    assert api_as(stranger).get("/count-tasks").json()["items"] == []


def test_openapi_lists_the_control_routes_with_the_idempotency_key(acme: Any) -> None:
    from django.test import Client as HttpClient

    paths = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json").json()["paths"]
    listed = {path: set(methods) for path, methods in paths.items() if path in CONTROL_ROUTES}
    assert listed == CONTROL_ROUTES
    # /work/next takes no key: a repeat answers the task the caller now holds.
    for path, methods in CONTROL_ROUTES.items():
        if "post" in methods and path != "/api/v1/work/next":
            headers = [p["name"] for p in paths[path]["post"]["parameters"] if p["in"] == "header"]
            assert headers == ["Idempotency-Key"], path
