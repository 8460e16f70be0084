"""Holds: a lot, a product, a location or an LPN taken out of available stock for a reason.
Placing one releases the open reservations on the stock (their owners, e.g. picking's order
lines, withdraw them first and find other stock afterwards), then moves the stock to status
hold through the ledger, all in one transaction. Releasing it (audited: who, when, why) moves
back what it held and is still there."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from control.exceptions import HoldRefused
from control.hooks import owner_of
from control.models import HOLD_LIFECYCLE, Hold, HoldKind, HoldLine, HoldReason, HoldStatus
from inventory.events import emit
from inventory.lifecycle import transition
from inventory.models import (
    Balance,
    InventoryStatus,
    Location,
    Lot,
    Lpn,
    Product,
    Reservation,
    ReservationStatus,
)
from inventory.services import ledger
from wms.idempotency.services import idempotent, model_codec

if TYPE_CHECKING:
    from wms.accounts.models import User


def _targets(hold: Hold, status: str) -> QuerySet[Balance]:
    field = {
        HoldKind.LOT: "lot",
        HoldKind.PRODUCT: "product",
        HoldKind.LOCATION: "location",
        HoldKind.LPN: "lpn",
    }[HoldKind(hold.kind)]
    return Balance.objects.filter(
        status=status, on_hand__gt=0, **{f"{field}_id": getattr(hold, f"{field}_id")}
    )


def _check(
    kind: str,
    reason: str,
    product: Product | None,
    lot: Lot | None,
    location: Location | None,
    lpn: Lpn | None,
) -> None:
    if reason not in HoldReason.values:
        raise HoldRefused(
            f"Unknown hold reason “{reason}”: use one of {', '.join(HoldReason.values)}.",
            field_errors={"reason": ["Unknown reason."]},
        )
    target = {
        HoldKind.LOT: lot,
        HoldKind.PRODUCT: product,
        HoldKind.LOCATION: location,
        HoldKind.LPN: lpn,
    }
    if kind not in target:
        raise HoldRefused(f"Unknown hold kind “{kind}”: use lot, product, location or LPN.")
    if target[HoldKind(kind)] is None:
        raise HoldRefused(
            f"A {kind} hold needs the {kind} it holds.", field_errors={kind: ["Needed."]}
        )
    if location is not None and location.is_virtual:
        raise HoldRefused(f"{location.code} is virtual: hold a physical location.")


@transaction.atomic
@idempotent("hold.place", result=model_codec(Hold))
def place_hold(
    *,
    user: User,
    kind: str,
    reason: str,
    product: Product | None = None,
    lot: Lot | None = None,
    location: Location | None = None,
    lpn: Lpn | None = None,
    note: str = "",
    idempotency_key: str | None = None,
) -> Hold:
    """Holds the available stock of the target at once: open reservations on it are released
    (their owners re-allocate them from other stock) and every unit moves to status hold
    through the ledger. Emits `stock.held`."""
    _check(kind, reason, product, lot, location, lpn)
    if lot is not None:
        product = lot.product
    hold = Hold.objects.create(
        kind=kind,
        reason=reason,
        note=note[:200],
        product=product if kind in (HoldKind.LOT, HoldKind.PRODUCT) else None,
        lot=lot if kind == HoldKind.LOT else None,
        location=location if kind == HoldKind.LOCATION else None,
        lpn=lpn if kind == HoldKind.LPN else None,
        warehouse_id=(
            location.warehouse_id
            if kind == HoldKind.LOCATION and location
            else lpn.warehouse_id
            if kind == HoldKind.LPN and lpn
            else None
        ),
        client_id=product.client_id if product and kind != HoldKind.LOCATION else None,
        created_by=user,
    )
    # Balances first, in primary-key order (the ledger's order), so no allocation can reserve
    # them between the release and the status change.
    balances = list(
        _targets(hold, InventoryStatus.AVAILABLE)
        .select_for_update(of=("self",))
        .order_by("pk")
        .select_related("product", "lot", "lpn", "location")
    )
    reservations = list(
        Reservation.objects.filter(
            balance_id__in=[b.pk for b in balances], status=ReservationStatus.ACTIVE
        ).order_by("pk")
    )
    by_type: dict[str, list[Reservation]] = defaultdict(list)
    for reservation in reservations:
        by_type[reservation.reference_type].append(reservation)
    withdrawn: list[tuple[Any, Any]] = []
    for reference_type, owned in by_type.items():
        owner = owner_of(reference_type)
        if owner is None:
            ledger.release_many(reservation_ids=[r.pk for r in owned], user=user)
        else:
            withdrawn.append((owner, owner.withdraw(owned, user)))
    lines = []
    for balance in balances:
        ledger.change_status(
            user=user,
            product=balance.product,
            location=balance.location,
            quantity=balance.on_hand,
            from_status=InventoryStatus.AVAILABLE,
            to_status=InventoryStatus.HOLD,
            lot=balance.lot,
            lpn=balance.lpn,
            reason_code=f"hold_{reason}"[:32],
        )
        lines.append(
            HoldLine(
                hold=hold,
                location=balance.location,
                product=balance.product,
                lot=balance.lot,
                lpn=balance.lpn,
                quantity=balance.on_hand,
            )
        )
    HoldLine.objects.bulk_create(lines)
    for owner, state in withdrawn:
        owner.reallocate(state, user)
    hold.held_units = sum(line.quantity for line in lines)
    Hold.objects.filter(pk=hold.pk).update(held_units=hold.held_units)
    emit(
        "stock.held",
        client_id=hold.client_id,
        warehouse_id=hold.warehouse_id,
        payload={
            "hold_id": hold.pk,
            "kind": kind,
            "reason": reason,
            "units": hold.held_units,
            "reservations_released": len(reservations),
            "sku": product.sku if product else None,
            "lot": lot.number if lot else None,
            "location": location.code if location else None,
            "lpn": lpn.code if lpn else None,
        },
        user=user,
    )
    return hold


@transaction.atomic
@idempotent("hold.release", result=model_codec(Hold))
def release_hold(
    *, hold: Hold, user: User, note: str = "", idempotency_key: str | None = None
) -> Hold:
    """Releases a hold (who, when and why are kept): what it put on hold and is still held in
    the same place goes back to available through the ledger."""
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    HOLD_LIFECYCLE.check(hold, HoldStatus.RELEASED)
    released = 0
    for line in HoldLine.objects.filter(hold=hold).select_related(
        "product", "lot", "lpn", "location"
    ):
        still = (
            Balance.objects.filter(
                location=line.location,
                product=line.product,
                lot=line.lot,
                lpn=line.lpn,
                status=InventoryStatus.HOLD,
            )
            .values_list("on_hand", "allocated")
            .first()
        )
        quantity = min(line.quantity, still[0] - still[1]) if still else 0
        if quantity <= 0:
            continue
        ledger.change_status(
            user=user,
            product=line.product,
            location=line.location,
            quantity=quantity,
            from_status=InventoryStatus.HOLD,
            to_status=InventoryStatus.AVAILABLE,
            lot=line.lot,
            lpn=line.lpn,
            reason_code="hold_released",
        )
        released += quantity
    return transition(
        HOLD_LIFECYCLE,
        hold,
        HoldStatus.RELEASED,
        user=user,
        changes={"released_by": user, "release_note": note[:200], "updated_at": timezone.now()},
        payload={"units": released, "note": note[:200]},
    )
