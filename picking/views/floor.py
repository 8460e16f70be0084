"""Picking on the handheld, mounted at /floor/pick/: ask for work, then one card per pick line in
walking order, driven by a single scan box: bin, item (or LPN), lot if the line has one and the
item's GS1-128 label did not carry it, the quantity only when more than one unit is left (typed,
or the item scanned once per unit), and the order's tote on a cluster cart, which confirms. A
single-unit pick is two scans. What has been scanned for the line travels in hidden fields; each
scan is checked on arrival, and only the last one of a pick calls the service, with an
idempotency key made when that step was rendered (a resent request counts once).

Scans always answer 200 with a result line (htmx does not swap 4xx); a refusal says what was
expected and what was scanned, and writes nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from inventory.selectors import active_warehouse
from picking import selectors
from picking.exceptions import PickRefused
from picking.models import PickLine, PickLineStatus, PickList, PickListStatus
from picking.services.picks import (
    check_scan,
    confirm_pick,
    next_pick_list,
    read_item_scan,
    read_lot_scan,
    short_pick,
)
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import page
from wms.validation import ScanRefused, clean_scan, id_from, quantity_from, shown_scan

# Longer "numbers" at the quantity step are barcodes scanned by mistake, not quantities.
MAX_QUANTITY_DIGITS = 5


@dataclass(frozen=True)
class Scanned:
    """What has been scanned for one pick line so far (the hidden fields of the step)."""

    line_id: int | None = None
    short: bool = False
    bin: str = ""
    item: str = ""
    lot: str = ""
    qty: str = ""
    counted: int = 0  # units proven by item scans (the first item scan counts one)

    @classmethod
    def from_post(cls, data: QueryDict) -> Scanned:
        """The hidden fields; ScanRefused when one holds what no scan could (they carry the
        earlier scans back, so a tampered or garbled one is refused like a bad scan)."""
        return cls(
            line_id=id_from(data.get("line", "")),
            short=data.get("short") == "1",
            bin=clean_scan(data.get("bin"), what="Bin"),
            item=clean_scan(data.get("item"), what="Item"),
            lot=clean_scan(data.get("lot"), what="Lot"),
            qty=clean_scan(data.get("qty"), what="Quantity"),
            counted=quantity_from(data.get("counted", ""), minimum=0) or 0,
        )

    def quantity(self) -> int:
        """The units this pick takes: the number entered, else those counted by item scans."""
        return int(self.qty) if self.qty else self.counted

    def step(self, line: PickLine, uses_totes: bool) -> str:
        """The step the next scan answers, or "" once the pick is complete. A short pick asks
        how many are there before the item: with none there, nothing more is scanned."""
        if not self.bin:
            return "bin"
        if self.short and not self.qty:
            return "qty"
        if self.short and self.qty == "0":
            return ""
        if not self.item:
            return "item"
        if line.lot_id is not None and not self.lot:
            return "lot"
        if not self.short and not self.qty and self.counted < line.remaining:
            return "qty"
        return "tote" if uses_totes else ""


def _own_list(request: AuthedRequest, pk: int) -> PickList:
    pick_list = selectors.own_pick_list(request.user, pk)
    if pick_list is None:
        raise Http404("No such pick list.")
    return pick_list


def _prompt(line: PickLine, slot: Any, scanned: Scanned, step: str) -> str:
    if step == "bin":
        return f"Go to {line.location.code} and scan the bin"
    if step == "item":
        return f"Scan {'LPN ' + line.lpn.code if line.lpn else line.product.sku}"
    if step == "lot":
        return f"Scan lot {line.lot.number if line.lot else ''}"
    if step == "qty" and scanned.short:
        return f"How many are there? (fewer than {line.remaining})"
    if step == "qty":
        counted = f"{scanned.counted} of {line.remaining}: scan {line.product.sku} again for each"
        # On a cart the tote scan confirms what was counted so far.
        return counted + (", or key how many, or scan the tote" if slot else ", or key how many")
    if step == "tote" and slot is not None and slot.tote is not None:
        return f"Put in tote {slot.tote.code} (slot {slot.slot_letter}) and scan it"
    if step == "tote" and slot is not None:
        return f"Scan an empty tote for slot {slot.slot_letter}"
    return ""


def _chips(line: PickLine, scanned: Scanned, step: str, uses_totes: bool) -> list[dict[str, Any]]:
    """The steps of this pick in the order they are asked, with what was scanned."""
    names = ["bin", "qty", "item", "lot"] if scanned.short else ["bin", "item", "lot", "qty"]
    if line.lot_id is None:
        names.remove("lot")
    if not scanned.short and line.remaining == 1:
        names.remove("qty")
    if uses_totes:
        names.append("tote")
    labels = {
        "bin": "Bin",
        "item": "Item",
        "lot": "Lot",
        "qty": "Found" if scanned.short else "Qty",
        "tote": "Tote",
    }
    qty = scanned.qty or (str(scanned.counted) if scanned.counted and step != "qty" else "")
    values = {"bin": scanned.bin, "item": scanned.item, "lot": scanned.lot, "qty": qty}
    return [
        {
            "name": name,
            "label": labels[name],
            "value": values.get(name, ""),
            "current": name == step,
        }
        for name in names
    ]


def _step_context(pick_list: PickList, scanned: Scanned | None) -> dict[str, Any]:
    """The card of the line being picked (the scanned one if still open, else the next open
    line in walking order), its prompt and a fresh idempotency key for the next scan."""
    lines = selectors.lines_of(pick_list)
    open_lines = [line for line in lines if line.status == PickLineStatus.OPEN]
    line = None
    if scanned is not None and scanned.line_id is not None:
        line = next((ln for ln in open_lines if ln.pk == scanned.line_id), None)
    if line is None:
        line = open_lines[0] if open_lines else None
        scanned = Scanned(line_id=line.pk if line else None)
    assert scanned is not None
    context: dict[str, Any] = {
        "pick_list": pick_list,
        "lines": lines,
        "line": line,
        "scanned": scanned,
        "picked_units": sum(ln.picked_qty for ln in lines),
        "short_lines": sum(ln.status == PickLineStatus.SHORT for ln in lines),
    }
    if line is None:
        return context
    slot = selectors.slots_of(pick_list).get(line.order_id) if pick_list.uses_totes else None
    step = scanned.step(line, pick_list.uses_totes)
    context.update(
        slot=slot,
        step=step,
        prompt=_prompt(line, slot, scanned, step),
        chips=_chips(line, scanned, step, pick_list.uses_totes),
        position=lines.index(line) + 1,
        total=len(lines),
        key=uuid.uuid4().hex,
    )
    return context


def _answer(
    request: AuthedRequest,
    pick_list: PickList,
    scanned: Scanned | None,
    *,
    ok: bool,
    code: str,
    message: str,
) -> HttpResponse:
    """The scan's result line plus the step card and actions, swapped out of band."""
    context = _step_context(pick_list, scanned)
    context.update(ok=ok, code=code, message=message, oob=True)
    return render(request, "picking/floor/pick.html#scan_result", context)


def _quantity(code: str) -> int:
    quantity = quantity_from(code, minimum=0) if len(code) <= MAX_QUANTITY_DIGITS else None
    if quantity is None:
        raise PickRefused(
            f"Expected a quantity (a number in digits 0-9); scanned {code}.", code="invalid"
        )
    return quantity


def _check_quantity(line: PickLine, scanned: Scanned, qty: int) -> None:
    """The quantity when more scans follow it (the tote, or the item after a short count); the
    service checks it again at the end."""
    if scanned.short and qty >= line.remaining:
        raise PickRefused(
            f"{qty} is not short: {line.remaining} are to be picked here; "
            "go back to picking and confirm the pick instead.",
            code="not_short",
        )
    if not scanned.short and qty == 0:
        raise PickRefused(
            "Pick a whole number above zero; got 0. Nothing there? Press Short.",
            code="invalid_quantity",
        )
    if not scanned.short and qty > line.remaining:
        raise PickRefused(
            f"Too many: {line.remaining} left to pick here; you entered {qty}.", code="too_many"
        )


def _take_scan(line: PickLine, scanned: Scanned, step: str, code: str) -> Scanned:
    """The scanned state with this scan added, or PickRefused naming what was expected."""
    if step == "bin":
        check_scan(line, step, code)
        return replace(scanned, bin=code)
    if step == "item":
        read = read_item_scan(line, code)
        return replace(scanned, item=read.item, lot=read.lot or scanned.lot, counted=1)
    if step == "lot":
        return replace(scanned, lot=read_lot_scan(line, code))
    if step == "qty" and not scanned.short and _is_the_item(line, code):
        return replace(scanned, counted=scanned.counted + 1)
    if step == "qty":
        return replace(scanned, qty=str(_quantity(code)))
    return scanned  # the tote goes to the service as it is


def _confirms_count(pick_list: PickList, line: PickLine, scanned: Scanned, code: str) -> bool:
    """On a cluster cart, a tote scanned at the quantity step confirms the units counted so far
    (the service checks it is the order's tote, or an empty one for its first pick)."""
    return (
        pick_list.uses_totes
        and not scanned.short
        and scanned.counted > 0
        and selectors.is_tote(pick_list.warehouse_id, code)
    )


def _is_the_item(line: PickLine, code: str) -> bool:
    """At the quantity step a scan of the item counts one more unit; anything else is read as
    a quantity (a SKU made of digits is the item, not a number)."""
    try:
        read_item_scan(line, code)
    except DomainError:
        return False
    return True


def _finish(
    request: AuthedRequest, pick_list: PickList, line: PickLine, done: Scanned, tote: str
) -> str:
    """Confirms (or reports short) the completed pick; returns the service's message."""
    key = request.POST.get("pick_key", "").strip() or None
    if done.short:
        result = short_pick(
            user=request.user,
            pick_line_id=line.pk,
            location_code=done.bin,
            found_quantity=int(done.qty),
            item_code=done.item,
            lot_number=done.lot,
            tote_code=tote,
            idempotency_key=key,
        )
    else:
        result = confirm_pick(
            user=request.user,
            pick_line_id=line.pk,
            location_code=done.bin,
            item_code=done.item,
            quantity=done.quantity(),
            lot_number=done.lot,
            tote_code=tote,
            idempotency_key=key,
        )
    if result.list_done:
        messages.success(request, result.message)
    return result.message


@page("picking.pick")
def home(request: AuthedRequest) -> HttpResponse:
    warehouse = active_warehouse(request.user, request.session)
    return render(
        request,
        "picking/floor/home.html",
        {
            "warehouse": warehouse,
            "current": selectors.current_list_for(request.user),
            "zones": selectors.pick_zones(warehouse) if warehouse else [],
        },
    )


@page("picking.pick", "POST")
def get_work(request: AuthedRequest) -> HttpResponse:
    """The operator's current list, or the most urgent waiting one in the active warehouse (and
    the chosen zone)."""
    warehouse = active_warehouse(request.user, request.session)
    if warehouse is None:
        messages.error(request, "You are not assigned to any warehouse. Ask a manager.")
        return redirect("floor_pick_home")
    zone = id_from(request.POST.get("zone", ""))
    zone_ids = selectors.zone_ids_in(warehouse, [zone] if zone else [])
    pick_list = next_pick_list(request.user, [warehouse.pk], zone_ids)
    if pick_list is None:
        where = warehouse.code + (" in that zone" if zone_ids else "")
        messages.info(request, f"No pick work waiting in {where}. Try again in a while.")
        return redirect("floor_pick_home")
    return redirect("floor_pick_list", pk=pick_list.pk)


@page("picking.pick")
def pick_list_page(request: AuthedRequest, pk: int) -> HttpResponse:
    pick_list = _own_list(request, pk)
    # The line table, fetched when the operator opens it (the page and scans leave it out).
    part = "#lines" if request.GET.get("part") == "lines" else ""
    return render(request, f"picking/floor/pick.html{part}", _step_context(pick_list, None))


@page("picking.pick", "POST")
def scan(request: AuthedRequest, pk: int) -> HttpResponse:
    """One scan (or the Short / Start over buttons) on the operator's own list."""
    pick_list = _own_list(request, pk)
    try:
        scanned = Scanned.from_post(request.POST)
        code = clean_scan(request.POST.get("code"))
    except ScanRefused as refused:
        code = shown_scan(request.POST.get("code"))
        return _answer(request, pick_list, None, ok=False, code=code, message=refused.message)
    action = request.POST.get("action", "")
    if action == "short":
        return _answer(
            request,
            pick_list,
            replace(scanned, short=True, qty="", item="", lot=""),
            ok=True,
            code="Short",
            message="Short pick: count what is in the bin.",
        )
    if action == "reset":
        return _answer(
            request,
            pick_list,
            Scanned(line_id=scanned.line_id),
            ok=True,
            code="Start over",
            message="Starting this pick over: scan the bin.",
        )
    if pick_list.status != PickListStatus.IN_PROGRESS:
        return _answer(
            request,
            pick_list,
            None,
            ok=False,
            code=code,
            message=f"Pick list {pick_list.number} is {pick_list.get_status_display().lower()}.",
        )
    line = (
        PickLine.objects.filter(pick_list=pick_list, pk=scanned.line_id or 0)
        .select_related("location", "product", "lot", "lpn", "order")
        .first()
    )
    if line is None:
        return _answer(
            request,
            pick_list,
            None,
            ok=False,
            code=code,
            message="That pick is not on this list; here is the next one.",
        )
    step = scanned.step(line, pick_list.uses_totes)
    if not code:
        slot = selectors.slots_of(pick_list).get(line.order_id) if pick_list.uses_totes else None
        expected = _prompt(line, slot, scanned, step)
        message = f"{expected}: nothing scanned."
        return _answer(request, pick_list, scanned, ok=False, code=code, message=message)
    try:
        by_tote = step == "qty" and _confirms_count(pick_list, line, scanned, code)
        if by_tote:
            after = replace(scanned, qty=str(scanned.counted))
        else:
            after = _take_scan(line, scanned, step, code)
        final = step == "tote" or by_tote or after.step(line, pick_list.uses_totes) == ""
        if final:
            # Checked by the service under its locks; a resent final scan replays its result.
            tote = code if step == "tote" or by_tote else ""
            message = _finish(request, pick_list, line, after, tote)
        else:
            if line.status != PickLineStatus.OPEN:
                raise PickRefused(f"This pick is already {line.status}; here is the next one.")
            if step == "qty" and after.qty:
                _check_quantity(line, scanned, int(after.qty))
            # The next step's prompt on the card says what comes next.
            return _answer(request, pick_list, after, ok=True, code=code, message=f"{code} ✓")
    except DomainError as error:
        return _answer(request, pick_list, scanned, ok=False, code=code, message=error.message)
    response = _answer(request, pick_list, None, ok=True, code=code, message=message)
    pick_list.refresh_from_db(fields=["status"])
    if pick_list.status == PickListStatus.DONE:
        response["HX-Redirect"] = reverse("floor_pick_list", args=[pick_list.pk])
    return response
