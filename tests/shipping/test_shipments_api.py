"""The shipments and manifests API: managers read, retry, void, download labels and create
manifests; operators and client users are refused (403) and nothing is written."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client as HttpClient
from pypdf import PdfReader

from inventory.models import Event
from picking.models import Order
from shipping.models import ShipmentStatus
from shipping.tasks import rate_shipment
from tests.api.conftest import error_of
from tests.helpers import assert_unchanged_since, snapshot
from tests.shipping import shipments_fixtures
from tests.shipping.shipments_fixtures import UNDELIVERABLE, fresh, make_packed_order

packed = shipments_fixtures.packed
packed_two = shipments_fixtures.packed_two

SHIPMENT_ROUTES = {
    "/api/v1/shipments": {"get"},
    "/api/v1/shipments/{pk}": {"get"},
    "/api/v1/shipments/{pk}/retry": {"post"},
    "/api/v1/shipments/{pk}/void": {"post"},
    "/api/v1/shipments/{pk}/reconcile": {"post"},
    "/api/v1/shipments/{pk}/label": {"get"},
    "/api/v1/manifests": {"get", "post"},
    "/api/v1/manifests/{pk}/pdf": {"get"},
}


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@pytest.fixture
def bought(carrier_settings: Any, packed_two: Any) -> Any:
    for shipment in packed_two.shipments:
        rate_shipment.apply(args=[shipment.pk]).get()
    return packed_two


@pytest.fixture
def stuck(carrier_settings: Any, manager: Any, east: Any, acme_outdoor: Any) -> Any:
    world = make_packed_order(
        user=manager, warehouse=east, client=acme_outdoor, street1=UNDELIVERABLE
    )
    rate_shipment.apply(args=[world.shipment.pk]).get()
    assert fresh(world.shipment).status == ShipmentStatus.NEEDS_ATTENTION
    return world


def test_list_puts_shipments_needing_attention_first_and_filters(
    manager_api: Any, bought: Any, stuck: Any
) -> None:
    body = manager_api.get("/shipments").json()
    assert body["count"] == 3
    assert body["items"][0]["id"] == stuck.shipment.pk
    assert body["items"][0]["attention_message"].startswith("Unable to verify address.")
    purchased = manager_api.get("/shipments", status="label_purchased").json()["items"]
    assert {row["id"] for row in purchased} == {s.pk for s in bought.shipments}
    by_order = manager_api.get("/shipments", order=bought.order.reference).json()["items"]
    assert [row["carton_number"] for row in by_order] == [2, 1]
    assert manager_api.get("/shipments", carrier="usps").json()["count"] == 2
    assert manager_api.get("/shipments", carrier="UPS").json()["count"] == 0


def test_get_shows_rates_with_the_chosen_one_tracking_and_label_formats(
    manager_api: Any, bought: Any
) -> None:
    shipment = fresh(bought.shipments[0])
    body = manager_api.get(f"/shipments/{shipment.pk}").json()
    assert body["status"] == "label_purchased"
    assert body["tracking_code"] == shipment.tracking_code
    assert body["rate_id"] == shipment.rate_id
    chosen = [rate for rate in body["rates"] if rate["chosen"]]
    assert [(r["carrier"], r["service"], r["amount"]) for r in chosen] == [
        ("USPS", "GroundAdvantage", "7.10")
    ]
    assert len(body["rates"]) == 6
    assert body["label_formats"] == ["pdf", "zpl"]
    assert body["order_reference"] == bought.order.reference


@pytest.mark.parametrize("persona", ["operator_api", "client_api"])
def test_others_may_not_read_shipments(
    request: pytest.FixtureRequest, bought: Any, persona: str
) -> None:
    api = request.getfixturevalue(persona)
    assert api.get("/shipments").status_code == 403
    assert api.get(f"/shipments/{bought.shipments[0].pk}").status_code == 403
    assert api.get(f"/shipments/{bought.shipments[0].pk}/label").status_code == 403


def test_label_downloads_as_pdf_and_zpl(manager_api: Any, bought: Any) -> None:
    shipment = fresh(bought.shipments[0])
    pdf = manager_api.get(f"/shipments/{shipment.pk}/label")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert shipment.tracking_code in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    zpl = manager_api.get(f"/shipments/{shipment.pk}/label", format="zpl")
    assert zpl["Content-Type"].startswith("application/zpl")
    assert shipment.tracking_code in zpl.content.decode()
    assert manager_api.get(f"/shipments/{shipment.pk}/label", format="png").status_code == 422


def test_label_of_a_shipment_without_one_is_404(manager_api: Any, stuck: Any) -> None:
    response = manager_api.get(f"/shipments/{stuck.shipment.pk}/label")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_retry_with_a_corrected_address_rates_again_once(
    manager_api: Any, stuck: Any, django_capture_on_commit_callbacks: Any
) -> None:
    body = {
        "ship_to": {
            "name": "Ada Lovelace",
            "street1": "12 Analytical Way",
            "city": "Austin",
            "state": "TX",
            "postal_code": "78701",
        }
    }
    with django_capture_on_commit_callbacks() as sent:
        response = manager_api.post(
            f"/shipments/{stuck.shipment.pk}/retry", body, **{"Idempotency-Key": "retry-1"}
        )
        again = manager_api.post(
            f"/shipments/{stuck.shipment.pk}/retry", body, **{"Idempotency-Key": "retry-1"}
        )
    assert response.status_code == 200, response.content
    assert again.status_code == 200
    assert response.json()["status"] == "rating"
    assert response.json()["attention_message"] == ""
    assert len(sent) == 1  # the rating task, once
    assert Order.objects.get(pk=stuck.order.pk).ship_to_street1 == "12 Analytical Way"
    assert Event.objects.filter(type="shipment.rating").count() == 1
    # The task then buys at the new address.
    assert rate_shipment.apply(args=[stuck.shipment.pk]).get() == "label_purchased"


def test_retry_of_a_bought_label_is_refused(manager_api: Any, bought: Any) -> None:
    before = snapshot()
    response = manager_api.post(f"/shipments/{bought.shipments[0].pk}/retry", {})
    assert response.status_code == 409
    assert error_of(response)["code"] == "shipment_refused"
    assert_unchanged_since(before)


@pytest.mark.parametrize("persona", ["operator_api", "client_api"])
def test_others_may_not_retry_and_nothing_is_written(
    request: pytest.FixtureRequest, stuck: Any, persona: str
) -> None:
    api = request.getfixturevalue(persona)
    before = snapshot()
    response = api.post(f"/shipments/{stuck.shipment.pk}/retry", {})
    assert response.status_code == 403
    assert_unchanged_since(before)
    assert fresh(stuck.shipment).status == ShipmentStatus.NEEDS_ATTENTION


def test_void_refunds_once_per_idempotency_key(
    manager_api: Any, bought: Any, carrier_settings: Any
) -> None:
    pk = bought.shipments[0].pk
    first = manager_api.post(f"/shipments/{pk}/void", {}, **{"Idempotency-Key": "void-1"})
    repeat = manager_api.post(f"/shipments/{pk}/void", {}, **{"Idempotency-Key": "void-1"})
    assert first.status_code == repeat.status_code == 200
    assert first.json()["status"] == repeat.json()["status"] == "voided"
    assert first.json()["refund_status"] == "submitted"
    assert carrier_settings.counters()["refunds"] == {fresh(bought.shipments[0]).easypost_id: 1}
    again = manager_api.post(f"/shipments/{pk}/void", {}, **{"Idempotency-Key": "void-2"})
    assert again.status_code == 409
    assert "no bought label to void" in error_of(again)["message"]


def test_void_of_a_shipped_label_is_refused(
    manager_api: Any, operator: Any, bought: Any, carrier_settings: Any
) -> None:
    from shipping.services import dispatch

    dispatch.ship_carton(user=operator, code=bought.cartons[0].lpn.code, ship_dock=bought.dock)
    response = manager_api.post(f"/shipments/{bought.shipments[0].pk}/void", {})
    assert response.status_code == 409
    assert "has shipped" in error_of(response)["message"]
    assert carrier_settings.counters()["refunds"] == {}


@pytest.mark.parametrize("persona", ["operator_api", "client_api"])
def test_others_may_not_void_and_nothing_is_refunded(
    request: pytest.FixtureRequest, bought: Any, carrier_settings: Any, persona: str
) -> None:
    response = request.getfixturevalue(persona).post(
        f"/shipments/{bought.shipments[0].pk}/void", {}
    )
    assert response.status_code == 403
    assert carrier_settings.counters()["refunds"] == {}
    assert fresh(bought.shipments[0]).status == ShipmentStatus.LABEL_PURCHASED


def test_manifest_is_created_once_per_key_and_its_pdf_downloads(
    manager_api: Any, bought: Any, carrier_settings: Any
) -> None:
    body = {"warehouse": "EAST", "carrier": "USPS", "date": today().isoformat()}
    created = manager_api.post("/manifests", body, **{"Idempotency-Key": "m-1"})
    repeat = manager_api.post("/manifests", body, **{"Idempotency-Key": "m-1"})
    assert created.status_code == repeat.status_code == 201, created.content
    manifest = created.json()
    assert repeat.json()["id"] == manifest["id"]
    assert sorted(manifest["shipment_ids"]) == sorted(s.pk for s in bought.shipments)
    assert carrier_settings.counters()["scan_forms"] == 1
    pdf = manager_api.get(f"/manifests/{manifest['id']}/pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert all(code in text for code in manifest["tracking_codes"])
    listed = manager_api.get("/manifests").json()
    assert [row["id"] for row in listed["items"]] == [manifest["id"]]


def test_manifest_with_nothing_waiting_is_refused(manager_api: Any, bought: Any) -> None:
    before = snapshot()
    response = manager_api.post(
        "/manifests", {"warehouse": "EAST", "carrier": "FedEx", "date": today().isoformat()}
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "shipment_refused"
    assert_unchanged_since(before)


def test_manifest_of_an_unknown_warehouse_is_a_field_error(manager_api: Any, acme: Any) -> None:
    response = manager_api.post(
        "/manifests", {"warehouse": "NOPE", "carrier": "USPS", "date": "2025-03-03"}
    )
    assert response.status_code == 422
    assert "warehouse" in error_of(response)["field_errors"]


@pytest.mark.parametrize("persona", ["operator_api", "client_api"])
def test_others_may_not_create_manifests(
    request: pytest.FixtureRequest, bought: Any, carrier_settings: Any, persona: str
) -> None:
    api = request.getfixturevalue(persona)
    before = snapshot()
    response = api.post(
        "/manifests", {"warehouse": "EAST", "carrier": "USPS", "date": today().isoformat()}
    )
    assert response.status_code == 403
    assert_unchanged_since(before)
    assert carrier_settings.counters()["scan_forms"] == 0


def test_openapi_lists_the_shipment_routes_with_idempotency_keys(acme: Any) -> None:
    paths = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json").json()["paths"]
    assert {path: set(paths[path]) for path in SHIPMENT_ROUTES} == SHIPMENT_ROUTES
    for path, methods in SHIPMENT_ROUTES.items():
        if "post" in methods:
            parameters = paths[path]["post"].get("parameters", [])
            assert [p["name"] for p in parameters if p["in"] == "header"] == ["Idempotency-Key"]
