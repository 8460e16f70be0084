"""The packed order's documents read back: the packing slip's text (branding, order, lines, lots,
carton count, returns note) and each carton label's SSCC scanned from a 300 dpi render with its
GS1 flag; plus the box proposal the pack station shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shipping.models import ShippingPolicy
from shipping.services.pack_documents import carton_label_pdf, packing_slip_pdf
from shipping.services.packing import close_carton, open_carton, pack_item, proposal_for
from tests.receiving.test_labels import decode_pages, text_of
from tests.shipping.pack_world import BALM_LOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def packed(picked_order: Any, operator: Any, station: Any, boxes: Any) -> list[Any]:
    first = open_carton(
        order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
    )
    pack_item(user=operator, carton=first, code="MUG", quantity=2)
    close_carton(user=operator, carton=first, weight_g=220 + 700)
    second = open_carton(
        order=picked_order, box_type=boxes["BOX-S"], pack_station=station, user=operator
    )
    pack_item(user=operator, carton=second, code="LAMP")
    pack_item(user=operator, carton=second, code="BALM", quantity=2, lot=BALM_LOT)
    close_carton(user=operator, carton=second, weight_g=120 + 120 + 80)
    return [first, second]


def test_the_packing_slip_carries_branding_order_lines_lots_cartons_and_returns_note(
    picked_order: Any, packed: list[Any], acme_outdoor: Any, tmp_path: Path
) -> None:
    ShippingPolicy.objects.create(
        client=acme_outdoor, branding_name="Acme Trail Co.", returns_note="Send it back in 60 days."
    )
    path = tmp_path / "slip.pdf"
    path.write_bytes(packing_slip_pdf(picked_order))
    text = " ".join(text_of(path).split())
    for expected in [
        "Acme Trail Co.",
        "Packing slip",
        "Order SO-1",
        "Cartons: 2",
        "Ada Lovelace",
        "MUG Camp mug - 2",
        "LAMP Head lamp - 1",
        f"BALM Lip balm {BALM_LOT} 2",
        "3 lines, 5 units",
        "Send it back in 60 days.",
    ]:
        assert expected in text, expected


def test_each_carton_label_scans_as_its_sscc_in_gs1_128(packed: list[Any], tmp_path: Path) -> None:
    for carton in packed:
        path = tmp_path / f"carton-{carton.number}.pdf"
        path.write_bytes(carton_label_pdf(carton))
        text = text_of(path)
        assert f"Carton {carton.number} of 2" in text
        assert decode_pages(path) == [{("CODE-128", "GS1", "00" + carton.lpn.code)}]
    assert "2 x BALM  lot BALM-L1" in text_of(tmp_path / "carton-2.pdf")


def test_the_proposal_fits_the_order_in_one_box_with_its_fill_rate(picked_order: Any) -> None:
    proposal = proposal_for(picked_order)
    [carton] = proposal.cartons
    # 2 x 720 cm³ + 96 + 2 x 72 = 1680 cm³ in BOX-S (3000 cm³): 56%.
    assert (carton.box_code, carton.fill_percent, carton.units) == ("BOX-S", 56, 5)
    assert carton.weight_g == 120 + 700 + 120 + 80
    assert proposal.without_dimensions == [] and proposal.unfit == []


def test_products_without_dimensions_are_named_and_own_containers_go_alone(
    picked_order: Any, mug: Any, lamp: Any
) -> None:
    mug.length_mm = None
    mug.save(update_fields=["length_mm"])
    lamp.ships_in_own_container = True
    lamp.save(update_fields=["ships_in_own_container"])
    proposal = proposal_for(picked_order)
    assert proposal.without_dimensions == ["MUG"]
    assert [(c.box_code, c.contents) for c in proposal.cartons] == [
        ("", (("LAMP", 1),)),
        ("BOX-S", (("BALM", 2),)),
    ]


def test_nothing_left_to_pack_proposes_nothing(picked_order: Any, packed: list[Any]) -> None:
    assert proposal_for(picked_order).cartons == []
