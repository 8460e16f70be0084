"""Cartonization against hand-worked cases, plus a seeded property test that every proposal is
physically sound (inside the box, no overlaps, under the weight limit, every unit accounted for).
Pure functions: no database."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

from shipping.cartonize import (
    BoxType,
    Carton,
    Item,
    Placement,
    Proposal,
    carton_errors,
    cartonize,
    proposal_errors,
)

SMALL = BoxType("S", 200, 150, 100, 5_000, 100, Decimal("0.50"))
MEDIUM = BoxType("M", 300, 200, 150, 10_000, 200, Decimal("0.80"))
LARGE = BoxType("L", 400, 300, 300, 20_000, 400, Decimal("1.40"))
CATALOG = [LARGE, SMALL, MEDIUM]  # deliberately unsorted: the engine orders boxes itself


def sound(items: list[Item], boxes: list[BoxType]) -> Proposal:
    proposal = cartonize(items, boxes)
    assert proposal_errors(proposal) == []
    return proposal


def codes(proposal: Proposal) -> list[str | None]:
    return [carton.box.code if carton.box else None for carton in proposal.cartons]


def test_one_item_goes_in_the_smallest_box() -> None:
    proposal = sound([Item("MUG", 150, 100, 80, 500, 1)], CATALOG)

    assert codes(proposal) == ["S"]
    assert proposal.cartons[0].placements == [Placement("MUG", 0, 0, 0, 150, 100, 80)]
    assert proposal.cartons[0].weight_g == 600
    assert proposal.cartons[0].fill_rate == 150 * 100 * 80 / (200 * 150 * 100)
    assert proposal.unpacked == []


def test_an_item_is_rotated_to_fit() -> None:
    # As given (100 long, 200 wide, 150 high) it sticks out of S's 150 width and 100 height.
    proposal = sound([Item("BOOT", 100, 200, 150, 900, 1)], CATALOG)

    assert codes(proposal) == ["S"]
    assert proposal.cartons[0].placements == [Placement("BOOT", 0, 0, 0, 200, 150, 100)]
    assert proposal.cartons[0].fill_rate == 1.0


def test_one_bigger_box_beats_two_small_ones() -> None:
    # Each unit fills S exactly; M holds the two side by side (2 x 150 = 300 long).
    proposal = sound([Item("BOOT", 200, 150, 100, 900, 2)], CATALOG)

    assert codes(proposal) == ["M"]
    assert len(proposal.cartons[0].placements) == 2
    assert proposal.cartons[0].weight_g == 2 * 900 + 200


def test_the_weight_limit_forces_a_second_box() -> None:
    # Three 7 kg cubes fit in L by volume, but 21 kg is over every limit: L takes two (14.4 kg
    # with tare), the third goes alone in M (7.2 kg, under M's 10 kg).
    proposal = sound([Item("ANVIL", 100, 100, 100, 7_000, 3)], CATALOG)

    assert codes(proposal) == ["L", "M"]
    assert [carton.weight_g for carton in proposal.cartons] == [14_400, 7_200]


def test_weight_alone_splits_units_that_fit_one_box_by_volume() -> None:
    proposal = sound([Item("WEIGHT", 100, 100, 100, 3_000, 2)], [SMALL])

    assert codes(proposal) == ["S", "S"]
    assert [len(carton.placements) for carton in proposal.cartons] == [1, 1]


def test_an_own_container_item_ships_alone() -> None:
    bike = Item("BIKE", 1_500, 800, 250, 12_000, 1, own_container=True)

    proposal = sound([bike, Item("MUG", 150, 100, 80, 500, 1)], CATALOG)

    assert codes(proposal) == [None, "S"]
    assert proposal.cartons[0] == Carton(
        None, [Placement("BIKE", 0, 0, 0, 1_500, 800, 250)], 12_000, 1.0
    )


def test_items_that_fit_no_box_are_unpacked_with_the_reason() -> None:
    sofa = Item("SOFA", 500, 500, 500, 1_000, 1)
    safe = Item("SAFE", 100, 100, 100, 25_000, 2)

    proposal = sound([sofa, safe, Item("MUG", 150, 100, 80, 500, 1)], CATALOG)

    assert codes(proposal) == ["S"]
    assert proposal.unpacked == [
        (sofa, "500x500x500 mm fits no box in any orientation"),
        (safe, "25000 g is over the weight limit of every box it fits in"),
    ]


def test_without_box_types_everything_is_unpacked() -> None:
    mug = Item("MUG", 150, 100, 80, 500, 1)

    assert cartonize([mug], []) == Proposal([], [(mug, "no box types to pack into")])


def test_a_carton_is_downsized_to_the_smallest_box_that_holds_its_contents() -> None:
    # 6 kg is over every 5 kg limit. M and L both take two cubes; the tie goes to L, and
    # downsizing moves those two cubes into M. The third cube goes in S.
    boxes = [
        BoxType("S", 200, 200, 200, 5_000, 0, Decimal("0.50")),
        BoxType("M", 320, 170, 170, 5_000, 0, Decimal("0.70")),
        BoxType("L", 400, 400, 400, 5_000, 0, Decimal("1.50")),
    ]

    proposal = sound([Item("CUBE", 150, 150, 150, 2_000, 3)], boxes)

    assert codes(proposal) == ["M", "S"]
    assert [len(carton.placements) for carton in proposal.cartons] == [2, 1]


def test_many_small_units_fill_a_box_completely() -> None:
    # 18 bricks of 100 x 100 x 50 tile M exactly: 3 x 2 across, three layers.
    proposal = sound([Item("BRICK", 100, 100, 50, 100, 18)], CATALOG)

    assert codes(proposal) == ["M"]
    assert proposal.cartons[0].fill_rate == 1.0


def test_the_validator_reports_overlaps_overhangs_and_overweight() -> None:
    carton = Carton(
        SMALL,
        [Placement("A", 0, 0, 0, 100, 100, 100), Placement("B", 50, 50, 0, 160, 50, 50)],
        5_100,
        0.5,
    )

    assert carton_errors(carton) == [
        "B at 1 sticks out of S",
        "B at 1 overlaps the unit at 0",
        "5100 g is over S's limit of 5000 g",
    ]


def test_two_hundred_random_orders_are_packed_soundly() -> None:
    rng = random.Random(20250601)
    for _ in range(200):
        items = [
            Item(
                f"SKU{line}",
                rng.randint(20, 450),
                rng.randint(20, 350),
                rng.randint(20, 320),
                rng.randint(10, 8_000),
                rng.randint(1, 6),
                own_container=rng.random() < 0.05,
            )
            for line in range(rng.randint(1, 8))
        ]

        proposal = sound(items, CATALOG)

        placed = Counter(p.sku for carton in proposal.cartons for p in carton.placements)
        placed.update({item.sku: item.quantity for item, _ in proposal.unpacked})
        assert placed == Counter({item.sku: item.quantity for item in items})
        assert all(0 < carton.fill_rate <= 1 for carton in proposal.cartons)
