"""Desk pages of shipments and manifests, the packer's status partial and the handheld ship dock,
with three personas: a manager (allowed), an operator of the warehouse (the floor only) and a
client user (denied); a refused request writes nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from shipping.models import Manifest, ShipmentStatus
from shipping.tasks import rate_shipment
from tests.helpers import assert_unchanged_since, snapshot
from tests.shipping import shipments_fixtures
from tests.shipping.shipments_fixtures import UNDELIVERABLE, fresh, make_packed_order

packed = shipments_fixtures.packed
packed_two = shipments_fixtures.packed_two


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
    return world


def test_list_shows_needs_attention_first_with_its_message(
    http_for: Any, manager: Any, bought: Any, stuck: Any
) -> None:
    response = http_for(manager).get("/shipping/shipments/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index(stuck.order.reference) < page.index(bought.order.reference)
    assert "Unable to verify address." in page
    filtered = http_for(manager).get("/shipping/shipments/", {"status": "label_purchased"})
    assert stuck.order.reference not in filtered.content.decode()


def test_detail_marks_the_chosen_rate_and_links_the_labels(
    http_for: Any, manager: Any, bought: Any
) -> None:
    shipment = fresh(bought.shipments[0])
    page = http_for(manager).get(f"/shipping/shipments/{shipment.pk}/").content.decode()
    assert "✔ chosen" in page
    assert page.count("✔ chosen") == 1
    assert f"/shipping/shipments/{shipment.pk}/label.pdf" in page
    assert "Void label" in page
    pdf = http_for(manager).get(f"/shipping/shipments/{shipment.pk}/label.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert shipment.tracking_code in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_retry_with_an_address_fix_from_the_page(
    http_for: Any, manager: Any, stuck: Any, django_capture_on_commit_callbacks: Any
) -> None:
    page = http_for(manager).get(f"/shipping/shipments/{stuck.shipment.pk}/").content.decode()
    assert "ship-to address first" in page
    form = {
        "fix_address": "1",
        "name": "Ada Lovelace",
        "street1": "12 Analytical Way",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78701",
        "country": "US",
    }
    with django_capture_on_commit_callbacks() as sent:
        response = http_for(manager).post(f"/shipping/shipments/{stuck.shipment.pk}/retry/", form)
    assert response.status_code == 302
    assert len(sent) == 1
    stuck.order.refresh_from_db()
    assert stuck.order.ship_to_street1 == "12 Analytical Way"
    assert fresh(stuck.shipment).status == ShipmentStatus.RATING


def test_void_asks_first_then_refunds(
    http_for: Any, manager: Any, bought: Any, carrier_settings: Any
) -> None:
    pk = bought.shipments[0].pk
    confirm = http_for(manager).get(f"/shipping/shipments/{pk}/void/")
    assert confirm.status_code == 200
    assert fresh(bought.shipments[0]).status == ShipmentStatus.LABEL_PURCHASED
    response = http_for(manager).post(f"/shipping/shipments/{pk}/void/")
    assert response.status_code == 302
    assert fresh(bought.shipments[0]).status == ShipmentStatus.VOIDED
    assert sum(carrier_settings.counters()["refunds"].values()) == 1


def test_manifest_page_creates_and_serves_the_pdf(
    http_for: Any, manager: Any, east: Any, bought: Any
) -> None:
    http = http_for(manager)
    response = http.post(
        "/shipping/manifests/",
        {"warehouse": east.pk, "carrier": "USPS", "date": dt.datetime.now(dt.UTC).date()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    manifest = Manifest.objects.get()
    listing = http.get("/shipping/manifests/").content.decode()
    assert manifest.easypost_id in listing
    pdf = http.get(f"/shipping/manifests/{manifest.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert manifest.easypost_id in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_manifest_with_nothing_waiting_shows_why_and_writes_nothing(
    http_for: Any, manager: Any, east: Any, acme: Any
) -> None:
    before = snapshot()
    response = http_for(manager).post(
        "/shipping/manifests/", {"warehouse": east.pk, "carrier": "UPS", "date": "2025-03-03"}
    )
    assert response.status_code == 400
    assert "No UPS shipments of EAST on 2025-03-03" in response.content.decode()
    assert_unchanged_since(before)


@pytest.mark.parametrize("persona", ["operator", "client_user"])
def test_desk_pages_and_actions_are_refused_to_others(
    http_for: Any,
    request: pytest.FixtureRequest,
    bought: Any,
    east: Any,
    carrier_settings: Any,
    persona: str,
) -> None:
    http = http_for(request.getfixturevalue(persona))
    pk = bought.shipments[0].pk
    before = snapshot()
    for path in (
        "/shipping/shipments/",
        f"/shipping/shipments/{pk}/",
        f"/shipping/shipments/{pk}/label.pdf",
        "/shipping/manifests/",
    ):
        assert http.get(path).status_code == 403, path
    assert http.post(f"/shipping/shipments/{pk}/void/").status_code == 403
    assert http.post(f"/shipping/shipments/{pk}/retry/").status_code == 403
    assert (
        http.post("/shipping/manifests/", {"warehouse": east.pk, "carrier": "USPS"}).status_code
        == 403
    )
    assert_unchanged_since(before)
    assert carrier_settings.counters()["refunds"] == {}


# --- The packer's status partial ---------------------------------------------------------------


def test_status_partial_polls_while_rating_and_stops_when_bought(
    http_for: Any, operator: Any, carrier_settings: Any, packed: Any
) -> None:
    http = http_for(operator)
    url = f"/shipping/shipments/carton/{packed.cartons[0].pk}/status/"
    rating = http.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in rating
    assert "Buying the label" in rating
    rate_shipment.apply(args=[packed.shipment.pk]).get()
    done = http.get(f"/shipping/shipments/{packed.shipment.pk}/status/").content.decode()
    assert "hx-trigger" not in done
    assert fresh(packed.shipment).tracking_code in done
    assert "Print label (PDF)" in done


def test_status_partial_shows_the_attention_message(
    http_for: Any, operator: Any, stuck: Any
) -> None:
    page = http_for(operator).get(f"/shipping/shipments/{stuck.shipment.pk}/status/")
    assert "Needs attention:" in page.content.decode()
    assert "Unable to verify address." in page.content.decode()


def test_status_partial_is_hidden_outside_the_users_scope(
    http_for: Any, client_user: Any, other_client: Any, manager: Any, east: Any
) -> None:
    world = make_packed_order(user=manager, warehouse=east, client=other_client)
    assert (
        http_for(client_user).get(f"/shipping/shipments/{world.shipment.pk}/status/").status_code
        == 404
    )


# --- The handheld ship dock --------------------------------------------------------------------


def scan(http: Any, code: str, dock: Any, key: str) -> str:
    response = http.post(
        "/floor/ship/scan/", {"code": code, "dock": dock.pk, "idempotency_key": key}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_ship_dock_loads_cartons_and_ships_the_order(
    http_for: Any, operator: Any, bought: Any
) -> None:
    http = http_for(operator)
    page = http.get("/floor/ship/", {"dock": bought.dock.pk}).content.decode()
    assert f"{bought.dock.code}" in page and "Scan carton" in page
    first = scan(http, bought.cartons[0].lpn.code, bought.dock, "k1")
    assert 'data-ok="1"' in first and "Loaded carton 1" in first
    repeat = scan(http, bought.cartons[0].lpn.code, bought.dock, "k1")  # the same scan, resent
    assert 'data-ok="1"' in repeat
    last = scan(http, bought.cartons[1].lpn.code, bought.dock, "k2")
    assert "Order shipped." in last
    bought.order.refresh_from_db()
    assert bought.order.status == "shipped"


def test_ship_dock_refuses_loudly_and_writes_nothing(
    http_for: Any, operator: Any, carrier_settings: Any, packed: Any
) -> None:
    http = http_for(operator)
    before = snapshot()
    no_label = scan(http, packed.cartons[0].lpn.code, packed.dock, "k1")
    assert 'data-ok="0"' in no_label and "NOT LOADED." in no_label
    assert "has no label yet" in no_label
    unknown = scan(http, "XYZ", packed.dock, "k2")
    assert "“XYZ” is not a packed carton" in unknown
    assert_unchanged_since(before)


def test_ship_dock_of_another_warehouse_is_not_offered_to_an_operator(
    http_for: Any, operator: Any, west: Any, bought: Any
) -> None:
    west_dock = shipments_fixtures.dress_warehouse(west).dock
    http = http_for(operator)
    assert west_dock.code not in http.get("/floor/ship/").content.decode()
    before = snapshot()
    refused = scan(http, bought.cartons[0].lpn.code, west_dock, "k1")
    assert "Choose the ship dock" in refused
    assert_unchanged_since(before)


def test_client_users_have_no_ship_dock(http_for: Any, client_user: Any, acme: Any) -> None:
    assert http_for(client_user).get("/floor/ship/").status_code == 403
