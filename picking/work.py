"""Picking's kind of work in the floor's one queue (control.queue): pick lists, claimed with
next_pick_list (SKIP LOCKED), shown, reassigned and reprioritised for the manager."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse

from control.models import WorkKind
from control.queue import WorkItem
from picking.models import PickList, PickListStatus
from picking.services.picks import next_pick_list

if TYPE_CHECKING:
    from wms.accounts.models import User


def _item(pick_list: PickList) -> WorkItem:
    return WorkItem(
        kind=WorkKind.PICKING,
        pk=pick_list.pk,
        warehouse_id=pick_list.warehouse_id,
        label=f"Pick list {pick_list.number}",
        url=reverse("floor_pick_list", args=[pick_list.pk]),
        priority=pick_list.priority,
        assigned_to_id=pick_list.assigned_to_id,
        created_at=pick_list.created_at,
    )


class PickingSource:
    kind: str = WorkKind.PICKING

    def held(self, user: User, warehouse_id: int) -> WorkItem | None:
        current = PickList.objects.filter(
            assigned_to=user, status=PickListStatus.IN_PROGRESS, warehouse_id=warehouse_id
        ).first()
        return _item(current) if current else None

    def claim(self, user: User, warehouse_id: int) -> WorkItem | None:
        pick_list = next_pick_list(user, [warehouse_id])
        return _item(pick_list) if pick_list else None

    def open_items(self, warehouse_ids: Iterable[int]) -> list[WorkItem]:
        rows = PickList.objects.filter(
            warehouse_id__in=list(warehouse_ids),
            status__in=[PickListStatus.RELEASED, PickListStatus.IN_PROGRESS],
        )
        return [_item(p) for p in rows]

    def reassign(self, pk: int, to_user: User | None, by: User) -> None:
        PickList.objects.filter(
            pk=pk, status__in=[PickListStatus.RELEASED, PickListStatus.IN_PROGRESS]
        ).update(assigned_to=to_user)

    def set_priority(self, pk: int, priority: int, by: User) -> None:
        PickList.objects.filter(pk=pk).update(priority=max(1, min(priority, 9)))
