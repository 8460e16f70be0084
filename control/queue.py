"""The floor's one work queue. "Get work" hands an operator the most urgent task they may do
across every kind of floor work, by the order a manager sets per warehouse (by default:
replenishment first, then picks, then putaway, counts when idle).

Each kind of work is a source: control's own (counting, replenishment) and those of the apps
above it (picking's pick lists, receiving's putaway), which register theirs from their
AppConfig.ready, so control never imports them. Every source claims under SKIP LOCKED: two
operators asking at once never get the same task, the second gets the next one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from control.models import (
    OPEN_COUNT_STATUSES,
    REPLENISHMENT_LIFECYCLE,
    RETURN_LIFECYCLE,
    CountStatus,
    CountTask,
    ReplenishmentStatus,
    ReplenishmentTask,
    ReturnStatus,
    ReturnTask,
    WorkKind,
    WorkRule,
)
from control.services.counts import next_count_task
from inventory.events import emit
from inventory.lifecycle import transition
from inventory.models import Warehouse
from wms.exceptions import DomainError

if TYPE_CHECKING:
    from wms.accounts.models import User

DEFAULT_ORDER = (
    WorkKind.REPLENISHMENT,
    WorkKind.PICKING,
    WorkKind.PUTAWAY,
    WorkKind.RETURNS,
    WorkKind.COUNTING,
)


@dataclass(frozen=True)
class WorkItem:
    """One task as the queue shows it, whatever its kind."""

    kind: str
    pk: int
    warehouse_id: int
    label: str
    url: str
    priority: int
    assigned_to_id: int | None
    created_at: dt.datetime


class WorkSource(Protocol):
    kind: str

    def held(self, user: User, warehouse_id: int) -> WorkItem | None:
        """The task of this kind the user already holds in the warehouse."""

    def claim(self, user: User, warehouse_id: int) -> WorkItem | None:
        """Assigns the most urgent free task of this kind to the user (SKIP LOCKED)."""

    def open_items(self, warehouse_ids: Iterable[int]) -> list[WorkItem]:
        """Every open task of this kind in the warehouses, for the manager's queue."""

    def reassign(self, pk: int, to_user: User | None, by: User) -> None:
        """Gives the task to another operator (or back to the queue)."""

    def set_priority(self, pk: int, priority: int, by: User) -> None:
        """Changes the task's priority within its kind."""


_sources: dict[str, WorkSource] = {}


def register_source(source: WorkSource) -> None:
    _sources[source.kind] = source


def sources() -> dict[str, WorkSource]:
    return dict(_sources)


def work_order(warehouse_id: int) -> list[str]:
    """The kinds of work in the order the warehouse's rules give (lowest rank first); kinds
    without a rule follow in the default order; inactive kinds are left out."""
    rules = {r.kind: r for r in WorkRule.objects.filter(warehouse_id=warehouse_id)}
    default: dict[str, int] = {str(kind): n for n, kind in enumerate(DEFAULT_ORDER)}
    kinds = [k for k in WorkKind.values if k not in rules or rules[k].is_active]
    return sorted(
        kinds, key=lambda k: (rules[k].rank if k in rules else 1000 + default.get(k, 99), k)
    )


def next_work(*, user: User, warehouse: Warehouse) -> WorkItem | None:
    """The work this user should do now: what they already hold, else the first task a source
    can claim for them in the warehouse's order of kinds."""
    order = [k for k in work_order(warehouse.pk) if k in _sources]
    for kind in order:
        item = _sources[kind].held(user, warehouse.pk)
        if item is not None:
            return item
    for kind in order:
        item = _sources[kind].claim(user, warehouse.pk)
        if item is not None:
            return item
    return None


def queue(warehouse_ids: Iterable[int]) -> list[WorkItem]:
    """Every open task of every kind, kind by kind in the default order."""
    ids = list(warehouse_ids)
    items: list[WorkItem] = []
    for kind in DEFAULT_ORDER:
        if kind in _sources:
            items += _sources[kind].open_items(ids)
    return items


def _source(kind: str) -> WorkSource:
    if kind not in _sources:
        raise DomainError(f"Unknown kind of work “{kind}”.", code="unknown_work")
    return _sources[kind]


def reassign(*, kind: str, pk: int, to_user: User | None, by: User) -> None:
    """A manager gives a task to another operator (or back to the queue)."""
    _source(kind).reassign(pk, to_user, by)
    emit(
        "work.reassigned",
        client_id=None,
        warehouse_id=None,
        payload={"kind": kind, "id": pk, "to_user_id": to_user.pk if to_user else None},
        user=by,
    )


def set_priority(*, kind: str, pk: int, priority: int, by: User) -> None:
    """A manager changes a task's priority within its kind."""
    _source(kind).set_priority(pk, priority, by)
    emit(
        "work.reprioritised",
        client_id=None,
        warehouse_id=None,
        payload={"kind": kind, "id": pk, "priority": priority},
        user=by,
    )


@transaction.atomic
def save_rules(*, warehouse: Warehouse, ranks: dict[str, int], user: User) -> list[WorkRule]:
    """Sets the warehouse's order of kinds of work (rank 1 first)."""
    saved = []
    for kind, rank in ranks.items():
        rule, _ = WorkRule.objects.update_or_create(
            warehouse=warehouse, kind=kind, defaults={"rank": rank, "is_active": True}
        )
        saved.append(rule)
    emit(
        "work.rules_changed",
        client_id=None,
        warehouse_id=warehouse.pk,
        payload={"ranks": ranks},
        user=user,
    )
    return saved


# --- Control's own sources -----------------------------------------------------------------


def _count_item(task: CountTask) -> WorkItem:
    return WorkItem(
        kind=WorkKind.COUNTING,
        pk=task.pk,
        warehouse_id=task.warehouse_id,
        label=f"Count bin {task.location.code}" + (" (recount)" if task.round == 2 else ""),
        url=reverse("floor_count_task", args=[task.pk]),
        priority=task.priority,
        assigned_to_id=task.assigned_to_id,
        created_at=task.created_at,
    )


class CountingSource:
    kind: str = WorkKind.COUNTING

    def held(self, user: User, warehouse_id: int) -> WorkItem | None:
        task = (
            CountTask.objects.filter(
                warehouse_id=warehouse_id,
                assigned_to=user,
                status__in=[CountStatus.OPEN, CountStatus.COUNTING, CountStatus.RECOUNTING],
            )
            .select_related("location")
            .first()
        )
        return _count_item(task) if task else None

    def claim(self, user: User, warehouse_id: int) -> WorkItem | None:
        task = next_count_task(user=user, warehouse=Warehouse.objects.get(pk=warehouse_id))
        return _count_item(task) if task else None

    def open_items(self, warehouse_ids: Iterable[int]) -> list[WorkItem]:
        rows = CountTask.objects.filter(
            warehouse_id__in=list(warehouse_ids), status__in=OPEN_COUNT_STATUSES
        ).exclude(status=CountStatus.REVIEW)
        return [_count_item(t) for t in rows.select_related("location")]

    def reassign(self, pk: int, to_user: User | None, by: User) -> None:
        CountTask.objects.filter(pk=pk, status__in=[CountStatus.OPEN, CountStatus.RECOUNT]).update(
            assigned_to=to_user, updated_at=timezone.now()
        )

    def set_priority(self, pk: int, priority: int, by: User) -> None:
        CountTask.objects.filter(pk=pk).update(priority=priority, updated_at=timezone.now())


def _replenishment_item(task: ReplenishmentTask) -> WorkItem:
    return WorkItem(
        kind=WorkKind.REPLENISHMENT,
        pk=task.pk,
        warehouse_id=task.warehouse_id,
        label=f"Replenish {task.quantity} of {task.product.sku} to {task.location.code}",
        url=reverse("floor_replenish", args=[task.pk]),
        priority=task.priority,
        assigned_to_id=task.assigned_to_id,
        created_at=task.created_at,
    )


class ReplenishmentSource:
    kind: str = WorkKind.REPLENISHMENT

    def held(self, user: User, warehouse_id: int) -> WorkItem | None:
        task = (
            ReplenishmentTask.objects.filter(
                warehouse_id=warehouse_id,
                assigned_to=user,
                status__in=[ReplenishmentStatus.OPEN, ReplenishmentStatus.IN_PROGRESS],
            )
            .select_related("location", "product")
            .first()
        )
        return _replenishment_item(task) if task else None

    @transaction.atomic
    def claim(self, user: User, warehouse_id: int) -> WorkItem | None:
        task = (
            ReplenishmentTask.objects.filter(
                warehouse_id=warehouse_id, status=ReplenishmentStatus.OPEN, assigned_to=None
            )
            .order_by("-priority", "created_at", "pk")
            .select_for_update(skip_locked=True)
            .first()
        )
        if task is None:
            return None
        transition(
            REPLENISHMENT_LIFECYCLE,
            task,
            ReplenishmentStatus.IN_PROGRESS,
            user=user,
            changes={"assigned_to": user},
        )
        task = ReplenishmentTask.objects.select_related("location", "product").get(pk=task.pk)
        return _replenishment_item(task)

    def open_items(self, warehouse_ids: Iterable[int]) -> list[WorkItem]:
        rows = ReplenishmentTask.objects.filter(
            Q(status=ReplenishmentStatus.OPEN) | Q(status=ReplenishmentStatus.IN_PROGRESS),
            warehouse_id__in=list(warehouse_ids),
        ).select_related("location", "product")
        return [_replenishment_item(t) for t in rows]

    @transaction.atomic
    def reassign(self, pk: int, to_user: User | None, by: User) -> None:
        task = ReplenishmentTask.objects.select_for_update().get(pk=pk)
        wanted = ReplenishmentStatus.IN_PROGRESS if to_user else ReplenishmentStatus.OPEN
        if task.status == wanted:
            ReplenishmentTask.objects.filter(pk=pk).update(assigned_to=to_user)
        else:
            transition(
                REPLENISHMENT_LIFECYCLE, task, wanted, user=by, changes={"assigned_to": to_user}
            )

    def set_priority(self, pk: int, priority: int, by: User) -> None:
        ReplenishmentTask.objects.filter(pk=pk).update(priority=priority, updated_at=timezone.now())


def _return_item(task: ReturnTask) -> WorkItem:
    where = f" in {task.from_lpn.code}" if task.from_lpn else ""
    to = f" to {task.to_location.code}" if task.to_location else ""
    return WorkItem(
        kind=WorkKind.RETURNS,
        pk=task.pk,
        warehouse_id=task.warehouse_id,
        label=f"Return {task.quantity} of {task.product.sku} from {task.from_location.code}"
        f"{where}{to}",
        url=reverse("floor_return", args=[task.pk]),
        priority=0,
        assigned_to_id=task.assigned_to_id,
        created_at=task.created_at,
    )


class ReturnsSource:
    kind: str = WorkKind.RETURNS
    related = ("product", "from_location", "from_lpn", "to_location")

    def held(self, user: User, warehouse_id: int) -> WorkItem | None:
        task = (
            ReturnTask.objects.filter(
                warehouse_id=warehouse_id, assigned_to=user, status=ReturnStatus.IN_PROGRESS
            )
            .select_related(*self.related)
            .first()
        )
        return _return_item(task) if task else None

    @transaction.atomic
    def claim(self, user: User, warehouse_id: int) -> WorkItem | None:
        task = (
            ReturnTask.objects.filter(
                warehouse_id=warehouse_id, status=ReturnStatus.OPEN, assigned_to=None
            )
            .order_by("created_at", "pk")
            .select_for_update(skip_locked=True)
            .first()
        )
        if task is None:
            return None
        transition(
            RETURN_LIFECYCLE,
            task,
            ReturnStatus.IN_PROGRESS,
            user=user,
            changes={"assigned_to": user},
        )
        return _return_item(ReturnTask.objects.select_related(*self.related).get(pk=task.pk))

    def open_items(self, warehouse_ids: Iterable[int]) -> list[WorkItem]:
        rows = ReturnTask.objects.filter(
            warehouse_id__in=list(warehouse_ids),
            status__in=[ReturnStatus.OPEN, ReturnStatus.IN_PROGRESS],
        ).select_related(*self.related)
        return [_return_item(t) for t in rows]

    @transaction.atomic
    def reassign(self, pk: int, to_user: User | None, by: User) -> None:
        task = ReturnTask.objects.select_for_update().get(pk=pk)
        wanted = ReturnStatus.IN_PROGRESS if to_user else ReturnStatus.OPEN
        if task.status == wanted:
            ReturnTask.objects.filter(pk=pk).update(assigned_to=to_user)
        elif task.status != ReturnStatus.DONE:
            transition(RETURN_LIFECYCLE, task, wanted, user=by, changes={"assigned_to": to_user})

    def set_priority(self, pk: int, priority: int, by: User) -> None:
        """Returns are handed out oldest first and carry no priority of their own."""


register_source(CountingSource())
register_source(ReplenishmentSource())
register_source(ReturnsSource())
