"""Picking's side of a hold (control.services.holds): the order lines whose reserved stock is
put on hold give their reservations back, then look for other stock, by the same rules as a
short pick. Orders not yet released are simply allocated again; a released order's open pick
lines on the held stock are cancelled and replaced by new lines on its list (what no other
stock covers is short)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import F

from inventory.models import Reservation
from inventory.services import ledger
from picking.models import Order, OrderLine, PickLine, PickLineStatus, PickList
from picking.services.allocation import allocate_orders, reserve_for_lines
from picking.services.picks import _advance_order, _append_lines, _finish_if_done

if TYPE_CHECKING:
    from wms.accounts.models import User


@dataclass
class Withdrawn:
    order_ids: set[int] = field(default_factory=set)
    pick_line_ids: list[int] = field(default_factory=list)


class OrderLineReservations:
    """The owner of reservations made for order lines (reference type order_line)."""

    def withdraw(self, reservations: Sequence[Reservation], user: User | None) -> Withdrawn:
        """Releases the reservations and takes their units off the order lines' allocated
        counters; cancels the open pick lines that were to take them."""
        state = Withdrawn()
        ids = [r.pk for r in reservations]
        open_picks = list(
            PickLine.objects.select_for_update()
            .filter(reservation_id__in=ids, status=PickLineStatus.OPEN)
            .order_by("pk")
        )
        ledger.release_many(reservation_ids=ids, user=user)
        for reservation in reservations:
            OrderLine.objects.filter(pk=int(reservation.reference_id)).update(
                allocated_qty=F("allocated_qty") - reservation.quantity
            )
        picked_orders = set()
        for line in open_picks:
            PickLine.objects.filter(pk=line.pk).update(status=PickLineStatus.CANCELLED)
            state.pick_line_ids.append(line.pk)
            picked_orders.add(line.order_id)
        lines = OrderLine.objects.filter(pk__in=[int(r.reference_id) for r in reservations])
        state.order_ids = set(lines.values_list("order_id", flat=True)) - picked_orders
        return state

    def reallocate(self, withdrawn: Withdrawn, user: User | None) -> None:
        """Allocates the unreleased orders again; gives each cancelled pick line's units new
        lines on its list from other stock, short where there is none."""
        if withdrawn.order_ids:
            allocate_orders(order_ids=withdrawn.order_ids, user=user)
        for line in PickLine.objects.filter(pk__in=withdrawn.pick_line_ids).order_by("pk"):
            pick_list = PickList.objects.select_for_update().get(pk=line.pick_list_id)
            order = Order.objects.select_for_update().get(pk=line.order_id)
            order_line = OrderLine.objects.select_for_update().get(pk=line.order_line_id)
            missing = line.quantity - line.picked_qty - line.short_qty
            reservations = reserve_for_lines(
                pick_list.warehouse_id, [order_line], {order.pk: order}
            )
            _append_lines(pick_list, line, reservations)
            short = missing - sum(r.quantity for r in reservations)
            if short > 0:
                OrderLine.objects.filter(pk=order_line.pk).update(short_qty=F("short_qty") + short)
            if user is not None:
                _advance_order(user, order)
                _finish_if_done(user, pick_list)
