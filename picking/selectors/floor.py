"""Reads for the handheld picking pages: the operator's own pick lists, their lines in walking
order and the zones to ask for work in. An operator sees only lists assigned to them in their
warehouses; anyone else's list does not exist for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from inventory import selectors as inventory_selectors
from inventory.models import Lpn, LpnKind, Warehouse, Zone
from picking.models import PickLine, PickLineStatus, PickList, PickListOrder, PickListStatus

if TYPE_CHECKING:
    from wms.accounts.models import User


def current_list_for(user: User) -> PickList | None:
    """The list the operator is working on (the one next_pick_list would resume)."""
    return (
        PickList.objects.filter(assigned_to=user, status=PickListStatus.IN_PROGRESS)
        .select_related("warehouse")
        .order_by("started_at")
        .first()
    )


def own_pick_list(user: User, pk: int) -> PickList | None:
    """One of the user's own lists in their warehouses, or None (another operator's list, a
    list nobody has taken, or one outside the user's warehouses)."""
    return (
        PickList.objects.filter(
            pk=pk,
            assigned_to=user,
            warehouse__in=inventory_selectors.warehouses_for_user(user),
        )
        .select_related("warehouse", "staging_location")
        .first()
    )


def lines_of(pick_list: PickList) -> list[PickLine]:
    """The list's lines in walking order; cancelled lines (a cancelled order) are not work."""
    return list(
        pick_list.lines.exclude(status=PickLineStatus.CANCELLED)
        .select_related("location", "product", "lot", "lpn", "order")
        .order_by("sequence", "pk")
    )


def slots_of(pick_list: PickList) -> dict[int, PickListOrder]:
    """The list's order slots (and bound totes) by order pk."""
    return {
        slot.order_id: slot
        for slot in PickListOrder.objects.filter(pick_list=pick_list).select_related("tote")
    }


def is_tote(warehouse_id: int, code: str) -> bool:
    """Whether `code` names a tote of the warehouse (case as scanned does not matter)."""
    return Lpn.objects.filter(
        warehouse_id=warehouse_id, kind=LpnKind.TOTE, code__iexact=code
    ).exists()


def pick_zones(warehouse: Warehouse) -> QuerySet[Zone]:
    """Zones of the warehouse that have pickable locations: what an operator may ask work in."""
    return Zone.objects.filter(
        warehouse=warehouse, locations__is_pickable=True, locations__is_blocked=False
    ).distinct()


def zone_ids_in(warehouse: Warehouse, zone_ids: list[int]) -> list[int]:
    """The given zone pks that lie in the warehouse (others are dropped)."""
    if not zone_ids:
        return []
    return list(
        Zone.objects.filter(warehouse=warehouse, pk__in=zone_ids).values_list("pk", flat=True)
    )
