"""The client's orders in the portal: create by form or CSV through picking's rules (idempotent
on the reference, never merged), the list's filters, the order page (timeline, backorder
reasons, cartons and tracking linked to the carrier), and cancel with confirmation."""

from __future__ import annotations

import io

from picking.models import Order, OrderStatus
from picking.services.allocation import allocate_orders
from shipping.models import Shipment, ShipmentStatus
from shipping.services import dispatch
from shipping.tasks import rate_shipment
from tests.helpers import assert_nothing_written, link_targets, table_records, text_by_id
from tests.shipping.shipments_fixtures import make_packed_order


def _form(world, reference="WEB-1", lines="MUG, 2"):
    return {
        "client": world.mine.client.pk,
        "warehouse": world.wh.pk,
        "reference": reference,
        "ship_to_name": "Grace Hopper",
        "ship_to_street1": "1 Navy Yard",
        "ship_to_city": "Arlington",
        "ship_to_postal_code": "22202",
        "ship_to_country": "US",
        "service_level": "standard",
        "priority": "5",
        "lines": lines,
    }


def test_a_client_creates_an_order_by_form_and_a_repeat_changes_nothing(
    world, http_for, client_user
):
    http = http_for(client_user)
    response = http.post("/portal/orders/new/", _form(world))
    order = Order.objects.get(reference="WEB-1")
    assert order.client_id == world.mine.client.pk
    assert response["Location"] == f"/portal/orders/{order.pk}/"
    with assert_nothing_written(except_tables=["django_session"]):
        again = http.post("/portal/orders/new/", _form(world), follow=True)
    assert "already existed" in again.content.decode()


def test_the_same_reference_with_other_lines_is_refused_and_writes_nothing(
    world, http_for, client_user
):
    http = http_for(client_user)
    http.post("/portal/orders/new/", _form(world))
    with assert_nothing_written(except_tables=["django_session"]):
        response = http.post("/portal/orders/new/", _form(world, lines="MUG, 5"))
    assert response.status_code == 200
    assert "never merged" in response.content.decode()


def test_a_client_cannot_order_for_another_client_or_their_skus(world, http_for, client_user):
    http = http_for(client_user)
    with assert_nothing_written(except_tables=["django_session"]):
        other = http.post("/portal/orders/new/", _form(world) | {"client": world.theirs.client.pk})
        their_sku = http.post("/portal/orders/new/", _form(world, lines="XMUG, 1"))
    assert "Select a valid choice" in other.content.decode()
    assert "is not a product of" in their_sku.content.decode()


CSV_HEADER = "client,reference,warehouse,ship_to_name,ship_to_street1,ship_to_city,ship_to_postal_code,sku,quantity\n"


def _csv(*rows: str) -> io.BytesIO:
    file = io.BytesIO((CSV_HEADER + "".join(rows)).encode())
    file.name = "orders.csv"
    return file


def test_orders_from_csv_are_created_once_and_another_clients_rows_refuse_the_file(
    world, http_for, client_user
):
    http = http_for(client_user)
    row = "acme-outdoor,CSV-1,EAST,Ada,1 Way,Boston,02110,MUG,2\n"
    response = http.post(
        "/portal/orders/import/", {"file": _csv(row, row.replace("MUG,2", "BALM,1"))}
    )
    assert response.status_code == 302
    assert Order.objects.get(reference="CSV-1").line_count == 2
    repeat = http.post(
        "/portal/orders/import/", {"file": _csv(row, row.replace("MUG,2", "BALM,1"))}, follow=True
    )
    assert "1 already existed" in repeat.content.decode()
    with assert_nothing_written(except_tables=["django_session"]):
        refused = http.post(
            "/portal/orders/import/",
            {"file": _csv("other-brand,CSV-2,EAST,Ada,1 Way,Boston,02110,XMUG,1\n")},
        )
    assert "Nothing was imported" in refused.content.decode()


def test_the_list_filters_by_status_and_search(world, http_for, client_user):
    http = http_for(client_user)
    rows = table_records(
        http.get("/portal/orders/?status=new").content.decode(), with_column="Reference"
    )
    assert [r["Reference"] for r in rows] == ["SO-1"]
    assert (
        table_records(
            http.get("/portal/orders/?q=nothing-like-it").content.decode(), with_column="Reference"
        )
        == []
    )


def test_the_order_page_shows_the_timeline_and_why_a_line_waits(
    world, http_for, client_user, manager
):
    # 38 mugs on hand; an order of 50 cannot be allocated in full.
    http = http_for(client_user)
    http.post("/portal/orders/new/", _form(world, reference="BIG-1", lines="MUG, 50"))
    order = Order.objects.get(reference="BIG-1")
    allocate_orders(order_ids=[order.pk], user=manager)
    html = http.get(f"/portal/orders/{order.pk}/").content.decode()
    timeline = text_by_id(html, "timeline")
    assert "Received" in timeline and "Partially allocated (12 unit(s) waiting)" in timeline
    line = table_records(html, with_column="Waiting because")[0]
    assert "Backordered: 12 unit(s) wait for stock" in line["Waiting because"]
    assert "A-01" not in html


def test_a_shipped_order_shows_its_cartons_and_tracking_linked_to_the_carrier(
    carrier_settings, http_for, client_user, manager, operator, east, acme_outdoor
):
    packed = make_packed_order(user=manager, warehouse=east, client=acme_outdoor)
    assert rate_shipment.apply(args=[packed.shipment.pk]).get() == ShipmentStatus.LABEL_PURCHASED
    dispatch.ship_carton(user=operator, code=packed.cartons[0].lpn.code, ship_dock=packed.dock)
    shipment = Shipment.objects.get(pk=packed.shipment.pk)
    html = http_for(client_user).get(f"/portal/orders/{packed.order.pk}/").content.decode()
    assert text_by_id(html, "order-status") == "Shipped"
    assert shipment.tracking_code in text_by_id(html, "cartons")
    link = link_targets(html)[shipment.tracking_code]
    assert link.startswith("https://") and shipment.tracking_code in link
    assert "Shipped" in text_by_id(html, "timeline")
    assert "Cancel order" not in html


def test_cancel_asks_first_then_cancels_and_a_packed_order_is_refused(
    world, http_for, client_user, manager, east, acme_outdoor
):
    http = http_for(client_user)
    order = world.mine.order
    with assert_nothing_written(except_tables=["django_session"]):
        question = http.get(f"/portal/orders/{order.pk}/cancel/")
    assert "Cancel order SO-1?" in question.content.decode()
    http.post(f"/portal/orders/{order.pk}/cancel/")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    packed = make_packed_order(
        user=manager, warehouse=east, client=acme_outdoor, open_shipments=False
    )
    with assert_nothing_written(except_tables=["django_session"]):
        refused = http.post(f"/portal/orders/{packed.order.pk}/cancel/", follow=True)
    assert "cannot become cancelled" in refused.content.decode()
