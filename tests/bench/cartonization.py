"""Cartonization benchmark: 1,000 generated orders (fixed seed) against a six-box catalog.

The engine's average fill rate and boxes per order, beside a one-box-per-order baseline: the
smallest box whose volume and weight limit cover the whole order (volume only, so the baseline
is optimistic: it ignores shapes), with a count of orders that fit in no single box. Then the
orders whose baseline box really holds them (placed in 3D with rotations): there the engine must
use one box, no larger than the baseline's (issue 18, goal 7). Needs no database."""

from __future__ import annotations

import random
import statistics
import time
from decimal import Decimal

from shipping.cartonize import BoxType, Item, Proposal, cartonize, packs_into, proposal_errors

ORDERS = 1_000
FILL_GOAL = 0.65
SEED = 20250601

CATALOG = [
    BoxType("XS", 200, 150, 100, 5_000, 80, Decimal("0.40")),
    BoxType("S", 300, 200, 150, 10_000, 150, Decimal("0.60")),
    BoxType("M", 400, 300, 200, 15_000, 250, Decimal("0.90")),
    BoxType("L", 500, 400, 300, 20_000, 400, Decimal("1.30")),
    BoxType("XL", 600, 500, 400, 25_000, 600, Decimal("1.80")),
    BoxType("XXL", 800, 600, 500, 30_000, 900, Decimal("2.60")),
]


def _orders(rng: random.Random) -> list[list[Item]]:
    # Most goods are small: sides skew toward 120 mm and weights toward 400 g.
    orders = []
    for number in range(ORDERS):
        lines = []
        for line in range(rng.randint(1, 8)):
            sides = sorted((round(rng.triangular(50, 400, 120)) for _ in range(3)), reverse=True)
            weight = round(rng.triangular(50, 3_000, 400))
            lines.append(Item(f"O{number}L{line}", *sides, weight, rng.randint(1, 5)))
        orders.append(lines)
    return orders


def _baseline_box(items: list[Item]) -> BoxType | None:
    volume = sum(i.length_mm * i.width_mm * i.height_mm * i.quantity for i in items)
    weight = sum(i.weight_g * i.quantity for i in items)
    for box in sorted(CATALOG, key=lambda b: b.volume_mm3):
        if box.volume_mm3 >= volume and weight + box.tare_weight_g <= box.max_weight_g:
            return box
    return None


def run() -> None:
    orders = _orders(random.Random(SEED))
    started = time.perf_counter()
    proposals = [cartonize(items, CATALOG) for items in orders]
    seconds = time.perf_counter() - started
    assert all(proposal_errors(p) == [] for p in proposals), "engine produced an unsound carton"

    fill_rates = [c.fill_rate for p in proposals for c in p.cartons]
    unpacked = sum(len(p.unpacked) for p in proposals)
    baseline: list[tuple[int, float]] = []  # (order index, fill rate) for orders that fit one box
    for index, items in enumerate(orders):
        box = _baseline_box(items)
        if box is not None:
            volume = sum(i.length_mm * i.width_mm * i.height_mm * i.quantity for i in items)
            baseline.append((index, volume / box.volume_mm3))
    same_orders = [proposals[index] for index, _ in baseline]

    print(f"Cartonization: {ORDERS} orders, {len(CATALOG)} box types (seed {SEED})")
    print(
        f"  engine:   fill rate {statistics.mean(fill_rates):.1%} avg per carton, "
        f"{len(fill_rates) / ORDERS:.2f} boxes per order, {unpacked} lines unpacked, "
        f"{seconds:.2f} s ({seconds / ORDERS * 1000:.1f} ms per order)"
    )
    print(
        f"  baseline: fill rate {statistics.mean(rate for _, rate in baseline):.1%} avg, "
        f"1.00 box per order, on the {len(baseline)} orders that fit one box by volume and "
        f"weight; {ORDERS - len(baseline)} do not fit in one box"
    )
    feasible = [index for index, _ in baseline if packs_into(orders[index], _box_of(orders[index]))]
    one_box = [index for index in feasible if len(proposals[index].cartons) == 1]
    not_larger = [
        index
        for index in one_box
        if _volume_of(proposals[index]) <= _box_of(orders[index]).volume_mm3
    ]
    feasible_rates = [rate for index, rate in baseline if index in set(feasible)]
    fill = statistics.mean(fill_rates)
    print(
        f"  engine on those {len(baseline)} orders: "
        f"fill rate {statistics.mean(c.fill_rate for p in same_orders for c in p.cartons):.1%}, "
        f"{sum(len(p.cartons) for p in same_orders) / len(same_orders):.2f} boxes per order"
    )
    print(
        f"  baseline box holds the order in 3D for {len(feasible)} of them: engine used one box "
        f"on {len(one_box)}, no larger than the baseline's on {len(not_larger)}; fill there: "
        f"engine {statistics.mean(c.fill_rate for i in feasible for c in proposals[i].cartons):.1%}"
        f", baseline {statistics.mean(feasible_rates):.1%}"
    )
    verdict = "met" if fill >= FILL_GOAL else "NOT met"
    print(f"  goal: average fill >= {FILL_GOAL:.0%}: {verdict} ({fill:.1%})")


def _box_of(items: list[Item]) -> BoxType:
    box = _baseline_box(items)
    assert box is not None
    return box


def _volume_of(proposal: Proposal) -> int:
    return proposal.box_volume_mm3
