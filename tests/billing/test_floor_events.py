"""The floor's own services write the events billing charges: a receipt of cases onto a new
pallet and a second scan onto it, the ASN's close, the whole-LPN putaway (its event names no
client; its moves do), an order picked on a cart, a carton packed in a catalog box with
material, the label bought and voided. Hand-calculated amounts, from the real payloads."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from billing.models import ChargeLine, UnratedActivity
from billing.services.rating import rate_pending
from inventory.models import Event
from receiving import services as receiving
from receiving.models import PutawayTask
from receiving.services.putaway_tasks import confirm_putaway, start_task
from shipping.carrier import PurchasedLabel
from shipping.models import PackagingMaterial, Shipment, ShipmentStatus
from shipping.rates import Rate
from shipping.services import rating as shipment_rating
from shipping.services.packing import MaterialUse, close_carton, open_carton, pack_item
from shipping.services.shipments import transition as shipment_transition
from tests.billing.conftest import rule
from tests.inventory import conftest as ledger_world
from tests.receiving import conftest as receiving_world
from tests.shipping import pack_world

# The receiving and pack-station worlds of the floor's own tests, shared (found by name).
wh = ledger_world.wh
zone = ledger_world.zone
dock = ledger_world.dock
bin_a = ledger_world.bin_a
bin_b = ledger_world.bin_b
widget = ledger_world.widget
serum = ledger_world.serum
barcodes = receiving_world.barcodes
pack_wh = pack_world.pack_wh
pick_faces = pack_world.pick_faces
staging = pack_world.staging
station = pack_world.station
pack_totes = pack_world.pack_totes
mug = pack_world.mug
lamp = pack_world.lamp
balm = pack_world.balm
balm_lots = pack_world.balm_lots
boxes = pack_world.boxes
stocked = pack_world.stocked
picked_order = pack_world.picked_order


def charged(event_type: str) -> list[tuple[str, D, D]]:
    return [
        (line.basis, line.quantity, line.amount)
        for line in ChargeLine.objects.filter(event_type=event_type).order_by(
            "event_id", "rule__position", "sub_key"
        )
    ]


@pytest.fixture
def receiving_card(acme_outdoor: Any, card_for: Any) -> Any:
    return card_for(
        acme_outdoor,
        [
            rule("receiving", "per_asn", "25"),
            rule("receiving", "per_receipt_line", "1.50"),
            rule("receiving", "per_unit_received", "0.035"),
            rule("receiving", "per_case_received", "0.40"),
            rule("receiving", "per_pallet_received", "8"),
            rule("receiving", "putaway_per_lpn", "2.25"),
        ],
    )


def test_receipts_an_asn_and_a_putaway_are_charged_from_the_floors_events(
    wh, dock, bin_a, widget, barcodes, acme_outdoor, manager, operator, receiving_card
):
    asn = receiving.mark_expected(
        asn=receiving.create_asn(
            client=acme_outdoor,
            warehouse=wh,
            reference="PO-77",
            lines=[receiving.AsnLineSpec(widget, 30)],
            user=manager,
        ),
        user=manager,
    )
    cases = receiving.receive_scan(
        asn=asn, code_or_product=receiving_world.WIDGET_CASE_GTIN, quantity=2, user=operator
    )
    receiving.receive_scan(
        asn=asn,
        code_or_product=receiving_world.WIDGET_UPC,
        quantity=3,
        lpn=cases.lpn,
        user=operator,
    )
    receiving.close_asn(asn=asn, user=manager)
    task = PutawayTask.objects.get(lpn=cases.lpn)
    start_task(user=operator, task=task)
    confirm_putaway(user=operator, task=task, scanned_location_code=bin_a.barcode)

    rate_pending()

    # Two cases of 12 onto a new pallet: 24 x 0.035 = 0.84, 2 x 0.40, the pallet 8.00. Three
    # eaches onto the same pallet: 3 x 0.035 = 0.105 -> 0.11, no second pallet.
    assert charged("stock.received") == [
        ("per_unit_received", D("24"), D("0.84")),
        ("per_case_received", D("2"), D("0.80")),
        ("per_pallet_received", D("1"), D("8.00")),
        ("per_unit_received", D("3"), D("0.11")),
    ]
    assert charged("asn.closed") == [
        ("per_asn", D("1"), D("25.00")),
        ("per_receipt_line", D("1"), D("1.50")),
    ]
    assert charged("putaway.done") == [("putaway_per_lpn", D("1"), D("2.25"))]
    putaway = Event.objects.get(type="putaway.done")
    assert putaway.client_id is None and putaway.payload["lpn"] == cases.lpn.code
    assert ChargeLine.objects.get(event=putaway).client_id == acme_outdoor.pk
    assert {
        line.asn_reference for line in ChargeLine.objects.filter(event_type="stock.received")
    } == {"PO-77"}
    assert UnratedActivity.objects.count() == 0


def test_a_pick_a_carton_a_label_and_its_void_are_charged_from_the_floors_events(
    picked_order, operator, station, boxes, acme_outdoor, card_for
):
    card_for(
        acme_outdoor,
        [
            rule("picking", "pick_first_unit", "0.95"),
            rule("picking", "pick_additional_unit", "0.30"),
            rule("picking", "pick_per_line", "0.10"),
            rule("packing", "pack_per_order", "0.75"),
            rule("packing", "pack_per_carton", "0.50"),
            rule("packing", "materials", markup_percent=D("15")),
            rule("packing", "boxes", markup_percent=D("10")),
            rule("shipping", "label", markup_percent=D("8"), markup_flat=D("0.25")),
        ],
    )
    PackagingMaterial.objects.create(code="TAPE", name="Tape", cost=D("0.10"))
    carton = open_carton(
        order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
    )
    for sku, quantity, lot in (("MUG", 2, ""), ("LAMP", 1, ""), ("BALM", 2, pack_world.BALM_LOT)):
        pack_item(user=operator, carton=carton, code=sku, quantity=quantity, lot=lot)
    # Box 220 g + 2 mugs 350 g + a lamp 120 g + 2 balms 40 g.
    close_carton(user=operator, carton=carton, weight_g=1120, materials=[MaterialUse("TAPE", 1)])
    shipment = Shipment.objects.get(carton=carton)
    shipment_rating._record_purchase_row(
        shipment.pk,
        PurchasedLabel(
            shipment_id="shp_1",
            tracking_code="9400TRACK1",
            rate=Rate(
                id="rate_1", carrier="USPS", service="Priority", amount=D("7.25"), currency="USD"
            ),
            label_url="http://127.0.0.1/label.png",
        ),
    )
    voided = Shipment.objects.select_for_update().get(pk=shipment.pk)
    shipment_transition(
        voided,
        ShipmentStatus.VOIDED,
        operator,
        tracking_code="9400TRACK1",
        refund_status="submitted",
    )

    rate_pending()

    # SO-1: 5 units on 3 lines: 0.95 + 4 x 0.30 + 3 x 0.10.
    assert charged("order.picked") == [
        ("pick_first_unit", D("1"), D("0.95")),
        ("pick_additional_unit", D("4"), D("1.20")),
        ("pick_per_line", D("3"), D("0.30")),
    ]
    # The carton: 0.50; tape 0.10 + 15% = 0.115 -> 0.12; BOX-M 0.55 + 10% = 0.605 -> 0.61.
    assert charged("carton.packed") == [
        ("pack_per_carton", D("1"), D("0.50")),
        ("materials", D("1"), D("0.12")),
        ("boxes", D("1"), D("0.61")),
    ]
    assert charged("order.packed") == [("pack_per_order", D("1"), D("0.75"))]
    # The label: 7.25 + 8% = 7.83, + 0.25 = 8.08; the void credits exactly that.
    assert charged("shipment.label_purchased") == [("label", D("1"), D("8.08"))]
    assert charged("shipment.voided") == [("label", D("-1"), D("-8.08"))]
    label_line = ChargeLine.objects.get(event_type="shipment.label_purchased")
    assert (label_line.order_reference, label_line.tracking_code) == ("SO-1", "9400TRACK1")
    assert (
        ChargeLine.objects.get(event_type="carton.packed", basis="boxes").carton_sscc
        == carton.lpn.code
    )
    # Only the stock put on the pick faces beforehand waits: this card charges no receiving.
    assert (
        sorted(UnratedActivity.objects.values_list("event_type", "reason_code"))
        == [("stock.received", "no_matching_rule")] * 3
    )
