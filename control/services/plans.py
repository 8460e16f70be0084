"""Count plans: ABC classes from pick velocity (recomputed nightly) and the plans that turn
them, zones, zero-stock bins and short-pick count requests into count tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from control.models import (
    AbcClass,
    CountPlan,
    CountStatus,
    CountTask,
    PlanKind,
    ProductClass,
)
from inventory.events import emit
from inventory.models import (
    Balance,
    CountRequest,
    CountRequestStatus,
    Location,
    LocationKind,
    Reason,
    StockMove,
    Warehouse,
)

if TYPE_CHECKING:
    from wms.accounts.models import User

# ABC by cumulative share of picked units: a product is A while the products ranked above it
# hold less than 80 % of the units, B while they hold less than 95 %, C after that (and C when
# it was not picked at all).
A_SHARE = 80
B_SHARE = 95
COUNTABLE_KINDS = (LocationKind.STORAGE, LocationKind.PICK_FACE)


# --- ABC classification --------------------------------------------------------------------


def classify_abc(picked: Mapping[int, int], product_ids: Iterable[int] = ()) -> dict[int, str]:
    """Each product's class from its picked units (ties ranked by product id). Products in
    `product_ids` that were not picked are C."""
    classes = {pk: AbcClass.C.value for pk in product_ids}
    ranked = sorted(((units, pk) for pk, units in picked.items() if units > 0), key=_rank)
    total = sum(units for units, _ in ranked)
    before = 0
    for units, pk in ranked:
        if before * 100 < A_SHARE * total:
            classes[pk] = AbcClass.A.value
        elif before * 100 < B_SHARE * total:
            classes[pk] = AbcClass.B.value
        else:
            classes[pk] = AbcClass.C.value
        before += units
    return classes


def _rank(item: tuple[int, int]) -> tuple[int, int]:
    units, pk = item
    return (-units, pk)


@transaction.atomic
def recompute_classes(
    *, warehouse: Warehouse, window_days: int = 90, now: dt.datetime | None = None
) -> dict[int, str]:
    """Recomputes the warehouse's ABC classes from the units picked over the last
    `window_days` (every product stocked or picked there gets a class)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=window_days)
    picked = dict(
        StockMove.objects.filter(
            warehouse=warehouse, reason=Reason.PICK, created_at__gte=since, created_at__lte=now
        )
        .values_list("product_id")
        .annotate(units=Sum("quantity"))
        .values_list("product_id", "units")
    )
    stocked = set(
        Balance.objects.filter(warehouse=warehouse, on_hand__gt=0).values_list(
            "product_id", flat=True
        )
    )
    classes = classify_abc(picked, stocked | set(picked))
    ProductClass.objects.filter(warehouse=warehouse).delete()
    ProductClass.objects.bulk_create(
        [
            ProductClass(
                warehouse=warehouse,
                product_id=pk,
                abc_class=abc_class,
                picked_units=picked.get(pk, 0),
                window_days=window_days,
                computed_at=now,
            )
            for pk, abc_class in sorted(classes.items())
        ]
    )
    return classes


# --- Plans ---------------------------------------------------------------------------------


def _candidate_locations(plan: CountPlan, now: dt.datetime) -> list[int]:
    bins = Location.objects.filter(
        warehouse_id=plan.warehouse_id, is_virtual=False, kind__in=COUNTABLE_KINDS
    )
    stocked = Balance.objects.filter(location=OuterRef("pk"), on_hand__gt=0)
    if plan.kind == PlanKind.ABC:
        classed = ProductClass.objects.filter(
            warehouse_id=plan.warehouse_id, abc_class=plan.abc_class
        ).values("product_id")
        bins = bins.filter(
            Exists(
                Balance.objects.filter(
                    location=OuterRef("pk"), on_hand__gt=0, product_id__in=classed
                )
            )
        )
    elif plan.kind == PlanKind.ZONE:
        if plan.zone_id is None:
            return []
        bins = bins.filter(zone_id=plan.zone_id)
    elif plan.kind == PlanKind.ZERO_STOCK:
        # A bin that shows 0: it held stock once (its balance rows remain) and holds none now.
        bins = bins.filter(Exists(Balance.objects.filter(location=OuterRef("pk")))).exclude(
            Exists(stocked)
        )
    recent = CountTask.objects.filter(
        location=OuterRef("pk"),
        status=CountStatus.APPROVED,
        decided_at__gte=now - dt.timedelta(days=plan.frequency_days),
    )
    return list(
        bins.exclude(Exists(recent)).order_by("pick_sequence", "pk").values_list("pk", flat=True)
    )


@transaction.atomic
def run_plan(*, plan: CountPlan, user: User | None, now: dt.datetime | None = None) -> int:
    """Makes count tasks for the plan's bins that were not counted within its frequency; a bin
    already on an open count is left alone (the one-open-count-per-bin constraint decides a
    race). Count requests become tasks linked to them. Returns how many tasks were made."""
    now = now or timezone.now()
    plan = CountPlan.objects.select_for_update().get(pk=plan.pk)
    requests: dict[int, CountRequest] = {}
    if plan.kind == PlanKind.REQUESTS:
        for request in CountRequest.objects.filter(
            warehouse_id=plan.warehouse_id, status=CountRequestStatus.REQUESTED
        ).order_by("created_at", "pk"):
            requests.setdefault(request.location_id, request)
        location_ids = list(requests)
    else:
        location_ids = _candidate_locations(plan, now)
    CountTask.objects.bulk_create(
        [
            CountTask(
                warehouse_id=plan.warehouse_id,
                location_id=pk,
                plan=plan,
                count_request=requests.get(pk),
                source=plan.kind,
                priority=10 if plan.kind == PlanKind.REQUESTS else 0,
                created_at=now,
                updated_at=now,
            )
            for pk in location_ids
        ],
        ignore_conflicts=True,
    )
    made = CountTask.objects.filter(plan=plan, created_at=now)
    made_count = made.count()
    linked = made.exclude(count_request=None).values("count_request_id")
    CountRequest.objects.filter(pk__in=linked).update(status=CountRequestStatus.COUNTING)
    CountPlan.objects.filter(pk=plan.pk).update(last_run_at=now)
    emit(
        "count.planned",
        client_id=None,
        warehouse_id=plan.warehouse_id,
        payload={"plan_id": plan.pk, "kind": plan.kind, "tasks": made_count},
        user=user,
    )
    return made_count
