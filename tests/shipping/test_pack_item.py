"""Packing scanned items: what is to pack and where it lies, opening a carton (an SSCC LPN at the
pack station), the move from the tote at staging into the carton, and every refusal leaving no
stock move and no carton line."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.gs1 import is_valid_sscc
from inventory.models import Balance, Event, LpnKind, Reason, StockMove
from inventory.reconcile import find_drift
from shipping.exceptions import PackRefused
from shipping.models import BoxType, CartonLine, CartonStatus
from shipping.services.packing import (
    BoxDims,
    close_carton,
    find_order_to_pack,
    open_carton,
    pack_item,
    to_pack,
)
from tests.shipping.pack_world import BALM_LOT, LAMP_BARCODE, MUG_BARCODE
from wms.idempotency.services import IdempotencyConflict

pytestmark = pytest.mark.django_db


def test_to_pack_lists_the_picked_units_in_the_tote_at_staging(picked_order: Any) -> None:
    rows = to_pack(picked_order)
    assert [(r.product.sku, r.lot_number, r.picked, r.packed, r.remaining, r.where) for r in rows] == [
        ("MUG", "", 2, 0, 2, "STAGE-1 · tote TOTE-001"),
        ("LAMP", "", 1, 0, 1, "STAGE-1 · tote TOTE-001"),
        ("BALM", BALM_LOT, 2, 0, 2, "STAGE-1 · tote TOTE-001"),
    ]  # fmt: skip


def test_the_tote_the_reference_and_the_carton_lpn_find_the_order(
    picked_order: Any, operator: Any, station: Any, boxes: Any, pack_wh: Any
) -> None:
    assert find_order_to_pack(operator, "tote-001", pack_wh) == picked_order
    assert find_order_to_pack(operator, "SO-1", pack_wh) == picked_order
    carton = open_carton(
        order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
    )
    assert find_order_to_pack(operator, carton.lpn.code, pack_wh) == picked_order
    with pytest.raises(PackRefused, match="Expected a tote, order reference or LPN in EAST; "
                       "scanned “NOPE”"):  # fmt: skip
        find_order_to_pack(operator, "NOPE", pack_wh)
    with pytest.raises(PackRefused, match="Tote TOTE-002 holds no order"):
        find_order_to_pack(operator, "TOTE-002", pack_wh)


def test_an_order_still_being_picked_is_not_packed(
    picked_order: Any, operator: Any, pack_wh: Any
) -> None:
    picked_order.status = "picking"
    picked_order.save(update_fields=["status"])
    with pytest.raises(PackRefused, match="SO-1 is picking: only picked orders"):
        find_order_to_pack(operator, "TOTE-001", pack_wh)


def test_opening_a_carton_makes_an_sscc_lpn_at_the_pack_station_with_the_box_as_it_is(
    picked_order: Any, operator: Any, station: Any, boxes: Any
) -> None:
    carton = open_carton(
        order=picked_order, box_type=boxes["BOX-S"], pack_station=station, user=operator
    )
    assert carton.number == 1 and carton.status == CartonStatus.OPEN
    assert carton.lpn.kind == LpnKind.CARTON and is_valid_sscc(carton.lpn.code)
    assert carton.lpn.location == station
    assert (carton.length_mm, carton.width_mm, carton.height_mm, carton.tare_weight_g) == (
        200,
        150,
        100,
        120,
    )
    assert Event.objects.filter(type="carton.opened", payload__carton_id=carton.pk).count() == 1
    with pytest.raises(PackRefused, match="Carton 1 of order SO-1 is still open"):
        open_carton(
            order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
        )


def test_a_box_of_another_client_or_a_place_that_is_no_pack_station_is_refused(
    picked_order: Any, operator: Any, station: Any, staging: Any, other_client: Any
) -> None:
    theirs = BoxType.objects.create(
        code="THEIRS", name="Theirs", inner_length_mm=300, inner_width_mm=300,
        inner_height_mm=300, max_weight_g=9000, tare_weight_g=100, cost=1,
    )  # fmt: skip
    theirs.clients.set([other_client])
    with pytest.raises(PackRefused, match="Box THEIRS is not one"):
        open_carton(order=picked_order, box_type=theirs, pack_station=station, user=operator)
    with pytest.raises(PackRefused, match="Choose a pack station of EAST; got STAGE-1"):
        open_carton(order=picked_order, dims=BoxDims(300, 200, 100, 150), pack_station=staging,
                    user=operator)  # fmt: skip
    assert not picked_order.cartons.exists()


def test_packing_moves_units_from_the_tote_at_staging_into_the_carton_at_the_pack_station(
    picked_order: Any, operator: Any, station: Any, staging: Any, pack_totes: Any, boxes: Any
) -> None:
    carton = open_carton(
        order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
    )
    result = pack_item(user=operator, carton=carton, code=MUG_BARCODE, quantity=2)
    assert result.message == "Packed 2 x MUG into carton 1; 0 more of it, 3 in the order."
    [move] = StockMove.objects.filter(reason=Reason.PACK)
    assert (move.from_location, move.from_lpn, move.to_location, move.to_lpn, move.quantity) == (
        staging,
        pack_totes[0],
        station,
        carton.lpn,
        2,
    )
    assert (move.reference_type, move.reference_id) == ("carton", str(carton.pk))
    pack_item(user=operator, carton=carton, code="balm", quantity=1, lot=BALM_LOT)
    pack_item(user=operator, carton=carton, code="BALM", quantity=1, lot=BALM_LOT)
    lines = {(line.product.sku, line.quantity) for line in CartonLine.objects.filter(carton=carton)}
    assert lines == {("MUG", 2), ("BALM", 2)}
    in_carton = Balance.objects.get(lpn=carton.lpn, product__sku="BALM")
    assert (in_carton.location, in_carton.on_hand, in_carton.lot.number) == (station, 2, BALM_LOT)
    assert Event.objects.filter(type="carton.item_packed").count() == 3
    assert [r.remaining for r in to_pack(picked_order)] == [0, 1, 0]
    assert find_drift() == []


@pytest.mark.parametrize(
    ("code", "quantity", "lot", "message"),
    [
        ("9999999999999", 1, "", "Wrong item: “9999999999999” is not on order SO-1; expected "
         "BALM, LAMP, MUG"),
        ("OTHER", 1, "", r"Wrong item: OTHER \(Other thing\) is not on order SO-1"),
        (LAMP_BARCODE, 2, "", "Extra unit: 1 of LAMP left to pack on order SO-1; this scan is 2"),
        ("BALM", 1, "", r"BALM is lot-tracked: scan the lot \(BALM-L1\)"),
        ("BALM", 1, "BALM-L2", "Wrong lot: BALM lot BALM-L2 is not on order SO-1; expected "
         "BALM-L1"),
        ("LAMP", 0, "", "Pack a whole number above zero"),
    ],
)  # fmt: skip
def test_a_wrong_scan_is_refused_and_writes_nothing(
    picked_order: Any,
    operator: Any,
    station: Any,
    boxes: Any,
    acme_outdoor: Any,
    code: str,
    quantity: int,
    lot: str,
    message: str,
) -> None:
    from tests.factories import ProductFactory

    ProductFactory(client=acme_outdoor, sku="OTHER", name="Other thing")
    carton = open_carton(
        order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
    )
    events = Event.objects.count()
    with pytest.raises(PackRefused, match=message):
        pack_item(
            user=operator,
            carton=carton,
            code=code,
            quantity=quantity,
            lot=lot,
            idempotency_key="k-1",
        )
    assert not StockMove.objects.filter(reason=Reason.PACK).exists()
    assert not CartonLine.objects.exists()
    assert Event.objects.count() == events


def test_an_extra_unit_after_the_line_is_packed_and_a_closed_carton_are_refused(
    picked_order: Any, operator: Any, station: Any, boxes: Any
) -> None:
    carton = open_carton(
        order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
    )
    pack_item(user=operator, carton=carton, code="LAMP")
    with pytest.raises(PackRefused, match="Extra unit: 0 of LAMP left to pack"):
        pack_item(user=operator, carton=carton, code="LAMP")
    close_carton(user=operator, carton=carton, weight_g=220 + 120)
    with pytest.raises(PackRefused, match="Carton 1 is closed; open a new carton"):
        pack_item(user=operator, carton=carton, code="MUG")
    assert StockMove.objects.filter(reason=Reason.PACK).count() == 1
    assert CartonLine.objects.get().quantity == 1


def test_a_repeated_scan_with_its_key_packs_once(
    picked_order: Any, operator: Any, station: Any, boxes: Any
) -> None:
    carton = open_carton(
        order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
    )
    first = pack_item(user=operator, carton=carton, code="MUG", idempotency_key="scan-1")
    again = pack_item(user=operator, carton=carton, code="MUG", idempotency_key="scan-1")
    assert first == again
    assert StockMove.objects.filter(reason=Reason.PACK).count() == 1
    assert CartonLine.objects.get().quantity == 1
    with pytest.raises(IdempotencyConflict):
        pack_item(user=operator, carton=carton, code="LAMP", idempotency_key="scan-1")
