"""The holds API: create (idempotent), list, release (audited, refused twice); unknown
references are 422 and write nothing; operators may not place holds."""

from __future__ import annotations

from typing import Any

from control.models import Hold, HoldStatus
from inventory.models import Balance, InventoryStatus
from tests.helpers import assert_nothing_written

BODY = {"kind": "product", "reason": "quality", "client": "acme-outdoor", "sku": "WIDGET"}


def test_hold_and_release_through_the_api(
    api_as: Any, manager: Any, stocked: Any, bin_a: Any
) -> None:
    api = api_as(manager)
    made = api.post("/holds", BODY, **{"Idempotency-Key": "h-1"})
    assert made.status_code == 201, made.content
    assert (made.json()["held_units"], made.json()["sku"]) == (37, "WIDGET")
    again = api.post("/holds", BODY, **{"Idempotency-Key": "h-1"})
    assert again.json()["id"] == made.json()["id"]
    assert Hold.objects.count() == 1
    assert Balance.objects.get(location=bin_a, on_hand__gt=0).status == InventoryStatus.HOLD
    assert [h["id"] for h in api.get("/holds").json()["items"]] == [made.json()["id"]]
    released = api.post(f"/holds/{made.json()['id']}/release", {"note": "checked"})
    assert released.status_code == 200
    assert (released.json()["status"], released.json()["release_note"]) == (
        HoldStatus.RELEASED,
        "checked",
    )
    assert Balance.objects.get(location=bin_a, on_hand__gt=0).status == InventoryStatus.AVAILABLE
    twice = api.post(f"/holds/{made.json()['id']}/release", {})
    assert twice.status_code == 409


def test_unknown_sku_is_422_and_operators_are_403(
    api_as: Any, manager: Any, operator: Any, stocked: Any
) -> None:
    with assert_nothing_written(except_tables=["accounts_apitoken"]):
        unknown = api_as(manager).post("/holds", {**BODY, "sku": "NOPE"})
        denied = api_as(operator).post("/holds", BODY)
    assert unknown.status_code == 422
    assert "sku" in unknown.json()["error"]["field_errors"]
    assert denied.status_code == 403
