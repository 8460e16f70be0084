"""Unpacking an opened carton at the pack station, the pack's exact reverse: every unit packed
into it moves back through the ledger to where its pack move took it from (the tote, wherever
the tote is now, or the staging place), its carton lines go (so the order's lines count them as
not packed again) and the carton becomes discarded. An empty carton is simply discarded.

Same lock order as packing: the order row, the carton row, then (through the ledger) the
balances. Only an open carton of the user's warehouses is unpacked; anything else is refused
with PackRefused and nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from inventory import lifecycle
from inventory.models import Balance, Reason
from inventory.services import ledger
from picking.services.orders import lock_order
from shipping.exceptions import PackRefused
from shipping.models import CARTON_LIFECYCLE, Carton, CartonStatus
from shipping.selectors.packing import unpack_plan
from wms.idempotency.services import dataclass_codec, idempotent
from wms.permissions import in_scope

if TYPE_CHECKING:
    from wms.accounts.models import User

# The ledger reference of the moves that take a carton's units back out of it (reason move: the
# dashboard's "packed" counts pack moves, which these are not).
UNPACK_REF = "carton_unpack"


@dataclass(frozen=True)
class UnpackResult:
    carton_id: int
    number: int
    order_id: int
    units: int
    message: str


@idempotent("pack.unpack_carton", result=dataclass_codec(UnpackResult))
def unpack_carton(
    *, user: User, carton: Carton, idempotency_key: str | None = None
) -> UnpackResult:
    """Unpacks an open carton (or discards an empty one): its units back where they were packed
    from through the ledger, its lines removed, the carton discarded (`carton.discarded` names
    what went where). A closed or shipped carton, or one outside the user's warehouses, is
    refused and nothing is written; a repeat with the same idempotency key returns the first
    result."""
    with transaction.atomic():
        order = lock_order(carton.order_id)
        locked = (
            Carton.objects.select_for_update()
            .select_related("lpn", "pack_station", "warehouse")
            .get(pk=carton.pk)
        )
        if not in_scope(user, locked):
            raise PackRefused(
                f"Carton {locked.number} of order {order.reference} is in warehouse "
                f"{locked.warehouse.code}, not one of yours; unpack it there.",
                code="wrong_warehouse",
            )
        if locked.status != CartonStatus.OPEN:
            raise PackRefused(
                f"Carton {locked.number} of order {order.reference} is "
                f"{locked.get_status_display().lower()}; only an open carton is unpacked.",
                code="carton_closed",
            )
        lines = list(locked.lines.select_related("product", "lot").order_by("pk"))
        backs = unpack_plan(locked)
        packed = sum(line.quantity for line in lines)
        if sum(back.quantity for back in backs) != packed:
            raise PackRefused(
                f"Carton {locked.number} holds {packed} units by its lines but its pack moves "
                "say otherwise; ask a manager to check the ledger.",
                code="stock_missing",
            )
        for back in backs:
            ledger.move(
                user=user,
                product=back.product,
                quantity=back.quantity,
                from_location=locked.pack_station,
                to_location=back.to_location,
                lot=back.lot,
                from_lpn=locked.lpn,
                to_lpn=back.to_lpn,
                status=back.status,
                reason=Reason.MOVE,
                reference_type=UNPACK_REF,
                reference_id=str(locked.pk),
            )
        # Whatever else sat in the box (it never should) would be lost with it.
        if Balance.objects.filter(lpn_id=locked.lpn_id, on_hand__gt=0).exists():
            raise PackRefused(
                f"Carton {locked.number} holds stock that was not packed into it; move it out "
                "first.",
                code="stock_missing",
            )
        locked.lines.all().delete()
        lifecycle.transition(
            CARTON_LIFECYCLE,
            locked,
            CartonStatus.DISCARDED,
            user=user,
            payload={
                "order": order.reference,
                "number": locked.number,
                "sscc": locked.lpn.code,
                "units": packed,
                "lines": [
                    {
                        "sku": line.product.sku,
                        "lot": line.lot.number if line.lot else None,
                        "quantity": line.quantity,
                    }
                    for line in lines
                ],
                "returned": [
                    {
                        "sku": back.product.sku,
                        "lot": back.lot.number if back.lot else None,
                        "quantity": back.quantity,
                        "to": back.to_location.code,
                        "lpn": back.to_lpn.code if back.to_lpn else None,
                    }
                    for back in backs
                ],
                "pack_station": locked.pack_station.code,
            },
        )
        if packed:
            message = (
                f"Carton {locked.number} unpacked: {packed} "
                f"{'unit' if packed == 1 else 'units'} back where they were packed from; "
                "the carton is discarded."
            )
        else:
            message = f"Carton {locked.number} was empty and is discarded."
        return UnpackResult(
            carton_id=locked.pk,
            number=locked.number,
            order_id=order.pk,
            units=packed,
            message=message,
        )
