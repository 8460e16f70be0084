"""Receiving's kind of work in the floor's one queue (control.queue): putaway tasks, claimed
under SKIP LOCKED and started with start_task (which proposes the destination again)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse

from control.models import WorkKind
from control.queue import WorkItem
from receiving.models import PutawayStatus, PutawayTask
from receiving.services.putaway_tasks import start_task, transition
from wms.exceptions import DomainError

if TYPE_CHECKING:
    from wms.accounts.models import User


def _item(task: PutawayTask) -> WorkItem:
    return WorkItem(
        kind=WorkKind.PUTAWAY,
        pk=task.pk,
        warehouse_id=task.warehouse_id,
        label=f"Put away {task.what} from {task.from_location.code}",
        url=reverse("putaway_task", args=[task.pk]),
        priority=0,
        assigned_to_id=task.assigned_to_id,
        created_at=task.created_at,
    )


class PutawaySource:
    kind: str = WorkKind.PUTAWAY

    def held(self, user: User, warehouse_id: int) -> WorkItem | None:
        task = (
            PutawayTask.objects.filter(
                assigned_to=user, status=PutawayStatus.IN_PROGRESS, warehouse_id=warehouse_id
            )
            .select_related("lpn", "product", "lot", "from_location")
            .first()
        )
        return _item(task) if task else None

    def claim(self, user: User, warehouse_id: int) -> WorkItem | None:
        """The oldest open task no one holds; one whose stock fits nowhere is left to a manager
        (start_task marks it) and the next is tried."""
        for _ in range(10):
            with transaction.atomic():
                task = (
                    PutawayTask.objects.filter(
                        warehouse_id=warehouse_id, status=PutawayStatus.OPEN, assigned_to=None
                    )
                    .order_by("created_at", "pk")
                    .select_for_update(skip_locked=True, of=("self",))
                    .first()
                )
                if task is None:
                    return None
                try:
                    started = start_task(user=user, task=task)
                except DomainError:
                    continue
            started = PutawayTask.objects.select_related(
                "lpn", "product", "lot", "from_location"
            ).get(pk=started.pk)
            return _item(started)
        return None

    def open_items(self, warehouse_ids: Iterable[int]) -> list[WorkItem]:
        rows = PutawayTask.objects.filter(
            warehouse_id__in=list(warehouse_ids),
            status__in=[PutawayStatus.OPEN, PutawayStatus.IN_PROGRESS],
        ).select_related("lpn", "product", "lot", "from_location")
        return [_item(t) for t in rows]

    @transaction.atomic
    def reassign(self, pk: int, to_user: User | None, by: User) -> None:
        task = PutawayTask.objects.select_for_update().get(pk=pk)
        if to_user is None:
            if task.status == PutawayStatus.IN_PROGRESS:
                transition(task, PutawayStatus.OPEN, by, assigned_to=None, started_at=None)
        elif task.status == PutawayStatus.OPEN:
            transition(task, PutawayStatus.IN_PROGRESS, by, assigned_to=to_user)
        else:
            PutawayTask.objects.filter(pk=pk).update(assigned_to=to_user)

    def set_priority(self, pk: int, priority: int, by: User) -> None:
        """Putaway tasks are handed out oldest first and carry no priority of their own."""
