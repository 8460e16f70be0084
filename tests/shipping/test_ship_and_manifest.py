"""Loading cartons at the ship dock (the last carton ships the order and its stock leaves for the
customer location) and the end-of-day manifest per carrier, through the ledger and the fake
EasyPost server."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db.models import Sum
from pypdf import PdfReader

from inventory.models import Balance, Event, LocationKind, Lpn, Reason, StockMove
from inventory.reconcile import find_drift
from inventory.services.posting import virtual_location
from picking.models import Order, OrderStatus
from shipping.exceptions import ShipmentRefused
from shipping.models import Carton, CartonStatus, Shipment, ShipmentStatus
from shipping.services import dispatch, rating
from shipping.tasks import rate_shipment
from tests.helpers import assert_unchanged_since, snapshot
from tests.shipping import shipments_fixtures
from tests.shipping.shipments_fixtures import dress_warehouse, fresh, make_packed_order

packed = shipments_fixtures.packed
packed_two = shipments_fixtures.packed_two


def buy_labels(world: Any) -> None:
    for shipment in world.shipments:
        assert rate_shipment.apply(args=[shipment.pk]).get() == ShipmentStatus.LABEL_PURCHASED


@pytest.fixture
def loaded(carrier_settings: Any, packed_two: Any) -> Any:
    buy_labels(packed_two)
    return packed_two


def customer_units(world: Any) -> int:
    customer = virtual_location(world.warehouse.pk, LocationKind.CUSTOMER)
    moved = StockMove.objects.filter(to_location=customer, product=world.product)
    return int(moved.aggregate(total=Sum("quantity"))["total"] or 0)


def test_first_carton_loads_onto_the_dock_and_the_order_waits(operator: Any, loaded: Any) -> None:
    first = loaded.cartons[0]
    result = dispatch.ship_carton(user=operator, code=first.lpn.code, ship_dock=loaded.dock)
    assert (result.order_shipped, result.cartons_left) == (False, 1)
    assert "1 more carton(s)" in result.message
    shipment = fresh(loaded.shipments[0])
    assert shipment.status == ShipmentStatus.SHIPPED
    assert shipment.shipped_at is not None
    assert Carton.objects.get(pk=first.pk).status == CartonStatus.SHIPPED
    assert Lpn.objects.get(pk=first.lpn.pk).location_id == loaded.dock.pk
    assert Order.objects.get(pk=loaded.order.pk).status == OrderStatus.PACKED
    assert customer_units(loaded) == 0
    move = StockMove.objects.filter(to_location=loaded.dock).get()
    assert (move.reason, move.quantity, move.reference_type) == (Reason.SHIP, 2, "shipment")


def test_last_carton_ships_the_order_and_its_stock_leaves(operator: Any, loaded: Any) -> None:
    dispatch.ship_carton(user=operator, code=loaded.cartons[0].lpn.code, ship_dock=loaded.dock)
    # A GS1-128 scan of the SSCC reads "00" + the 18 digits.
    result = dispatch.ship_carton(
        user=operator, code=f"00{loaded.cartons[1].lpn.code}", ship_dock=loaded.dock
    )
    assert result.order_shipped
    assert "has shipped" in result.message
    assert Order.objects.get(pk=loaded.order.pk).status == OrderStatus.SHIPPED
    assert customer_units(loaded) == 4
    assert not Balance.objects.filter(product=loaded.product, on_hand__gt=0).exists()
    assert set(
        Lpn.objects.filter(pk__in=[c.lpn_id for c in loaded.cartons]).values_list(
            "location", flat=True
        )
    ) == {None}
    types = list(
        Event.objects.filter(type__in=["order.shipped", "shipment.shipped"])
        .values_list("type", flat=True)
        .order_by("pk")
    )
    assert types == ["shipment.shipped", "shipment.shipped", "order.shipped"]
    assert Event.objects.filter(type="stock.shipped").count() == 2
    assert find_drift() == []


def test_a_carton_without_a_label_is_refused_and_nothing_is_written(
    operator: Any, carrier_settings: Any, packed: Any
) -> None:
    before = snapshot()
    with pytest.raises(ShipmentRefused, match=r"has no label yet \(still rating\)"):
        dispatch.ship_carton(user=operator, code=packed.cartons[0].lpn.code, ship_dock=packed.dock)
    assert_unchanged_since(before)
    assert fresh(packed.shipment).status == ShipmentStatus.RATING


def test_a_voided_label_is_refused(operator: Any, manager: Any, loaded: Any) -> None:
    rating.void_label(shipment=loaded.shipments[0], user=manager)
    before = snapshot()
    with pytest.raises(ShipmentRefused, match="its label was voided"):
        dispatch.ship_carton(user=operator, code=loaded.cartons[0].lpn.code, ship_dock=loaded.dock)
    assert_unchanged_since(before)


def test_a_carton_shipped_already_is_refused(operator: Any, loaded: Any) -> None:
    dispatch.ship_carton(user=operator, code=loaded.cartons[0].lpn.code, ship_dock=loaded.dock)
    before = snapshot()
    with pytest.raises(ShipmentRefused, match="has already shipped"):
        dispatch.ship_carton(user=operator, code=loaded.cartons[0].lpn.code, ship_dock=loaded.dock2)
    assert_unchanged_since(before)


def test_another_warehouses_dock_is_refused(operator: Any, west: Any, loaded: Any) -> None:
    west_dock = dress_warehouse(west).dock
    before = snapshot()
    with pytest.raises(ShipmentRefused, match="belongs to another warehouse"):
        dispatch.ship_carton(user=operator, code=loaded.cartons[0].lpn.code, ship_dock=west_dock)
    assert_unchanged_since(before)


def test_a_location_that_is_no_ship_dock_is_refused(operator: Any, loaded: Any) -> None:
    with pytest.raises(ShipmentRefused, match="not a ship dock"):
        dispatch.ship_carton(
            user=operator, code=loaded.cartons[0].lpn.code, ship_dock=loaded.storage
        )


def test_an_unknown_scan_is_refused(operator: Any, loaded: Any) -> None:
    with pytest.raises(ShipmentRefused, match="“NOPE” is not a packed carton"):
        dispatch.ship_carton(user=operator, code="NOPE", ship_dock=loaded.dock)


def test_the_last_carton_of_an_order_not_packed_is_refused_and_rolled_back(
    operator: Any, manager: Any, carrier_settings: Any, east: Any, acme_outdoor: Any
) -> None:
    world = make_packed_order(
        user=manager, warehouse=east, client=acme_outdoor, order_status=OrderStatus.PICKED
    )
    buy_labels(world)
    before = snapshot()
    with pytest.raises(ShipmentRefused, match="not packed"):
        dispatch.ship_carton(user=operator, code=world.cartons[0].lpn.code, ship_dock=world.dock)
    assert_unchanged_since(before)
    assert fresh(world.shipment).status == ShipmentStatus.LABEL_PURCHASED
    assert Carton.objects.get(pk=world.cartons[0].pk).status == CartonStatus.CLOSED


# --- Manifests -----------------------------------------------------------------------------------


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def test_manifest_of_the_days_usps_shipments_with_its_pdf(
    manager: Any, operator: Any, loaded: Any
) -> None:
    dispatch.ship_carton(
        user=operator, code=loaded.cartons[0].lpn.code, ship_dock=loaded.dock
    )  # shipped or not
    manifest = dispatch.create_manifest(
        warehouse=loaded.warehouse, carrier_name="usps", day=today(), user=manager
    )
    assert (manifest.carrier, manifest.date, manifest.created_by) == ("USPS", today(), manager)
    assert manifest.easypost_id.startswith("sf_")
    shipments = list(Shipment.objects.filter(manifest=manifest))
    assert len(shipments) == 2
    text = PdfReader(io.BytesIO(bytes(manifest.form_pdf))).pages[0].extract_text()
    assert manifest.easypost_id in text
    for shipment in shipments:
        assert shipment.tracking_code in text
    event = Event.objects.get(type="manifest.created")
    assert sorted(event.payload["shipments"]) == sorted(s.pk for s in shipments)
    assert loaded.warehouse.pk == event.warehouse_id


def test_a_second_manifest_of_the_same_day_is_refused(
    manager: Any, loaded: Any, carrier_settings: Any
) -> None:
    dispatch.create_manifest(
        warehouse=loaded.warehouse, carrier_name="USPS", day=today(), user=manager
    )
    before = snapshot()
    with pytest.raises(ShipmentRefused, match="No USPS shipments of EAST on .* are waiting"):
        dispatch.create_manifest(
            warehouse=loaded.warehouse, carrier_name="USPS", day=today(), user=manager
        )
    assert_unchanged_since(before)
    assert carrier_settings.counters()["scan_forms"] == 1


def test_another_carrier_or_day_has_nothing_to_manifest(
    manager: Any, loaded: Any, carrier_settings: Any
) -> None:
    with pytest.raises(ShipmentRefused):
        dispatch.create_manifest(
            warehouse=loaded.warehouse, carrier_name="UPS", day=today(), user=manager
        )
    with pytest.raises(ShipmentRefused):
        dispatch.create_manifest(
            warehouse=loaded.warehouse,
            carrier_name="USPS",
            day=today() - dt.timedelta(days=1),
            user=manager,
        )
    assert carrier_settings.counters()["scan_forms"] == 0


def test_voided_and_unbought_shipments_stay_off_the_manifest(
    manager: Any, loaded: Any, carrier_settings: Any
) -> None:
    rating.void_label(shipment=loaded.shipments[0], user=manager)
    manifest = dispatch.create_manifest(
        warehouse=loaded.warehouse, carrier_name="USPS", day=today(), user=manager
    )
    assert list(Shipment.objects.filter(manifest=manifest)) == [fresh(loaded.shipments[1])]
