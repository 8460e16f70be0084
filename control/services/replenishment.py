"""Replenishment: min/max (and a multiple) per pick face and product. A task is made when a pick
drops the face below its min (picking calls `after_pick`), when allocation finds the face short
(`after_shortage`), and by the nightly sweep. The partial unique index on open tasks per face
and product is what makes "never two" true under concurrency: every trigger inserts with ON
CONFLICT DO NOTHING, so the second of two racing pickers writes nothing. The source follows
FEFO, then FIFO, among reserve locations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from control.exceptions import ReplenishmentRefused
from control.models import (
    OPEN_REPLENISHMENT_STATUSES,
    REPLENISHMENT_LIFECYCLE,
    PickFaceRule,
    ReplenishmentStatus,
    ReplenishmentTask,
    ReplenishmentTrigger,
)
from inventory.events import emit
from inventory.lifecycle import transition
from inventory.models import Balance, InventoryStatus, Location, LocationKind, Reason, Warehouse
from inventory.services import ledger
from wms.idempotency.services import idempotent, model_codec

if TYPE_CHECKING:
    from wms.accounts.models import User

# Replenishment work goes before the picks that wait for it in the work queue.
REPLENISHMENT_PRIORITY = 50


def replenish_quantity(*, level: int, min_qty: int, max_qty: int, multiple: int) -> int:
    """How much to bring to a face holding `level`: nothing at or above its min; otherwise up to
    its max in whole multiples, and at least one multiple (a case that overfills the face a
    little beats a face that stays empty)."""
    if level >= min_qty:
        return 0
    room = max(max_qty - level, 0)
    return max(multiple, room // multiple * multiple)


def face_level(location_id: int, product_id: int) -> int:
    """Free available units of the product at the face (on hand less allocated)."""
    totals = Balance.objects.filter(
        location_id=location_id, product_id=product_id, status=InventoryStatus.AVAILABLE
    ).aggregate(free=Sum(F("on_hand") - F("allocated"), default=0))
    return int(totals["free"])


@dataclass(frozen=True)
class Source:
    location: Location
    lot_id: int | None
    lpn_id: int | None
    free: int


def find_source(warehouse_id: int, product_id: int) -> Source | None:
    """The reserve balance to take from: FEFO (earliest expiry), then FIFO (first received),
    among available free stock in unblocked storage locations that are not pick faces."""
    balance = (
        Balance.objects.filter(
            warehouse_id=warehouse_id,
            product_id=product_id,
            status=InventoryStatus.AVAILABLE,
            on_hand__gt=F("allocated"),
            location__kind=LocationKind.STORAGE,
            location__is_pickable=False,
            location__is_blocked=False,
        )
        .select_related("location", "lot")
        .order_by(F("lot__expiry_date").asc(nulls_last=True), "first_received_at", "pk")
        .first()
    )
    if balance is None:
        return None
    return Source(balance.location, balance.lot_id, balance.lpn_id, balance.available)


def _make_task(
    rule: PickFaceRule, trigger: str, level: int, user: User | None
) -> ReplenishmentTask | None:
    """Inserts the face's open task unless one exists (ON CONFLICT DO NOTHING on the partial
    unique index); returns the new task, or None when there was one or nothing to move.
    `level` is the face's free stock less any demand allocation could not cover."""
    quantity = replenish_quantity(
        level=level, min_qty=rule.min_qty, max_qty=rule.max_qty, multiple=rule.multiple
    )
    if quantity <= 0:
        return None
    source = find_source(rule.warehouse_id, rule.product_id)
    if source is None:
        return None
    now = timezone.now()
    task = ReplenishmentTask(
        warehouse_id=rule.warehouse_id,
        location_id=rule.location_id,
        product_id=rule.product_id,
        from_location=source.location,
        lot_id=source.lot_id,
        from_lpn_id=source.lpn_id,
        quantity=min(quantity, source.free),
        trigger=trigger,
        priority=REPLENISHMENT_PRIORITY,
        created_at=now,
        updated_at=now,
    )
    ReplenishmentTask.objects.bulk_create([task], ignore_conflicts=True)
    # ignore_conflicts gives no primary key back: the row is ours if it has our timestamp.
    made = ReplenishmentTask.objects.filter(
        location_id=rule.location_id,
        product_id=rule.product_id,
        status=ReplenishmentStatus.OPEN,
        created_at=now,
    ).first()
    if made is None:
        return None
    emit(
        "replenishment.created",
        client_id=rule.product.client_id,
        warehouse_id=rule.warehouse_id,
        payload={
            "replenishment_task_id": made.pk,
            "location": rule.location.code,
            "sku": rule.product.sku,
            "quantity": made.quantity,
            "trigger": trigger,
            "level": level,
        },
        user=user,
    )
    return made


def after_pick(*, location_id: int, product_id: int, user: User | None) -> ReplenishmentTask | None:
    """Called by picking in the pick's transaction: a task when the face is now below its min
    (one query when the face has no rule)."""
    rule = (
        PickFaceRule.objects.filter(location_id=location_id, product_id=product_id)
        .select_related("location", "product")
        .first()
    )
    if rule is None:
        return None
    level = face_level(location_id, product_id)
    if level >= rule.min_qty or _has_open_task(location_id, product_id):
        # (The check saves the source lookup on every pick of a face already being refilled;
        # the unique index, not this read, is what keeps racing pickers to one task.)
        return None
    return _make_task(rule, ReplenishmentTrigger.PICK, level, user)


def _has_open_task(location_id: int, product_id: int) -> bool:
    return ReplenishmentTask.objects.filter(
        location_id=location_id, product_id=product_id, status__in=OPEN_REPLENISHMENT_STATUSES
    ).exists()


def after_shortage(
    *, warehouse_id: int, shortages: dict[int, int], user: User | None
) -> list[ReplenishmentTask]:
    """Called by picking when allocation could not cover `shortages` (product id to units): the
    faces of those products get a task that brings at least the missing units, if reserve
    stock exists."""
    made = []
    for rule in PickFaceRule.objects.filter(
        warehouse_id=warehouse_id, product_id__in=list(shortages)
    ).select_related("location", "product"):
        # The demand allocation could not cover counts against the face's stock.
        level = face_level(rule.location_id, rule.product_id) - shortages[rule.product_id]
        task = _make_task(rule, ReplenishmentTrigger.ALLOCATION, level, user)
        if task is not None:
            made.append(task)
    return made


def sweep(*, warehouses: Iterable[Warehouse] | None = None) -> int:
    """The nightly sweep: every face below its min gets a task (one each). Returns how many."""
    rules = PickFaceRule.objects.select_related("location", "product")
    if warehouses is not None:
        rules = rules.filter(warehouse__in=list(warehouses))
    made = 0
    for rule in rules.order_by("pk"):
        with transaction.atomic():
            level = face_level(rule.location_id, rule.product_id)
            if level < rule.min_qty and _make_task(rule, ReplenishmentTrigger.SWEEP, level, None):
                made += 1
    return made


@transaction.atomic
@idempotent("replenishment.complete", result=model_codec(ReplenishmentTask))
def complete_replenishment(
    *,
    task: ReplenishmentTask,
    user: User,
    from_code: str,
    to_code: str,
    quantity: int | None = None,
    idempotency_key: str | None = None,
) -> ReplenishmentTask:
    """The operator scanned the source and the face: the units move through the ledger (reason
    replenish) and the task is done. A wrong scan is refused and nothing is written."""
    task = (
        ReplenishmentTask.objects.select_for_update(of=("self",))
        .select_related("location", "from_location", "product", "lot", "from_lpn")
        .get(pk=task.pk)
    )
    if task.status not in OPEN_REPLENISHMENT_STATUSES:
        REPLENISHMENT_LIFECYCLE.check(task, ReplenishmentStatus.DONE)
    if task.assigned_to_id not in (None, user.pk):
        raise ReplenishmentRefused(f"Replenishment task {task.pk} is someone else's.")
    source = task.from_location
    assert source is not None
    for scanned, expected in ((from_code, source), (to_code, task.location)):
        if scanned.strip().upper() not in (expected.code.upper(), expected.barcode.upper()):
            raise ReplenishmentRefused(
                f"Expected bin {expected.code}; you scanned “{scanned.strip()}”.",
                code="wrong_bin",
            )
    moved = task.quantity if quantity is None else quantity
    ledger.move(
        user=user,
        product=task.product,
        quantity=moved,
        from_location=source,
        to_location=task.location,
        lot=task.lot,
        from_lpn=task.from_lpn,
        reason=Reason.REPLENISH,
        reference_type="replenishment_task",
        reference_id=str(task.pk),
    )
    return transition(
        REPLENISHMENT_LIFECYCLE,
        task,
        ReplenishmentStatus.DONE,
        user=user,
        changes={"assigned_to": user},
        payload={"moved": moved},
    )
