"""/api/v1/asns: create (idempotent on client plus reference), list, get, mark expected and
cancel. Scope: a client user sees and creates only their client's ASNs, an operator sees only
their warehouses'; an id outside the scope is 404; a refusal is 403 and writes nothing."""

from __future__ import annotations

from typing import Any

from inventory.models import Event
from receiving.models import Asn, AsnStatus
from tests.api.conftest import error_of
from tests.helpers import assert_unchanged_since, snapshot


def new_asn(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client": "acme-outdoor",
        "warehouse": "EAST",
        "reference": "PO-2",
        "carrier": "UPS",
        "expected_date": "2030-05-01",
        "dock_door": "DOCK-E",
        "lines": [
            {"sku": "WIDGET", "expected_qty": 24},
            {"sku": "SERUM", "expected_qty": 6, "lot_number": "S-9", "expiry_date": "2030-12-31"},
        ],
    }
    body.update(changes)
    return body


def test_manager_creates_an_asn_with_lines(manager_api: Any, inbound: Any) -> None:
    response = manager_api.post("/asns", new_asn())
    assert response.status_code == 201, response.content
    body = response.json()
    asn = Asn.objects.get(reference="PO-2")
    assert body["id"] == asn.pk
    assert (body["client"], body["warehouse"], body["status"], body["dock_door"]) == (
        "acme-outdoor",
        "EAST",
        "draft",
        "DOCK-E",
    )
    assert [
        (line["sku"], line["expected_qty"], line["lot_number"], line["received_qty"])
        for line in body["lines"]
    ] == [("WIDGET", 24, "", 0), ("SERUM", 6, "S-9", 0)]
    assert Event.objects.filter(type="asn.created").count() == 3  # two in the fixture


def test_create_repeated_with_the_same_content_returns_the_asn_and_writes_nothing(
    manager_api: Any, inbound: Any
) -> None:
    first = manager_api.post("/asns", new_asn())
    before = snapshot()
    again = manager_api.post("/asns", new_asn())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert_unchanged_since(before)


def test_create_with_a_used_reference_and_different_content_is_409(
    manager_api: Any, inbound: Any
) -> None:
    manager_api.post("/asns", new_asn())
    before = snapshot()
    response = manager_api.post("/asns", new_asn(carrier="FedEx"))
    assert response.status_code == 409
    assert error_of(response)["code"] == "asn_exists"
    assert_unchanged_since(before)


def test_client_user_creates_an_asn_for_their_own_client(client_api: Any, inbound: Any) -> None:
    response = client_api.post("/asns", new_asn())
    assert response.status_code == 201, response.content
    assert Asn.objects.get(reference="PO-2").client == inbound.acme_outdoor


def test_client_user_cannot_create_for_another_client(client_api: Any, inbound: Any) -> None:
    before = snapshot()
    response = client_api.post(
        "/asns", new_asn(client="other-brand", lines=[{"sku": "GADGET", "expected_qty": 1}])
    )
    assert response.status_code == 422
    assert "client" in error_of(response)["field_errors"]
    assert_unchanged_since(before)


def test_operator_may_not_create_asns(operator_api: Any, inbound: Any) -> None:
    before = snapshot()
    response = operator_api.post("/asns", new_asn())
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert_unchanged_since(before)


def test_bad_asn_bodies_are_422_with_field_errors(manager_api: Any, inbound: Any) -> None:
    cases = [
        (new_asn(lines=[]), "lines"),
        (new_asn(lines=[{"sku": "WIDGET", "expected_qty": 0}]), "lines.0.expected_qty"),
        (new_asn(lines=[{"sku": "WIDGET", "expected_qty": "5"}]), "lines.0.expected_qty"),
        (new_asn(lines=[{"sku": "NOPE", "expected_qty": 1}]), "lines.0.sku"),
        (
            new_asn(lines=[{"product_id": inbound.gadget.pk, "expected_qty": 1}]),
            "lines.0.product_id",
        ),
        (new_asn(lines=[{"expected_qty": 1}]), "lines.0"),
        (new_asn(warehouse="NOWHERE"), "warehouse"),
        (new_asn(dock_door="X-99"), "dock_door"),
        (new_asn(expected_date="tomorrow"), "expected_date"),
        (new_asn(colour="red"), "colour"),
    ]
    before = snapshot()
    for body, field in cases:
        response = manager_api.post("/asns", body)
        assert response.status_code == 422, (field, response.content)
        assert field in error_of(response)["field_errors"], (field, error_of(response))
    assert_unchanged_since(before)


def test_domain_refusals_of_a_create_are_4xx(manager_api: Any, inbound: Any) -> None:
    body = new_asn(
        lines=[{"sku": "WIDGET", "expected_qty": 1}, {"sku": "WIDGET", "expected_qty": 2}]
    )
    response = manager_api.post("/asns", body)
    assert 400 <= response.status_code < 500
    assert "repeats WIDGET" in error_of(response)["message"]
    lot_on_untracked = new_asn(lines=[{"sku": "WIDGET", "expected_qty": 1, "lot_number": "L"}])
    assert 400 <= manager_api.post("/asns", lot_on_untracked).status_code < 500
    not_a_dock = new_asn(dock_door="E-01")
    assert 400 <= manager_api.post("/asns", not_a_dock).status_code < 500


def test_list_is_paginated_and_filtered(manager_api: Any, inbound: Any) -> None:
    body = manager_api.get("/asns").json()
    assert body["count"] == 2
    assert [row["reference"] for row in body["items"]] == ["PO-W", "PO-1"]
    assert manager_api.get("/asns", limit=1).json()["items"][0]["reference"] == "PO-W"
    assert [
        r["reference"] for r in manager_api.get("/asns", client="acme-outdoor").json()["items"]
    ] == ["PO-1"]
    assert [r["reference"] for r in manager_api.get("/asns", warehouse="WEST").json()["items"]] == [
        "PO-W"
    ]
    assert [r["reference"] for r in manager_api.get("/asns", reference="PO-1").json()["items"]] == [
        "PO-1"
    ]
    assert manager_api.get("/asns", status="draft").json()["count"] == 0
    assert manager_api.get("/asns", status="expected").json()["count"] == 2
    assert manager_api.get("/asns", status="bogus").status_code == 422
    assert manager_api.get("/asns", limit="many").status_code == 422


def test_list_queries_do_not_grow_with_rows(manager_api: Any, inbound: Any) -> None:
    manager_api.get("/asns")
    few = manager_api.queries("/asns")
    for n in range(5):
        manager_api.post("/asns", new_asn(reference=f"PO-X{n}"))
    assert manager_api.queries("/asns") == few


def test_get_shows_lines_with_counters(manager_api: Any, inbound: Any) -> None:
    body = manager_api.get(f"/asns/{inbound.po1.pk}").json()
    assert body["reference"] == "PO-1"
    assert [
        (line["sku"], line["expected_qty"], line["received_qty"], line["damaged_qty"])
        for line in body["lines"]
    ] == [("WIDGET", 10, 0, 0), ("SERUM", 4, 0, 0)]


def test_client_user_and_operator_see_only_their_scope(
    client_api: Any, operator_api: Any, inbound: Any
) -> None:
    for api in (client_api, operator_api):
        assert [r["reference"] for r in api.get("/asns").json()["items"]] == ["PO-1"]
        assert api.get(f"/asns/{inbound.po1.pk}").status_code == 200
        assert api.get(f"/asns/{inbound.pow.pk}").status_code == 404
        assert api.get("/asns/999999").status_code == 404


def test_mark_expected(manager_api: Any, client_api: Any, inbound: Any) -> None:
    draft = manager_api.post("/asns", new_asn()).json()
    response = client_api.post(f"/asns/{draft['id']}/expected", {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "expected"
    again = client_api.post(f"/asns/{draft['id']}/expected", {})
    assert again.status_code == 409
    assert error_of(again)["code"] == "invalid_transition"


def test_operator_may_not_mark_expected(manager_api: Any, operator_api: Any, inbound: Any) -> None:
    draft = manager_api.post("/asns", new_asn()).json()
    before = snapshot()
    assert operator_api.post(f"/asns/{draft['id']}/expected", {}).status_code == 403
    assert Asn.objects.get(pk=draft["id"]).status == AsnStatus.DRAFT
    assert_unchanged_since(before)


def test_cancel_with_an_idempotency_key_twice(manager_api: Any, inbound: Any) -> None:
    url = f"/asns/{inbound.po1.pk}/cancel"
    first = manager_api.post(url, {}, **{"Idempotency-Key": "cancel-1"})
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "cancelled"
    before = snapshot()
    again = manager_api.post(url, {}, **{"Idempotency-Key": "cancel-1"})
    assert again.json() == first.json()
    assert_unchanged_since(before)
    without_key = manager_api.post(url, {})
    assert without_key.status_code == 409


def test_cancel_needs_manage_asn_and_scope(
    client_api: Any, operator_api: Any, manager_api: Any, inbound: Any
) -> None:
    before = snapshot()
    assert client_api.post(f"/asns/{inbound.po1.pk}/cancel", {}).status_code == 403
    assert operator_api.post(f"/asns/{inbound.po1.pk}/cancel", {}).status_code == 403
    assert operator_api.post(f"/asns/{inbound.pow.pk}/cancel", {}).status_code == 404
    assert client_api.post(f"/asns/{inbound.pow.pk}/cancel", {}).status_code == 404
    assert manager_api.post("/asns/999999/cancel", {}).status_code == 404
    assert manager_api.post("/asns/abc/cancel", {}).status_code == 422
    assert_unchanged_since(before)
    assert Asn.objects.get(pk=inbound.po1.pk).status == AsnStatus.EXPECTED
