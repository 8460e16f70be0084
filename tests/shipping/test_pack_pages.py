"""The pack station pages, desktop and handheld: who may use them (an operator of the warehouse,
a manager; not a client user, not an operator of another warehouse), the scan of a tote, item
scans answered with a red or green line that leave nothing behind when refused, opening and
closing cartons from the forms, and the documents and shipments once packed."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Reason, StockMove
from picking.models import OrderStatus
from shipping.models import Carton, CartonStatus, Shipment
from tests.factories import UserFactory, give_scope
from tests.helpers import element, scan_outcome, text_by_id
from tests.shipping.pack_world import LAMP_BARCODE, MUG_BARCODE

pytestmark = pytest.mark.django_db

SURFACES = ["/shipping/pack", "/floor/pack"]


@pytest.mark.parametrize("base", SURFACES)
def test_an_operator_and_a_manager_use_the_station_and_a_client_user_may_not(
    http_for: Any, picked_order: Any, operator: Any, manager: Any, client_user: Any, base: str
) -> None:
    for user in (operator, manager):
        page = http_for(user).get(f"{base}/")
        assert page.status_code == 200
        assert "SO-1" in page.content.decode()
        order = http_for(user).get(f"{base}/orders/{picked_order.pk}/")
        assert order.status_code == 200
        assert "Open BOX-S" in order.content.decode()
    assert http_for(client_user).get(f"{base}/").status_code == 403
    assert http_for(client_user).get(f"{base}/orders/{picked_order.pk}/").status_code == 403
    assert http_for().get(f"{base}/").status_code == 302


def test_an_operator_of_another_warehouse_finds_no_order(
    http_for: Any, picked_order: Any, west: Any
) -> None:
    stranger = UserFactory(role="operator", email="west@acme.test")
    give_scope(stranger, warehouses=[west])
    http = http_for(stranger)
    assert http.get(f"/shipping/pack/orders/{picked_order.pk}/").status_code == 404
    scan = http.post("/floor/pack/scan/", {"code": "TOTE-001"}, HTTP_HX_REQUEST="true")
    assert scan_outcome(scan.content.decode()) == "error"


@pytest.mark.parametrize("base", SURFACES)
def test_scanning_the_tote_goes_to_the_order(
    http_for: Any, picked_order: Any, operator: Any, base: str
) -> None:
    response = http_for(operator).post(
        f"{base}/scan/", {"code": "TOTE-001"}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == f"{base}/orders/{picked_order.pk}/"
    wrong = http_for(operator).post(f"{base}/scan/", {"code": "NOPE"}, HTTP_HX_REQUEST="true")
    assert wrong.status_code == 200
    assert scan_outcome(wrong.content.decode()) == "error"
    assert "scanned “NOPE”" in wrong.content.decode()


@pytest.mark.parametrize("base", SURFACES)
def test_the_packer_packs_the_order_from_the_page(
    http_for: Any, picked_order: Any, operator: Any, station: Any, base: str
) -> None:
    http = http_for(operator)
    order_url = f"{base}/orders/{picked_order.pk}/"
    opened = http.post(
        f"{order_url}cartons/", {"box_type": "BOX-S", "pack_station": station.pk}, follow=True
    )
    assert "Carton 1 (BOX-S) is open" in opened.content.decode()
    carton = Carton.objects.get()

    wrong = http.post(f"{order_url}scan/", {"code": "0000000000000"}, HTTP_HX_REQUEST="true")
    assert scan_outcome(wrong.content.decode()) == "error"
    assert "Wrong item" in wrong.content.decode()
    assert "HX-Trigger" not in wrong
    assert not StockMove.objects.filter(reason=Reason.PACK).exists()

    ok = http.post(
        f"{order_url}scan/",
        {"code": MUG_BARCODE, "quantity": "2", "idempotency_key": "s1"},
        HTTP_HX_REQUEST="true",
    )
    assert scan_outcome(ok.content.decode()) == "ok"
    assert ok["HX-Trigger"] == "pack-changed"
    http.post(f"{order_url}scan/", {"code": LAMP_BARCODE}, HTTP_HX_REQUEST="true")
    http.post(f"{order_url}scan/", {"code": "BALM", "quantity": "2", "lot": "BALM-L1"},
              HTTP_HX_REQUEST="true")  # fmt: skip
    panels = http.get(order_url, HTTP_HX_REQUEST="true").content.decode()
    assert text_by_id(panels, "remaining-count") == "0"
    assert "2 x MUG" in panels

    off = http.post(f"/shipping/pack/cartons/{carton.pk}/close/", {"weight_g": "5"}, follow=True)
    assert "Weight check failed: the carton weighs 5 g, expected 1020 g" in off.content.decode()
    closed = http.post(f"{base}/cartons/{carton.pk}/close/", {"weight_g": "1030"}, follow=True)
    body = closed.content.decode()
    assert "Order SO-1 is packed" in body
    assert (
        element(body, "#shipments") is not None
        and "Rating" in body
        and element(body, '#shipments[hx-trigger="every 2s"]') is not None
    )
    carton.refresh_from_db()
    picked_order.refresh_from_db()
    assert carton.status == CartonStatus.CLOSED and picked_order.status == OrderStatus.PACKED
    assert Shipment.objects.get().carton == carton

    slip = http.get(f"{base}/orders/{picked_order.pk}/packing-slip.pdf")
    assert slip["Content-Type"] == "application/pdf" and slip.content.startswith(b"%PDF")
    label = http.get(f"{base}/cartons/{carton.pk}/label.pdf")
    assert label["Content-Type"] == "application/pdf"
    polled = http.get(f"{base}/orders/{picked_order.pk}/shipments/", HTTP_HX_REQUEST="true")
    assert 'data-status="rating"' in polled.content.decode()


def test_the_shipment_partial_stops_polling_once_the_label_is_bought(
    http_for: Any, picked_order: Any, operator: Any, station: Any
) -> None:
    http = http_for(operator)
    order_url = f"/shipping/pack/orders/{picked_order.pk}/"
    http.post(f"{order_url}cartons/", {"box_type": "BOX-S", "pack_station": station.pk})
    for code, qty, lot in (("MUG", "2", ""), ("LAMP", "1", ""), ("BALM", "2", "BALM-L1")):
        http.post(f"{order_url}scan/", {"code": code, "quantity": qty, "lot": lot})
    http.post(f"/shipping/pack/cartons/{Carton.objects.get().pk}/close/", {"weight_g": "1020"})
    Shipment.objects.update(
        status="label_purchased", carrier="USPS", service="Priority", tracking_code="9400TEST",
        label_pdf=b"%PDF-1.4 fake",
    )  # fmt: skip
    polled = http.get(f"{order_url}shipments/", HTTP_HX_REQUEST="true").content.decode()
    assert "9400TEST" in polled and "USPS · Priority" in polled and "Shipping label" in polled
    assert "every 2s" not in polled
    carton = Carton.objects.get()
    label = http.get(f"/shipping/pack/cartons/{carton.pk}/shipping-label.pdf")
    assert label.content == b"%PDF-1.4 fake"
