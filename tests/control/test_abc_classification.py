"""ABC classes from pick velocity, worked by hand: a product is A while the products ranked
above it hold less than 80 % of the picked units, B while they hold less than 95 %, else C."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from control.models import ProductClass
from control.services.plans import classify_abc, recompute_classes
from inventory.models import Reason
from inventory.services import ledger
from tests.factories import ProductFactory


def test_five_products_by_hand() -> None:
    # units 50, 30, 10, 6, 4 of 100; share above each: 0, 50, 80, 90, 96
    picked = {1: 50, 2: 30, 3: 10, 4: 6, 5: 4}
    assert classify_abc(picked) == {1: "A", 2: "A", 3: "B", 4: "B", 5: "C"}


def test_a_single_picked_product_is_a_and_unpicked_ones_are_c() -> None:
    assert classify_abc({7: 3}, product_ids=[7, 8, 9]) == {7: "A", 8: "C", 9: "C"}


def test_ties_rank_by_product_id() -> None:
    # 40, 40, 20: shares above 0, 40, 80 -> A, A, B whichever order the dict has
    assert classify_abc({3: 40, 1: 40, 2: 20}) == {1: "A", 3: "A", 2: "B"}


def test_recompute_reads_picks_in_the_window_only(
    manager: Any, wh: Any, bin_a: Any, staging: Any, acme_outdoor: Any
) -> None:
    top, mid, low = (ProductFactory(client=acme_outdoor, sku=sku) for sku in ("TOP", "MID", "LOW"))
    for product, units in ((top, 95), (mid, 90), (low, 10)):
        ledger.receive(user=manager, product=product, quantity=100, location=bin_a)
        ledger.move(
            user=manager,
            product=product,
            quantity=units,
            from_location=bin_a,
            to_location=staging,
            reason=Reason.PICK,
        )
    now = timezone.now()
    # 195 picked; ranked TOP 95 (0 % above it), MID 90 (48.7 %), LOW 10 (94.9 %): A, A, B
    recompute_classes(warehouse=wh, window_days=30, now=now)
    assert dict(ProductClass.objects.values_list("product__sku", "abc_class")) == {
        "TOP": "A",
        "MID": "A",
        "LOW": "B",
    }
    # 100 days on, the picks have left the 30-day window: every stocked product is C
    recompute_classes(warehouse=wh, window_days=30, now=now + dt.timedelta(days=100))
    assert dict(ProductClass.objects.values_list("product__sku", "abc_class")) == {
        "TOP": "C",
        "MID": "C",
        "LOW": "C",
    }


def test_nightly_run_classifies_then_runs_the_abc_plan_once(
    manager: Any, wh: Any, bin_a: Any, bin_b: Any, staging: Any, widget: Any, gadget: Any
) -> None:
    from control.models import CountPlan, CountTask, PlanKind
    from control.tasks import nightly_counts_task

    for product, location in ((widget, bin_a), (gadget, bin_b)):
        ledger.receive(user=manager, product=product, quantity=50, location=location)
    ledger.move(
        user=manager,
        product=widget,
        quantity=40,
        from_location=bin_a,
        to_location=staging,
        reason=Reason.PICK,
    )
    CountPlan.objects.create(warehouse=wh, name="A weekly", kind=PlanKind.ABC, abc_class="A")
    assert nightly_counts_task() == 1
    assert nightly_counts_task() == 0  # the bin is on an open count already
    assert list(CountTask.objects.values_list("location__code", flat=True)) == ["A-01-01"]
