"""The allocation plan: which locked balances to reserve for which order lines. Pure Python
over the `Allocatable` rows the ledger locks (inventory.services.ledger.reserve_set), so the
rules are tested against hand-worked examples.

The rules, in order of precedence:
1. Rotation. FEFO for expiry-tracked products: the earliest expiry first, never a lot already
   expired or expiring inside the client's minimum remaining shelf life (lots without a date go
   last). FIFO otherwise: the earliest receipt date first.
2. Pick faces before bulk, among stock that rotation ranks equal.
3. Fewest locations: within one rank, a single balance that covers what is still needed wins
   (the smallest such, so big ones stay whole); otherwise the largest go first.
Demands are served in the order given (the caller sorts by priority and ship-by date)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from inventory.models import LocationKind
from inventory.services.ledger import Allocatable, Grant


@dataclass(frozen=True)
class Demand:
    reference_id: str
    product_id: int
    quantity: int
    fefo: bool = False
    # The earliest expiry date acceptable (today plus the client's minimum shelf life).
    min_expiry: dt.date | None = None


def _rank(candidate: Allocatable, fefo: bool) -> tuple[object, ...]:
    face = 0 if candidate.location_kind == LocationKind.PICK_FACE else 1
    received = candidate.first_received_at.date()
    if fefo:
        return (candidate.expiry_date or dt.date.max, face, received)
    return (received, face)


def _eligible(candidate: Allocatable, demand: Demand) -> bool:
    if not demand.fefo or candidate.expiry_date is None or demand.min_expiry is None:
        return True
    return candidate.expiry_date >= demand.min_expiry


def plan(demands: Sequence[Demand], candidates: Sequence[Allocatable]) -> list[Grant]:
    """Grants for `demands` out of `candidates`' free quantities; never more than is free."""
    by_product: dict[int, list[Allocatable]] = defaultdict(list)
    for candidate in candidates:
        by_product[candidate.product_id].append(candidate)
    free = {c.balance_id: c.available for c in candidates}
    ranked: dict[tuple[int, bool], list[Allocatable]] = {}
    grants: list[Grant] = []
    for demand in demands:
        key = (demand.product_id, demand.fefo)
        if key not in ranked:
            ranked[key] = sorted(
                by_product.get(demand.product_id, []),
                key=lambda c: (*_rank(c, demand.fefo), c.pick_sequence, c.balance_id),
            )
        need = demand.quantity
        pool = [c for c in ranked[key] if _eligible(c, demand)]
        for _, group in groupby(pool, key=lambda c: _rank(c, demand.fefo)):
            if need == 0:
                break
            for candidate in _fewest_locations(list(group), need, free):
                take = min(need, free[candidate.balance_id])
                if take <= 0:
                    continue
                free[candidate.balance_id] -= take
                need -= take
                grants.append(Grant(candidate.balance_id, take, demand.reference_id))
                if need == 0:
                    break
    return grants


def _fewest_locations(
    group: list[Allocatable], need: int, free: dict[int, int]
) -> list[Allocatable]:
    """The group's balances in the order to take them: one that covers `need` alone first (the
    smallest such), else the largest first."""
    covering = [c for c in group if free[c.balance_id] >= need]
    if covering:
        return [min(covering, key=lambda c: (free[c.balance_id], c.pick_sequence))]
    return sorted(group, key=lambda c: (-free[c.balance_id], c.pick_sequence))
