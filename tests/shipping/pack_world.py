"""The pack station's world, shared by the pack tests (imported as fixtures by the shipping
conftest): EAST with two pick faces, a staging place, a pack station and totes; products of
acme_outdoor with sizes and weights (one lot-tracked, one without dimensions); two box types;
and `picked_order`, an order picked on a cluster cart into a tote through the picking services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from inventory.models import LocationKind, LpnKind, Tracking
from inventory.services import ledger
from inventory.services.master import ensure_virtual_locations
from picking.models import PickListOrder
from picking.services.orders import OrderLineSpec, ShipTo, create_order
from picking.services.picks import confirm_pick, next_pick_list
from picking.services.waves import create_wave, release_wave
from shipping.models import BoxType
from tests.factories import (
    LocationFactory,
    LotFactory,
    LpnFactory,
    ProductBarcodeFactory,
    ProductFactory,
)

SHIP_TO = ShipTo(
    name="Ada Lovelace", street1="1 Analytical Way", city="Boston", postal_code="02110", state="MA"
)
MUG_BARCODE = "0001112223334"
LAMP_BARCODE = "0009998887776"
BALM_LOT = "BALM-L1"


@pytest.fixture
def pack_wh(east: Any) -> Any:
    ensure_virtual_locations(east)
    return east


@pytest.fixture
def pick_faces(pack_wh: Any) -> list[Any]:
    return [
        LocationFactory(
            warehouse=pack_wh,
            code=f"PF-0{n}",
            barcode=f"B-PF-0{n}",
            kind=LocationKind.PICK_FACE,
            is_pickable=True,
            pick_sequence=n * 10,
        )
        for n in (1, 2, 3)
    ]


@pytest.fixture
def staging(pack_wh: Any) -> Any:
    return LocationFactory(warehouse=pack_wh, code="STAGE-1", kind=LocationKind.STAGING)


@pytest.fixture
def station(pack_wh: Any) -> Any:
    return LocationFactory(
        warehouse=pack_wh, code="PACK-1", barcode="B-PACK-1", kind=LocationKind.PACK_STATION
    )


@pytest.fixture
def pack_totes(pack_wh: Any) -> list[Any]:
    return [
        LpnFactory(code=f"TOTE-{n:03d}", warehouse=pack_wh, kind=LpnKind.TOTE) for n in (1, 2, 3)
    ]


@pytest.fixture
def mug(acme_outdoor: Any) -> Any:
    product = ProductFactory(
        client=acme_outdoor,
        sku="MUG",
        name="Camp mug",
        length_mm=100,
        width_mm=80,
        height_mm=90,
        weight_g=350,
    )
    ProductBarcodeFactory(product=product, barcode=MUG_BARCODE)
    return product


@pytest.fixture
def lamp(acme_outdoor: Any) -> Any:
    product = ProductFactory(
        client=acme_outdoor,
        sku="LAMP",
        name="Head lamp",
        length_mm=60,
        width_mm=40,
        height_mm=40,
        weight_g=120,
    )
    ProductBarcodeFactory(product=product, barcode=LAMP_BARCODE)
    return product


@pytest.fixture
def balm(acme_outdoor: Any) -> Any:
    return ProductFactory(
        client=acme_outdoor,
        sku="BALM",
        name="Lip balm",
        tracking=Tracking.LOT_EXPIRY,
        length_mm=30,
        width_mm=30,
        height_mm=80,
        weight_g=40,
    )


@pytest.fixture
def balm_lots(balm: Any) -> dict[str, Any]:
    return {
        number: LotFactory(product=balm, number=number, expiry_date=expiry)
        for number, expiry in (
            (BALM_LOT, dt.date.today() + dt.timedelta(days=200)),
            ("BALM-L2", dt.date.today() + dt.timedelta(days=400)),
        )
    }


@pytest.fixture
def boxes(acme: Any) -> dict[str, BoxType]:
    def box(code: str, dims: tuple[int, int, int], max_g: int, tare: int) -> BoxType:
        return BoxType.objects.create(
            code=code,
            name=f"Box {code}",
            inner_length_mm=dims[0],
            inner_width_mm=dims[1],
            inner_height_mm=dims[2],
            max_weight_g=max_g,
            tare_weight_g=tare,
            cost=Decimal("0.55"),
        )

    return {
        "BOX-S": box("BOX-S", (200, 150, 100), 5_000, 120),
        "BOX-M": box("BOX-M", (300, 200, 150), 10_000, 220),
    }


def pick_everything(operator: Any, warehouse: Any, totes: dict[int, str]) -> None:
    """Asks for the operator's list and confirms every line: bin, item, lot, the order's tote."""
    pick_list = next_pick_list(operator, [warehouse.pk])
    assert pick_list is not None
    for line in pick_list.lines.select_related("location", "product", "lot").order_by("sequence"):
        confirm_pick(
            user=operator,
            pick_line_id=line.pk,
            location_code=line.location.barcode,
            item_code=line.product.sku,
            lot_number=line.lot.number if line.lot else "",
            tote_code=totes[line.order_id],
        )


@pytest.fixture
def stocked(
    manager: Any, pick_faces: list[Any], mug: Any, lamp: Any, balm: Any, balm_lots: Any
) -> None:
    for product, face, quantity, lot in (
        (mug, pick_faces[0], 10, None),
        (lamp, pick_faces[1], 10, None),
        (balm, pick_faces[2], 10, balm_lots[BALM_LOT]),
    ):
        ledger.receive(user=manager, product=product, location=face, quantity=quantity, lot=lot)


@pytest.fixture
def picked_order(
    acme_outdoor: Any,
    pack_wh: Any,
    staging: Any,
    station: Any,
    pack_totes: list[Any],
    boxes: Any,
    stocked: None,
    mug: Any,
    lamp: Any,
    balm: Any,
    manager: Any,
    operator: Any,
) -> Any:
    """SO-1: 2 mugs, 1 lamp, 2 balms (lot BALM-L1), picked on a cluster cart into TOTE-001."""
    order, _ = create_order(
        client=acme_outdoor,
        warehouse=pack_wh,
        reference="SO-1",
        ship_to=SHIP_TO,
        lines=[OrderLineSpec(mug, 2), OrderLineSpec(lamp, 1), OrderLineSpec(balm, 2)],
        user=manager,
    )
    created = create_wave(warehouse=pack_wh, order_ids=[order.pk], user=manager)
    release_wave(
        wave=created.wave,
        user=manager,
        pick_method="cluster",
        orders_per_cart=4,
        staging_location=staging,
    )
    pick_everything(operator, pack_wh, {order.pk: "TOTE-001"})
    order.refresh_from_db()
    assert PickListOrder.objects.get(order=order).tote == pack_totes[0]
    return order
