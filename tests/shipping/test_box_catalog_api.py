"""Box types over the API: everyone reads (a client user only the boxes their client may use),
admins and managers create and change; bad input is a 422 with field errors and writes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shipping.models import BoxType
from shipping.services import catalog
from tests.api.conftest import error_of

SHIPPING_ROUTES = {
    "/api/v1/box-types": {"get", "post"},
    "/api/v1/box-types/{pk}": {"get", "patch"},
}
BODY = {
    "code": "BOX-M",
    "name": "Medium box",
    "inner_length_mm": 300,
    "inner_width_mm": 200,
    "inner_height_mm": 150,
    "max_weight_g": 10000,
    "tare_weight_g": 220,
    "cost": "0.85",
}


def box(code: str, clients: tuple[Any, ...] = (), **changes: Any) -> BoxType:
    fields = {**BODY, "cost": Decimal(BODY["cost"]), "code": code, **changes}
    return catalog.create_box_type(clients=clients, **fields)


def test_manager_creates_a_box_type_for_a_client(manager_api: Any, acme_outdoor: Any) -> None:
    response = manager_api.post("/box-types", {**BODY, "clients": ["acme-outdoor"]})

    assert response.status_code == 201
    row = BoxType.objects.get()
    assert response.json() == {
        "id": row.pk,
        "code": "BOX-M",
        "name": "Medium box",
        "inner_length_mm": 300,
        "inner_width_mm": 200,
        "inner_height_mm": 150,
        "max_weight_g": 10000,
        "tare_weight_g": 220,
        "cost": "0.85",
        "currency": "USD",
        "is_active": True,
        "clients": ["acme-outdoor"],
    }
    assert [c.code for c in row.clients.all()] == ["acme-outdoor"]


def test_repeated_create_with_the_same_key_makes_one_box(admin_api: Any) -> None:
    first = admin_api.post("/box-types", BODY, **{"Idempotency-Key": "box-1"})
    again = admin_api.post("/box-types", BODY, **{"Idempotency-Key": "box-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert BoxType.objects.count() == 1


def test_model_rules_come_back_as_field_errors_and_nothing_is_written(
    manager_api: Any,
) -> None:
    box("BOX-M")
    response = manager_api.post(
        "/box-types", {**BODY, "code": "BOX-M", "tare_weight_g": 10000, "currency": "USD"}
    )
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid"
    assert error_of(response)["field_errors"] == {
        "code": ["Box type with this Code already exists."],
        "tare_weight_g": [
            "The empty box (10000 g) must weigh less than its maximum gross weight (10000 g)."
        ],
    }
    assert BoxType.objects.count() == 1


def test_schema_rules_name_each_bad_field(manager_api: Any) -> None:
    response = manager_api.post(
        "/box-types",
        {
            **BODY,
            "inner_width_mm": 0,
            "inner_height_mm": "150",
            "cost": "-1",
            "currency": "usd",
            "colour": "brown",
        },
    )
    assert response.status_code == 422
    assert sorted(error_of(response)["field_errors"]) == [
        "colour",
        "cost",
        "currency",
        "inner_height_mm",
        "inner_width_mm",
    ]
    assert not BoxType.objects.exists()


def test_unknown_client_is_a_field_error(manager_api: Any, acme_outdoor: Any) -> None:
    response = manager_api.post("/box-types", {**BODY, "clients": ["acme-outdoor", "nobody"]})
    assert response.status_code == 422
    assert error_of(response)["field_errors"] == {
        "clients": ["No active client with code “nobody”."]
    }
    assert not BoxType.objects.exists()


@pytest.mark.parametrize("api", ["operator_api", "client_api"])
def test_only_staff_write(request: pytest.FixtureRequest, api: str) -> None:
    client = request.getfixturevalue(api)
    row = box("BOX-S")
    created = client.post("/box-types", BODY)
    changed = client.patch(f"/box-types/{row.pk}", {"name": "Mine now"})
    assert (created.status_code, changed.status_code) == (403, 403)
    assert error_of(created)["code"] == "forbidden"
    assert list(BoxType.objects.values_list("code", "name")) == [("BOX-S", "Medium box")]


def test_everyone_reads_a_client_user_only_their_clients_boxes(
    operator_api: Any, client_api: Any, acme_outdoor: Any, other_client: Any
) -> None:
    box("OPEN")
    box("OURS", clients=(acme_outdoor,))
    theirs = box("THEIRS", clients=(other_client,))

    by_operator = operator_api.get("/box-types")
    by_client = client_api.get("/box-types")

    assert by_operator.status_code == 200
    assert by_operator.json()["count"] == 3
    assert [b["code"] for b in by_operator.json()["items"]] == ["OPEN", "OURS", "THEIRS"]
    assert [b["code"] for b in by_client.json()["items"]] == ["OPEN", "OURS"]
    assert client_api.get(f"/box-types/{theirs.pk}").status_code == 404
    assert operator_api.get(f"/box-types/{theirs.pk}").json()["clients"] == ["other-brand"]


def test_list_filters_and_pages(manager_api: Any, acme_outdoor: Any, other_client: Any) -> None:
    for code in ("A-1", "A-2", "A-3"):
        box(code)
    box("MAILER", name="Padded mailer", clients=(other_client,))
    catalog.set_box_type_active(box("OLD", name="Old mailer"), False)

    def codes(**params: Any) -> list[str]:
        response = manager_api.get("/box-types", **params)
        assert response.status_code == 200, response.content
        return [b["code"] for b in response.json()["items"]]

    assert codes(search="mailer") == ["MAILER", "OLD"]
    assert codes(search="mailer", active="true") == ["MAILER"]
    assert codes(client="acme-outdoor") == ["A-1", "A-2", "A-3", "OLD"]
    assert codes(limit=2, offset=2) == ["A-3", "MAILER"]
    unknown = manager_api.get("/box-types", client="nobody")
    assert unknown.status_code == 422
    assert error_of(unknown)["field_errors"] == {
        "clients": ["No active client with code “nobody”."]
    }


def test_patch_changes_only_what_is_sent(manager_api: Any, acme_outdoor: Any) -> None:
    row = box("BOX-M", clients=(acme_outdoor,))
    response = manager_api.patch(
        f"/box-types/{row.pk}", {"name": "Medium", "is_active": False, "cost": "0.90"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["is_active"], body["cost"], body["clients"]) == (
        "Medium",
        False,
        "0.90",
        ["acme-outdoor"],
    )
    opened = manager_api.patch(f"/box-types/{row.pk}", {"clients": []})
    assert opened.json()["clients"] == []
    row.refresh_from_db()
    assert (row.name, row.is_active, row.max_weight_g, row.clients.count()) == (
        "Medium",
        False,
        10000,
        0,
    )


def test_bad_patch_is_refused_and_changes_nothing(manager_api: Any) -> None:
    row = box("BOX-M")
    null_name = manager_api.patch(f"/box-types/{row.pk}", {"name": None})
    heavy = manager_api.patch(f"/box-types/{row.pk}", {"name": "X", "max_weight_g": 200})
    missing = manager_api.patch("/box-types/999999", {"name": "X"})
    assert (null_name.status_code, heavy.status_code, missing.status_code) == (422, 422, 404)
    assert list(error_of(null_name)["field_errors"]) == ["name"]
    assert error_of(heavy)["field_errors"] == {
        "tare_weight_g": [
            "The empty box (220 g) must weigh less than its maximum gross weight (200 g)."
        ]
    }
    row.refresh_from_db()
    assert (row.name, row.max_weight_g) == ("Medium box", 10000)


def test_box_types_are_in_the_openapi_document(manager_api: Any) -> None:
    paths = manager_api.http.get("/api/v1/openapi.json").json()["paths"]
    assert {path: set(paths[path]) for path in SHIPPING_ROUTES} == SHIPPING_ROUTES
    parameters = paths["/api/v1/box-types"]["post"]["parameters"]
    assert [p["name"] for p in parameters if p["in"] == "header"] == ["Idempotency-Key"]
