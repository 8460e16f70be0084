"""Transfers between warehouses: a draft names what leaves which bins; shipping moves it to the
sender's in-transit location through the ledger (all or nothing: more than is free refuses the
whole shipment); receiving moves it into bins of the receiving warehouse, scanned quantities or
blind (everything shipped). What was shipped and not yet received stays visible in transit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from control.exceptions import TransferRefused
from control.models import TRANSFER_LIFECYCLE, Transfer, TransferLine, TransferStatus
from inventory.lifecycle import transition
from inventory.models import Balance, InventoryStatus, Location, Lot, Product, Warehouse
from inventory.services import ledger
from inventory.services.ledger import TransferLeg
from wms.idempotency.services import idempotent, model_codec

if TYPE_CHECKING:
    from wms.accounts.models import User


@dataclass(frozen=True)
class TransferLineSpec:
    product: Product
    quantity: int
    from_location: Location
    lot: Lot | None = None


def _free(spec: TransferLineSpec) -> int:
    return int(
        Balance.objects.filter(
            location=spec.from_location,
            product=spec.product,
            lot=spec.lot,
            status=InventoryStatus.AVAILABLE,
        ).aggregate(free=Sum(F("on_hand") - F("allocated"), default=0))["free"]
    )


@transaction.atomic
@idempotent("transfer.create", result=model_codec(Transfer))
def create_transfer(
    *,
    user: User,
    from_warehouse: Warehouse,
    to_warehouse: Warehouse,
    lines: Sequence[TransferLineSpec],
    note: str = "",
    idempotency_key: str | None = None,
) -> Transfer:
    """A draft transfer. Refused, writing nothing, for the same warehouse at both ends, a bin of
    another warehouse, or more than is free in a bin now."""
    if from_warehouse.pk == to_warehouse.pk:
        raise TransferRefused("A transfer goes to another warehouse.")
    if not lines:
        raise TransferRefused("A transfer needs at least one line.")
    for number, spec in enumerate(lines):
        if spec.quantity <= 0:
            raise TransferRefused(f"Line {number + 1}: transfer one unit or more.")
        if spec.from_location.warehouse_id != from_warehouse.pk or spec.from_location.is_virtual:
            raise TransferRefused(
                f"Line {number + 1}: {spec.from_location.code} is not a bin of "
                f"{from_warehouse.code}."
            )
        free = _free(spec)
        if spec.quantity > free:
            raise TransferRefused(
                f"Line {number + 1}: {free} {spec.product.sku} free at "
                f"{spec.from_location.code}; {spec.quantity} asked.",
                code="insufficient_stock",
            )
    count = Transfer.objects.count() + 1
    transfer = Transfer.objects.create(
        number=f"TR-{timezone.now():%Y%m%d}-{count:05d}",
        from_warehouse=from_warehouse,
        to_warehouse=to_warehouse,
        note=note[:200],
        created_by=user,
    )
    TransferLine.objects.bulk_create(
        [
            TransferLine(
                transfer=transfer,
                product=spec.product,
                lot=spec.lot,
                from_location=spec.from_location,
                quantity=spec.quantity,
            )
            for spec in lines
        ]
    )
    return transfer


def _locked(transfer: Transfer) -> Transfer:
    return Transfer.objects.select_for_update().get(pk=transfer.pk)


@transaction.atomic
@idempotent("transfer.ship", result=model_codec(Transfer))
def ship_transfer(
    *, transfer: Transfer, user: User, idempotency_key: str | None = None
) -> Transfer:
    """Moves every line to the sender's in-transit location; the transfer is shipped."""
    transfer = _locked(transfer)
    TRANSFER_LIFECYCLE.check(transfer, TransferStatus.SHIPPED)
    lines = list(transfer.lines.select_related("product", "lot", "from_location"))
    ledger.transfer_out(
        user=user,
        legs=[
            TransferLeg(
                product=line.product,
                lot=line.lot,
                quantity=line.quantity,
                location=line.from_location,
            )
            for line in lines
        ],
        reference_id=transfer.number,
    )
    return transition(
        TRANSFER_LIFECYCLE,
        transfer,
        TransferStatus.SHIPPED,
        user=user,
        payload={"units": sum(line.quantity for line in lines)},
    )


@transaction.atomic
@idempotent("transfer.receive", result=model_codec(Transfer))
def receive_transfer(
    *,
    transfer: Transfer,
    user: User,
    to_location: Location,
    quantities: dict[int, int] | None = None,
    idempotency_key: str | None = None,
) -> Transfer:
    """Receives a shipped transfer into a bin of the receiving warehouse: the scanned quantity
    per line (`quantities`, line id to units) or, blind, everything shipped. Units not received
    stay in transit, visible on the transfer."""
    transfer = _locked(transfer)
    TRANSFER_LIFECYCLE.check(transfer, TransferStatus.RECEIVED)
    if to_location.warehouse_id != transfer.to_warehouse_id:
        raise TransferRefused(
            f"{to_location.code} is not in {transfer.to_warehouse.code}, where the transfer goes."
        )
    lines = list(transfer.lines.select_related("product", "lot"))
    received = {line.pk: line.quantity for line in lines} if quantities is None else quantities
    legs = []
    for line in lines:
        units = received.get(line.pk, 0)
        if units < 0 or units > line.quantity:
            raise TransferRefused(
                f"{line.product.sku}: receive 0 to {line.quantity}; got {units}.",
                code="invalid_quantity",
            )
        if units:
            legs.append(
                TransferLeg(
                    product=line.product, lot=line.lot, quantity=units, location=to_location
                )
            )
            TransferLine.objects.filter(pk=line.pk).update(received_qty=units)
    ledger.transfer_in(
        user=user,
        from_warehouse_id=transfer.from_warehouse_id,
        legs=legs,
        reference_id=transfer.number,
    )
    return transition(
        TRANSFER_LIFECYCLE,
        transfer,
        TransferStatus.RECEIVED,
        user=user,
        payload={"units": sum(leg.quantity for leg in legs)},
    )
