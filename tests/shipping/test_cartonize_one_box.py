"""Cartonization, issue 18 goal 7: where one box holds the order (placed in 3D, with rotations),
the proposal is that one box, and the smallest that does. Hand-worked orders that the first
packer (one unit order, flattest rotation first, unprojected corner points) split into two boxes
or put in a box a size too big."""

from __future__ import annotations

from decimal import Decimal

from shipping.cartonize import BoxType, Item, Proposal, cartonize, proposal_errors

S = BoxType("S", 300, 200, 150, 10_000, 150, Decimal("0.60"))
M = BoxType("M", 400, 300, 200, 15_000, 250, Decimal("0.90"))
XXL = BoxType("XXL", 800, 600, 500, 30_000, 900, Decimal("2.60"))


def sound(items: list[Item], boxes: list[BoxType]) -> Proposal:
    proposal = cartonize(items, boxes)
    assert proposal_errors(proposal) == []
    assert proposal.unpacked == []
    return proposal


def test_units_stood_upright_tile_the_smallest_box_exactly() -> None:
    # Six 100 x 100 x 150 units fill S (300 x 200 x 150) standing, three by two. Laid flat
    # (150 x 100 base, 100 high) only four fit a layer and no second layer fits: the flat-first
    # packer needed M.
    proposal = sound([Item("CAN", 100, 100, 150, 300, 6)], [M, S])
    assert [c.box.code for c in proposal.cartons if c.box] == ["S"]
    assert proposal.cartons[0].fill_rate == 1.0
    assert proposal.cartons[0].weight_g == 150 + 6 * 300


def test_four_big_units_and_the_small_ones_share_one_box() -> None:
    # Four 349 x 330 x 286 units stand 2 x 2 on XXL's floor on their 349 x 286 face (698 of 800,
    # 572 of 600, 330 of 500 high); the small units go above and beside. The first packer laid
    # the big ones flat, 2 per layer, and sent the rest to a second XXL.
    items = [
        Item("TENT", 349, 330, 286, 831, 4),
        Item("LAMP", 177, 170, 125, 966, 1),
        Item("CUP", 135, 92, 82, 692, 2),
        Item("MAP", 349, 134, 86, 528, 1),
        Item("PAN", 285, 239, 141, 2_040, 2),
        Item("BAG", 184, 182, 81, 1_511, 3),
    ]
    proposal = sound(items, [XXL])
    assert len(proposal.cartons) == 1
    placed = sorted(p.sku for p in proposal.cartons[0].placements)
    assert placed == sorted(
        ["TENT"] * 4 + ["LAMP"] + ["CUP"] * 2 + ["MAP"] + ["PAN"] * 2 + ["BAG"] * 3
    )


def test_a_unit_rests_on_what_is_below_it() -> None:
    # A 300 x 200 x 50 tray covers S's floor and six 100 x 100 x 100 cubes fill the 100 mm above
    # it: every unit off the floor sits exactly on the top face of another (points slide down).
    items = [Item("TRAY", 300, 200, 50, 400, 1), Item("CUBE", 100, 100, 100, 200, 6)]
    proposal = sound(items, [S])
    assert len(proposal.cartons) == 1
    placements = proposal.cartons[0].placements
    tops = {p.z + p.height for p in placements}
    assert all(p.z == 0 or p.z in tops for p in placements)
    assert proposal.cartons[0].fill_rate == 1.0
