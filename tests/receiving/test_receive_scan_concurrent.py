"""Eight operators scan the same ASN line at once, each on its own connection and committing for
real. The ASN and line row locks make them queue: the line never passes its tolerance, every
accepted unit is one receipt and one ledger move, and no database error escapes."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from django.db.models import Sum

from inventory.models import Balance, Client, Location, LocationKind, Lpn, Product, StockMove
from inventory.reconcile import find_drift
from inventory.services.master import create_warehouse
from receiving import services
from receiving.exceptions import OverReceipt
from receiving.models import AsnLine, Receipt, ReceivingPolicy
from tests.helpers import failures, run_concurrently
from wms.accounts.models import User

THREADS = 8
SCANS = 6
EXPECTED = 20
TOLERANCE = 10  # percent: at most 22


def _setup() -> dict[str, int]:
    warehouse = create_warehouse(code="LAB", name="Lab")
    Location.objects.create(
        warehouse=warehouse, code="DOCK", barcode="DOCK", kind=LocationKind.DOCK
    )
    client = Client.objects.create(code="lab", name="Lab client")
    ReceivingPolicy.objects.create(client=client, over_receipt_tolerance_percent=TOLERANCE)
    product = Product.objects.create(client=client, sku="HOT", name="Hot item")
    user = User.objects.create_user("lab@ledgerlab.test", role="manager")
    asn = services.mark_expected(
        asn=services.create_asn(
            client=client,
            warehouse=warehouse,
            reference="RUSH",
            lines=[services.AsnLineSpec(product, EXPECTED)],
        ),
        user=user,
    )
    pallet = Lpn.objects.create(code="PAL-SHARED", warehouse=warehouse)
    return {"asn": asn.pk, "user": user.pk, "pallet": pallet.pk}


def _worker(seed: int, ids: dict[str, int]) -> Counter[str]:
    """One scanner's scans; an over-receipt refusal is counted, anything else escapes."""
    from receiving.models import Asn

    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    asn = Asn.objects.select_related("warehouse", "client").get(pk=ids["asn"])
    user = User.objects.get(pk=ids["user"])
    pallet = Lpn.objects.get(pk=ids["pallet"])
    for n in range(SCANS):
        try:
            services.receive_scan(
                asn=asn,
                code_or_product="HOT",
                quantity=rng.randint(1, 3),
                lpn=pallet if n % 2 else None,
                user=user,
                idempotency_key=f"t{seed}-{n}",
            )
            outcomes["ok"] += 1
        except OverReceipt:
            outcomes["over"] += 1
    return outcomes


def test_concurrent_scans_never_exceed_the_tolerance(committed_tenant: Any) -> None:
    ids = _setup()
    results = run_concurrently(
        committed_tenant, [lambda seed=seed: _worker(seed, ids) for seed in range(THREADS)]
    )

    assert failures(results) == []
    outcomes = sum(results, Counter())
    assert outcomes["ok"] + outcomes["over"] == THREADS * SCANS
    assert outcomes["over"] > 0, outcomes
    line = AsnLine.objects.get(asn_id=ids["asn"])
    received = Receipt.objects.aggregate(total=Sum("quantity"))["total"]
    moved = StockMove.objects.filter(reference_type="asn_line").aggregate(total=Sum("quantity"))
    on_hand = Balance.objects.aggregate(total=Sum("on_hand"))["total"]
    assert line.received_qty <= EXPECTED + EXPECTED * TOLERANCE // 100
    assert line.received_qty == received == moved["total"] == on_hand
    assert Receipt.objects.count() == outcomes["ok"]
    assert find_drift() == []
