"""Eight threads, each on its own database connection, hammer the same few balances with moves,
reservations, picks, releases and adjustments, committing for real. Afterwards no balance is
negative or over-allocated, the cache matches the ledger, quantity is conserved, and no deadlock
or other database error escaped a service."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from django.db.models import F

from inventory.models import Balance, Location, Product, Reservation, ReservationStatus
from inventory.reconcile import find_drift
from inventory.selectors import virtual_positions
from inventory.services import ledger
from inventory.services.master import create_warehouse
from tests.helpers import failures, run_concurrently
from wms.accounts.models import User
from wms.exceptions import DomainError

THREADS = 8
OPERATIONS = 60


def _setup() -> dict[str, Any]:
    from inventory.models import Client

    warehouse = create_warehouse(code="LAB", name="Lab")
    client = Client.objects.create(code="lab", name="Lab client")
    product = Product.objects.create(client=client, sku="HOT", name="Hot item")
    locations = {
        code: Location.objects.create(
            warehouse=warehouse, code=code, barcode=code, kind=kind, is_pickable=pickable
        )
        for code, kind, pickable in [
            ("P1", "pick_face", True),
            ("P2", "pick_face", True),
            ("B1", "storage", False),
            ("STAGE", "staging", False),
        ]
    }
    user = User.objects.create_user("lab@ledgerlab.test", role="manager")
    for code in ("P1", "P2", "B1"):
        ledger.receive(user=user, product=product, quantity=40, location=locations[code])
    return {"product": product, "locations": locations, "user": user}


def _worker(seed: int, ids: dict[str, Any]) -> Counter[str]:
    """One thread's random operations; refusals are counted, anything else escapes (a failure of
    the ledger)."""
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    product = Product.objects.get(pk=ids["product"])
    user = User.objects.get(pk=ids["user"])
    locations = {loc.code: loc for loc in Location.objects.filter(pk__in=ids["locations"])}
    pickable = [locations["P1"], locations["P2"]]
    physical = [locations["P1"], locations["P2"], locations["B1"]]
    for n in range(OPERATIONS):
        op = rng.choice(["move", "move", "reserve", "consume", "release", "adjust", "restock"])
        try:
            if op == "move":
                source, dest = rng.sample(physical, 2)
                ledger.move(
                    user=user,
                    product=product,
                    quantity=rng.randint(1, 6),
                    from_location=source,
                    to_location=dest,
                )
            elif op == "reserve":
                balance = Balance.objects.get(
                    location=rng.choice(pickable),
                    product=product,
                    lot=None,
                    lpn=None,
                    status="available",
                )
                ledger.reserve(
                    balance_id=balance.pk,
                    quantity=rng.randint(1, 4),
                    reference_type="order_line",
                    reference_id=f"{seed}-{n}",
                )
            elif op in ("consume", "release"):
                candidates = list(
                    Reservation.objects.filter(status=ReservationStatus.ACTIVE).values_list(
                        "pk", "quantity"
                    )[:20]
                )
                if not candidates:
                    op = "nothing"
                else:
                    pk, quantity = rng.choice(candidates)
                    if op == "consume":
                        ledger.consume(
                            user=user,
                            reservation_id=pk,
                            quantity=rng.randint(1, quantity),
                            to_location=locations["STAGE"],
                        )
                    else:
                        ledger.release(reservation_id=pk)
            elif op == "adjust":
                ledger.adjust(
                    user=user,
                    product=product,
                    location=rng.choice(physical),
                    quantity=rng.choice([-3, -1, 2, 4]),
                    reason_code="CYCLE",
                )
            else:
                ledger.adjust(
                    user=user,
                    product=product,
                    location=rng.choice(physical),
                    quantity=5,
                    reason_code="RESTOCK",
                )
            outcomes[f"{op}:ok"] += 1
        except DomainError:
            outcomes[f"{op}:refused"] += 1
    return outcomes


def test_concurrent_services_keep_the_ledger_exact(committed_tenant: Any) -> None:
    data = _setup()
    ids = {
        "product": data["product"].pk,
        "user": data["user"].pk,
        "locations": [loc.pk for loc in data["locations"].values()],
    }
    results = run_concurrently(
        committed_tenant, [lambda seed=seed: _worker(seed, ids) for seed in range(THREADS)]
    )

    assert failures(results) == []
    outcomes = sum(results, Counter())
    assert sum(outcomes.values()) == THREADS * OPERATIONS
    for op in ("move", "reserve", "consume", "adjust"):
        assert outcomes[f"{op}:ok"] > 0, outcomes
    assert not Balance.objects.filter(on_hand__lt=0).exists()
    assert not Balance.objects.filter(allocated__gt=F("on_hand")).exists()
    assert find_drift() == []
    product = data["product"]
    physical = sum(Balance.objects.filter(product=product).values_list("on_hand", flat=True))
    assert physical + sum(virtual_positions(product).values()) == 0
