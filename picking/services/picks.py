"""The floor's side of picking: hand out task lists, confirm picks with scans that prove them,
report shorts. Every confirmation consumes its reservation through the ledger (a move from the
bin to the tote or staging place) in the same transaction as the pick line, order line and
event, and carries an idempotency key: a repeated scan returns the first result."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from control.services import replenishment
from inventory import lifecycle, selectors
from inventory.events import emit
from inventory.gs1 import gtin_spellings
from inventory.gs1_scan import is_gs1, parse_gs1
from inventory.models import (
    InventoryStatus,
    Lpn,
    LpnKind,
    ProductBarcode,
)
from inventory.services import counts, ledger
from picking.exceptions import NotYourList, PickRefused
from picking.models import (
    PICK_LINE_REF,
    PICK_LIST_LIFECYCLE,
    Order,
    OrderLine,
    OrderStatus,
    PickLine,
    PickLineStatus,
    PickList,
    PickListOrder,
    PickListStatus,
    Wave,
    WaveStatus,
)
from picking.services.allocation import reserve_for_lines
from picking.services.orders import transition
from picking.services.waves import transition_wave
from wms.idempotency.services import dataclass_codec, idempotent
from wms.quantities import is_count

if TYPE_CHECKING:
    from wms.accounts.models import User


@transaction.atomic
def next_pick_list(
    user: User, warehouse_ids: Iterable[int], zone_ids: Iterable[int] = ()
) -> PickList | None:
    """The operator's current list, or the most urgent waiting one in their warehouses (and
    zones, if given), assigned to them. SKIP LOCKED: two operators asking at once never get the
    same list."""
    current = (
        PickList.objects.filter(assigned_to=user, status=PickListStatus.IN_PROGRESS)
        .order_by("started_at")
        .first()
    )
    if current is not None:
        return current
    waiting = PickList.objects.filter(
        status=PickListStatus.RELEASED,
        assigned_to__isnull=True,
        warehouse_id__in=list(warehouse_ids),
    )
    zones = list(zone_ids)
    if zones:
        waiting = waiting.filter(Q(zone_id__in=zones) | Q(zone__isnull=True))
    pick_list = (
        waiting.select_for_update(skip_locked=True).order_by("priority", "created_at", "pk").first()
    )
    if pick_list is None:
        return None
    lifecycle.transition(
        PICK_LIST_LIFECYCLE,
        pick_list,
        PickListStatus.IN_PROGRESS,
        user=user,
        changes={"assigned_to": user},
        payload={"user_id": user.pk},
    )
    # The status is read again under the wave's row lock: two operators taking the wave's first
    # two lists at once both saw it released, and the second failed the transition.
    if pick_list.wave.status == WaveStatus.RELEASED:
        wave = Wave.objects.select_for_update().get(pk=pick_list.wave_id)
        if wave.status == WaveStatus.RELEASED:
            transition_wave(wave, WaveStatus.IN_PROGRESS, user)
    return pick_list


@dataclass(frozen=True)
class PickResult:
    pick_line_id: int
    picked: int
    remaining: int
    short: int = 0
    reallocated: int = 0
    tote: str = ""
    list_done: bool = False
    message: str = ""


# A pick's result is kept with its idempotency key and returned as it was for a repeat.
PICK_RESULT = dataclass_codec(PickResult)


def _locked_line(user: User, pick_line_id: int) -> tuple[PickList, PickLine]:
    """Locks the pick list, then the line's order, then the line: the order before anything
    the ledger locks, as cancel_order does, so a pick racing a cancel queues instead of
    deadlocking, and a pick for an order cancelled meanwhile is refused."""
    ids = PickLine.objects.filter(pk=pick_line_id).values_list("pick_list_id", "order_id").first()
    if ids is None:
        raise PickRefused(f"No pick line {pick_line_id}.", code="not_found")
    pick_list_id, order_id = ids
    # of=("self",): a plain FOR UPDATE with select_related also locked the staging location's
    # row, one row every pick of the warehouse shares, so all pickers queued on it until
    # commit. Locations are locked by the ledger (inventory.locks) when capacity needs it.
    pick_list = (
        PickList.objects.select_for_update(of=("self",))
        .select_related("staging_location")
        .get(pk=pick_list_id)
    )
    if pick_list.assigned_to_id != user.pk:
        who = "nobody yet" if pick_list.assigned_to_id is None else "another operator"
        raise NotYourList(
            f"Pick list {pick_list.number} is assigned to {who}; ask for your own work."
        )
    if pick_list.status != PickListStatus.IN_PROGRESS:
        raise PickRefused(
            f"Pick list {pick_list.number} is {pick_list.get_status_display().lower()}."
        )
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status == OrderStatus.CANCELLED:
        raise PickRefused(
            f"Order {order.reference} was cancelled; leave the goods where they are.",
            code="order_cancelled",
        )
    locked = (
        PickLine.objects.select_for_update(of=("self",))
        .select_related("location", "product", "lot", "lpn")
        .get(pk=pick_line_id)
    )
    locked.order = order
    if locked.status != PickLineStatus.OPEN:
        raise PickRefused(f"This pick is already {locked.status}.")
    return pick_list, locked


def _check_bin(line: PickLine, location_code: str) -> None:
    code = (location_code or "").strip()
    if code.lower() not in {line.location.barcode.lower(), line.location.code.lower()}:
        raise PickRefused(
            f"Wrong bin: expected {line.location.code}, scanned {code or 'nothing'}.",
            code="wrong_location",
            field_errors={"location": [f"Go to {line.location.code}."]},
        )


def _check_item(line: PickLine, item_code: str) -> None:
    """The scan must name the line's product (a barcode of it or its SKU), or its LPN."""
    code = (item_code or "").strip()
    if line.lpn is not None and code.lower() == line.lpn.code.lower():
        return
    if code.lower() == line.product.sku.lower():
        return
    if ProductBarcode.objects.filter(product=line.product, barcode=code).exists():
        return
    lpn = Lpn.objects.filter(code__iexact=code, warehouse_id=line.location.warehouse_id).first()
    if lpn is not None:
        reserved = selectors.lpn_holds_stock(lpn, allocated=True)
        why = "holds stock reserved for another order" if reserved else "is not the one to pick"
        raise PickRefused(
            f"LPN {lpn.code} {why}; expected {line.lpn.code if line.lpn else line.product.sku}.",
            code="wrong_item",
        )
    other = (
        ProductBarcode.objects.filter(barcode=code, client_id=line.product.client_id)
        .select_related("product")
        .first()
    )
    scanned = f"{other.product.sku}" if other else (code or "nothing")
    raise PickRefused(
        f"Wrong item: expected {line.product.sku} ({line.product.name}), scanned {scanned}.",
        code="wrong_item",
        field_errors={"item": [f"Scan {line.product.sku}."]},
    )


def _check_lot(line: PickLine, lot_number: str) -> None:
    if line.lot is None:
        return
    lot = (lot_number or "").strip()
    if lot != line.lot.number:
        raise PickRefused(
            f"Wrong lot: expected {line.lot.number}, scanned {lot or 'no lot'}.",
            code="wrong_lot",
            field_errors={"lot": [f"Take lot {line.lot.number}."]},
        )


SCAN_CHECKS = {"bin": _check_bin, "item": _check_item, "lot": _check_lot}


@dataclass(frozen=True)
class ItemScan:
    """What an item scan proved: the code confirm_pick checks again (a barcode, SKU or LPN) and
    the lot it carried, if any."""

    item: str
    lot: str = ""


def read_item_scan(line: PickLine, code: str) -> ItemScan:
    """An item scan for the line: a plain barcode, SKU or LPN as it is, or a GS1-128 scan by its
    GTIN (AI 01, matched to the product's barcodes in any spelling) and its lot (AI 10), so a
    lot-tracked pick needs no second scan. Reads only; PickRefused (or GS1Error) otherwise."""
    if not is_gs1(code):
        _check_item(line, code)
        return ItemScan(item=code)
    data = parse_gs1(code)  # GS1Error (a DomainError) names the bad element
    if data.gtin is None:
        raise PickRefused(
            f"Expected {line.product.sku}; that GS1 label carries no GTIN (01).", code="wrong_item"
        )
    barcode = (
        ProductBarcode.objects.filter(product=line.product, barcode__in=gtin_spellings(data.gtin))
        .values_list("barcode", flat=True)
        .first()
    )
    _check_item(line, barcode or data.gtin)
    lot = ""
    if line.lot is not None and data.lot:
        _check_lot(line, data.lot)
        lot = data.lot
    return ItemScan(item=barcode or data.gtin, lot=lot)


def read_lot_scan(line: PickLine, code: str) -> str:
    """The lot a lot scan names: the lot's own barcode (its number) or a GS1-128 scan's AI 10
    (whose GTIN, if it has one, must be the line's product). PickRefused for another lot."""
    lot = code
    if is_gs1(code):
        data = parse_gs1(code)
        if data.gtin is not None:
            read_item_scan(line, code)
        if not data.lot:
            raise PickRefused(
                f"Expected lot {line.lot.number if line.lot else ''}; that GS1 label carries "
                "no lot (10).",
                code="wrong_lot",
            )
        lot = data.lot
    _check_lot(line, lot)
    return lot


def check_scan(line: PickLine, step: str, code: str) -> None:
    """Checks one scan of a pick ("bin", "item" or "lot") before the pick is confirmed, for a
    handheld that asks step by step. Reads only; raises PickRefused with what was expected.
    confirm_pick and short_pick check every scan again under their locks."""
    SCAN_CHECKS[step](line, code)


def _tote_for(pick_list: PickList, line: PickLine, tote_code: str) -> Lpn | None:
    """Cluster carts: the order's tote (bound at its first pick to an empty tote)."""
    if not pick_list.uses_totes:
        return None
    slot = (
        PickListOrder.objects.select_for_update(of=("self",))
        .select_related("tote")
        .get(pick_list=pick_list, order_id=line.order_id)
    )
    code = (tote_code or "").strip()
    if slot.tote is not None:
        if code.lower() != slot.tote.code.lower():
            raise PickRefused(
                f"Wrong tote: order {line.order.reference} goes in tote {slot.tote.code} "
                f"(slot {slot.slot_letter}); scanned {code or 'nothing'}.",
                code="wrong_tote",
            )
        return slot.tote
    if not code:
        raise PickRefused(
            f"Scan an empty tote for order {line.order.reference} (slot {slot.slot_letter}).",
            code="wrong_tote",
        )
    tote = Lpn.objects.filter(code__iexact=code, warehouse_id=pick_list.warehouse_id).first()
    if tote is None or tote.kind != LpnKind.TOTE:
        raise PickRefused(f"{code} is not a tote of this warehouse.", code="wrong_tote")
    taken = (
        PickListOrder.objects.filter(tote=tote)
        .exclude(pick_list__status__in=[PickListStatus.DONE, PickListStatus.CANCELLED])
        .select_related("order")
        .first()
    )
    if taken is not None:
        raise PickRefused(
            f"Tote {tote.code} already holds order {taken.order.reference}; take an empty one.",
            code="wrong_tote",
        )
    if selectors.lpn_holds_stock(tote):
        raise PickRefused(f"Tote {tote.code} is not empty; take an empty one.", code="wrong_tote")
    slot.tote = tote
    slot.save(update_fields=["tote"])
    return tote


@idempotent("pick.confirm", result=PICK_RESULT)
def confirm_pick(
    *,
    user: User,
    pick_line_id: int,
    location_code: str,
    item_code: str,
    quantity: int | None = None,
    lot_number: str = "",
    tote_code: str = "",
    idempotency_key: str | None = None,
) -> PickResult:
    """Confirms a pick proven by scans of the bin, the item (or LPN), the lot and, on a cluster
    cart, the order's tote. Refused with what was expected when any scan is wrong or the
    quantity is more than is left; nothing is written then."""
    # Under a key, run_once's transaction holds this block and rolls back as a whole on any
    # error, so it needs no savepoint; without one, it is the outermost block (or the savepoint
    # that keeps a caller's transaction usable after a refusal).
    with transaction.atomic(savepoint=not idempotency_key):
        pick_list, line = _locked_line(user, pick_line_id)
        _check_bin(line, location_code)
        _check_item(line, item_code)
        _check_lot(line, lot_number)
        qty = line.remaining if quantity is None else quantity
        if not is_count(qty):
            raise PickRefused(
                f"Pick a whole number above zero; got {qty!r}.", code="invalid_quantity"
            )
        if qty > line.remaining:
            raise PickRefused(
                f"Too many: {line.remaining} left to pick here; you entered {qty}.",
                code="too_many",
                field_errors={"quantity": [f"At most {line.remaining}."]},
            )
        tote = _tote_for(pick_list, line, tote_code)
        _take(user, pick_list, line, qty, tote)
        done = _finish_if_done(user, pick_list)
        return PickResult(
            pick_line_id=line.pk,
            picked=qty,
            remaining=line.remaining,
            tote=tote.code if tote else "",
            list_done=done,
            message=f"Picked {qty} x {line.product.sku}" + (f" into {tote.code}" if tote else ""),
        )


def _take(user: User, pick_list: PickList, line: PickLine, qty: int, tote: Lpn | None) -> None:
    """Consumes `qty` of the line's reservation into the tote or staging place and moves the
    counters of the pick line, order line and order. The order line's counters move in one
    UPDATE, which locks it before the ledger's rows (pick line, order line, then ledger); its
    CHECK constraints refuse a counter going negative or past the quantity."""
    OrderLine.objects.filter(pk=line.order_line_id).update(
        allocated_qty=F("allocated_qty") - qty, picked_qty=F("picked_qty") + qty
    )
    ledger.consume_in_transaction(
        user=user,
        reservation_id=line.reservation_id,
        quantity=qty,
        to_location=pick_list.staging_location,
        to_lpn=tote,
        reference_type=PICK_LINE_REF,
        reference_id=str(line.pk),
    )
    replenishment.after_pick(location_id=line.location_id, product_id=line.product_id, user=user)
    line.picked_qty += qty
    line.picked_by = user
    line.picked_at = timezone.now()
    if line.remaining == 0:
        line.status = PickLineStatus.PICKED
    line.save(update_fields=["picked_qty", "picked_by", "picked_at", "status"])
    emit(
        "pick.confirmed",
        client_id=line.order.client_id,
        warehouse_id=pick_list.warehouse_id,
        payload={
            "pick_line_id": line.pk,
            "pick_list": pick_list.number,
            "order_id": line.order_id,
            "order": line.order.reference,
            "sku": line.product.sku,
            "lot": line.lot.number if line.lot else None,
            "from": line.location.code,
            "to": pick_list.staging_location.code,
            "tote": tote.code if tote else None,
            "quantity": qty,
        },
        user=user,
    )
    _advance_order(user, line.order)


def _advance_order(user: User, order: Order) -> None:
    """released → picking at the first pick; → picked when no line waits for stock or a pick.
    `order` is the order _locked_line locked (and read) in this transaction."""
    if order.status not in (OrderStatus.RELEASED, OrderStatus.PICKING):
        return
    totals = OrderLine.objects.filter(order_id=order.pk).aggregate(
        # allocated + open_qty = quantity - picked - short
        waiting=Sum(F("quantity") - F("picked_qty") - F("short_qty"), default=0),
        picked=Sum("picked_qty", default=0),
        short=Sum("short_qty", default=0),
        picked_lines=Count("pk", filter=Q(picked_qty__gt=0)),
    )
    if totals["waiting"] == 0:
        transition(
            order,
            OrderStatus.PICKED,
            user,
            payload={
                "picked_units": totals["picked"],
                "short_units": totals["short"],
                "picked_lines": totals["picked_lines"],
            },
        )
    elif order.status == OrderStatus.RELEASED and totals["picked"] > 0:
        transition(order, OrderStatus.PICKING, user)


def _finish_if_done(user: User, pick_list: PickList) -> bool:
    if pick_list.lines.filter(status=PickLineStatus.OPEN).exists():
        return False
    lifecycle.transition(PICK_LIST_LIFECYCLE, pick_list, PickListStatus.DONE, user=user)
    # By id: pick_list.wave would read the (unlocked) wave once more just to name its class.
    wave = Wave.objects.select_for_update().get(pk=pick_list.wave_id)
    unfinished = wave.pick_lists.exclude(status__in=[PickListStatus.DONE, PickListStatus.CANCELLED])
    if wave.status in (WaveStatus.RELEASED, WaveStatus.IN_PROGRESS) and not unfinished.exists():
        transition_wave(wave, WaveStatus.DONE, user)
    return True


@idempotent("pick.short", result=PICK_RESULT)
def short_pick(
    *,
    user: User,
    pick_line_id: int,
    location_code: str,
    found_quantity: int,
    item_code: str = "",
    lot_number: str = "",
    tote_code: str = "",
    idempotency_key: str | None = None,
) -> PickResult:
    """The bin holds less than the pick needs. Picks what is there (`found_quantity`, scans as
    for a confirm), puts the missing units on hold and asks for a count of the bin, then
    reallocates the rest of the order line from other bins: new pick lines join this list. What
    cannot be found anywhere is marked short."""
    # Under a key, run_once's transaction holds this block and rolls back as a whole on any
    # error, so it needs no savepoint; without one, it is the outermost block (or the savepoint
    # that keeps a caller's transaction usable after a refusal).
    with transaction.atomic(savepoint=not idempotency_key):
        pick_list, line = _locked_line(user, pick_line_id)
        _check_bin(line, location_code)
        found = found_quantity
        if not isinstance(found, int) or isinstance(found, bool) or found < 0:
            raise PickRefused(
                f"Enter how many are there (0 or more); got {found!r}.", code="invalid_quantity"
            )
        if found >= line.remaining:
            raise PickRefused(
                f"{found} is not short: {line.remaining} are to be picked here; "
                "confirm the pick instead.",
                code="not_short",
            )
        tote = None
        if found:
            _check_item(line, item_code)
            _check_lot(line, lot_number)
            tote = _tote_for(pick_list, line, tote_code)
            _take(user, pick_list, line, found, tote)
        missing = line.remaining
        ledger.release(reservation_id=line.reservation_id, quantity=missing, user=user)
        _hold_missing(user, line)
        counts.request_count(
            location=line.location,
            product=line.product,
            reason=f"Short pick: {missing} of {line.product.sku} not found by {user}",
            reference_type=PICK_LINE_REF,
            reference_id=str(line.pk),
            user=user,
        )
        order_line = OrderLine.objects.select_for_update().get(pk=line.order_line_id)
        order_line.allocated_qty -= missing
        order_line.save(update_fields=["allocated_qty"])
        order = line.order  # locked and read by _locked_line, kept current by transition
        reservations = reserve_for_lines(
            pick_list.warehouse_id,
            [order_line],
            {order.pk: order},
            exclude_location_ids=[line.location_id],
        )
        reallocated = sum(r.quantity for r in reservations)
        _append_lines(pick_list, line, reservations)
        short = missing - reallocated
        if short:
            OrderLine.objects.filter(pk=order_line.pk).update(
                short_qty=order_line.short_qty + short
            )
        line.short_qty = missing
        line.status = PickLineStatus.SHORT
        line.save(update_fields=["short_qty", "status"])
        emit(
            "pick.short",
            client_id=order.client_id,
            warehouse_id=pick_list.warehouse_id,
            payload={
                "pick_line_id": line.pk,
                "order": order.reference,
                "sku": line.product.sku,
                "location": line.location.code,
                "found": found,
                "missing": missing,
                "reallocated": reallocated,
                "short": short,
            },
            user=user,
        )
        _advance_order(user, line.order)
        done = _finish_if_done(user, pick_list)
        if reallocated:
            message = (
                f"Short {missing} at {line.location.code}; {reallocated} found elsewhere "
                "and added to your list."
            )
        else:
            message = f"Short {missing} at {line.location.code}; none elsewhere, the line is short."
        return PickResult(
            pick_line_id=line.pk,
            picked=found,
            remaining=0,
            short=short,
            reallocated=reallocated,
            tote=tote.code if tote else "",
            list_done=done,
            message=message,
        )


def _hold_missing(user: User, line: PickLine) -> None:
    """The operator found the bin short and took what was there, so the free units the ledger
    still shows for this balance are not there: they go on hold until the bin is counted, and
    no other order is promised them. Units reserved for other orders stay; their own picks will
    find them short."""
    balance = selectors.balance_at(
        location=line.location,
        product=line.product,
        lot=line.lot,
        lpn=line.lpn,
        status=InventoryStatus.AVAILABLE,
    )
    hold = balance.available if balance else 0
    if hold > 0:
        ledger.change_status(
            user=user,
            product=line.product,
            location=line.location,
            quantity=hold,
            from_status=InventoryStatus.AVAILABLE,
            to_status=InventoryStatus.HOLD,
            lot=line.lot,
            lpn=line.lpn,
            reason_code="short_pick",
        )


def _append_lines(pick_list: PickList, after: PickLine, reservations: list[Any]) -> None:
    """The reallocated picks join the walk where their bins come in the pick sequence: each goes
    before the first line still to pick whose bin lies further along (or next, when its bin is
    behind the picker), not at the end of the list. Picked lines keep their places."""
    if not reservations:
        return
    balances = selectors.balances_by_pk(r.balance_id for r in reservations)

    def walk(location: Any) -> tuple[int, str]:
        return (location.pick_sequence, location.code)

    added = sorted(
        (
            PickLine(
                pick_list=pick_list,
                order_line_id=after.order_line_id,
                order_id=after.order_id,
                reservation_id=r.pk,
                location=balances[r.balance_id].location,
                product_id=balances[r.balance_id].product_id,
                lot_id=balances[r.balance_id].lot_id,
                lpn_id=balances[r.balance_id].lpn_id,
                sequence=0,
                quantity=r.quantity,
            )
            for r in reservations
        ),
        key=lambda line: (walk(line.location), line.reservation_id),
    )
    walked: list[PickLine] = []
    for line in pick_list.lines.select_related("location").order_by("sequence", "pk"):
        if line.status == PickLineStatus.OPEN and line.pk != after.pk:
            while added and walk(added[0].location) < walk(line.location):
                walked.append(added.pop(0))
        walked.append(line)
    walked += added
    moved = []
    for sequence, line in enumerate(walked, start=1):
        if line.sequence != sequence:
            line.sequence = sequence
            if line.pk is not None:
                moved.append(line)
    PickLine.objects.bulk_update(moved, ["sequence"])
    PickLine.objects.bulk_create([line for line in walked if line.pk is None])
