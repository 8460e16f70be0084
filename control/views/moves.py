"""The handheld move: bin to bin, a whole LPN, split and merge, each from scanned codes and
through the ledger. A refusal (held stock, an unknown code, too many) answers 200 with the
page and an error line, and writes nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from control.forms import MoveForm
from inventory import selectors as inventory_selectors
from inventory.services import moves
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import page
from wms.permissions import require


def _do(request: AuthedRequest, data: dict[str, Any], warehouse: Any) -> moves.MoveResult:
    kind = data["kind"]
    if kind == "lpn":
        return moves.move_whole_lpn(
            user=request.user, warehouse=warehouse, lpn_code=data["source"], to_code=data["target"]
        )
    if kind == "merge":
        return moves.merge_lpns(
            user=request.user,
            warehouse=warehouse,
            from_lpn_code=data["source"],
            into_lpn_code=data["target"],
        )
    if kind == "split":
        return moves.split_lpn(
            user=request.user,
            warehouse=warehouse,
            from_lpn_code=data["source"],
            to_lpn_code=data["target"],
            item_code=data["item"],
            quantity=data["quantity"] or 0,
            lot_number=data["lot"],
        )
    return moves.move_units(
        user=request.user,
        warehouse=warehouse,
        from_code=data["source"],
        to_code=data["target"],
        item_code=data["item"],
        quantity=data["quantity"],
        lot_number=data["lot"],
        lpn_code=data["lpn"],
    )


@page("inventory.move_stock", "GET", "POST")
def floor_move(request: AuthedRequest) -> HttpResponse:
    warehouse = inventory_selectors.active_warehouse(request.user, request.session)
    form = MoveForm(request.POST or None)
    context: dict[str, Any] = {"warehouse": warehouse, "form": form}
    if request.method == "POST" and warehouse is not None and form.is_valid():
        require(request.user, "inventory.move_stock", warehouse)
        try:
            context["done"] = _do(request, dict(form.cleaned_data), warehouse).message
            context["form"] = MoveForm()
        except DomainError as refused:
            context["error"] = refused.message
    return render(request, "control/floor_move.html", context)
