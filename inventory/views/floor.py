"""The handheld home and lookup. One scan box: a warehouse code switches the active warehouse;
a bin, LPN or product barcode (or SKU) shows what is there. Later issues add receive, putaway,
pick, pack and count to the same home."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from inventory import selectors
from inventory.models import Warehouse
from wms.http import AuthedRequest
from wms.pages import page
from wms.validation import ScanRefused, clean_scan, shown_scan

MAX_LINES = 12


@page("wms.use_floor")
def floor_home(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "inventory/floor_home.html",
        {
            "warehouse": selectors.active_warehouse(request.user, request.session),
            "warehouses": selectors.warehouses_for_user(request.user),
        },
    )


@page("wms.use_floor")
def floor_lookup(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "inventory/floor_lookup.html",
        {"warehouse": selectors.active_warehouse(request.user, request.session)},
    )


def _lookup(request: AuthedRequest, code: str, warehouse: Warehouse | None) -> dict[str, Any]:
    """What a scanned code shows: the contents of a bin or LPN, or where a product is."""
    matches = selectors.resolve_scan(request.user, code, warehouse)
    if not matches:
        return {
            "ok": False,
            "message": f"Unknown code “{code}”: expected a bin, LPN, product barcode or SKU"
            f"{' in ' + warehouse.code if warehouse else ''}.",
        }
    cards = []
    for match in matches[:3]:
        if match.kind == "location":
            rows = selectors.balances(
                request.user, selectors.BalanceFilters(location_id=match.obj.pk)
            )[:MAX_LINES]
            cards.append(
                {
                    "title": f"Bin {match.obj.code}",
                    "kind": "location",
                    "rows": rows,
                    "blocked": match.obj.is_blocked,
                }
            )
        elif match.kind == "lpn":
            rows = selectors.balances(request.user, selectors.BalanceFilters(lpn_id=match.obj.pk))[
                :MAX_LINES
            ]
            where = match.obj.location.code if match.obj.location else "not placed"
            cards.append({"title": f"LPN {match.obj.code} at {where}", "kind": "lpn", "rows": rows})
        else:
            rows = selectors.balances(
                request.user,
                selectors.BalanceFilters(
                    product_id=match.obj.pk, warehouse_id=warehouse.pk if warehouse else None
                ),
            )[:MAX_LINES]
            pack = f" (case of {match.pack_quantity})" if match.pack_quantity > 1 else ""
            cards.append(
                {
                    "title": f"{match.obj.sku}{pack} · {match.obj.name}",
                    "kind": "product",
                    "rows": rows,
                }
            )
    return {
        "ok": True,
        "message": f"{len(matches)} match{'es' if len(matches) > 1 else ''}",
        "cards": cards,
    }


@page("wms.use_floor", "POST")
def floor_scan(request: AuthedRequest) -> HttpResponse:
    """One scan from the home or lookup box. Always 200 with a result line (htmx does not swap
    4xx); an unrecognised code says what was expected."""
    try:
        code = clean_scan(request.POST.get("code"))
    except ScanRefused as refused:
        shown = shown_scan(request.POST.get("code"))
        refusal = {"ok": False, "code": shown, "message": refused.message}
        return render(request, "handheld/_scan_result.html", refusal)
    context: dict[str, Any] = {"code": code}
    if not code:
        context.update(
            ok=False, message="Nothing was scanned. Scan a bin, LPN, product or warehouse."
        )
        return render(request, "handheld/_scan_result.html", context)
    switch_to = selectors.find_warehouse_by_code(request.user, code)
    if switch_to is not None and request.POST.get("mode") != "lookup":
        request.session[selectors.ACTIVE_WAREHOUSE_KEY] = switch_to.pk
        context.update(ok=True, message=f"Now working in {switch_to}.", warehouse=switch_to)
        return render(request, "handheld/_scan_result.html", context)
    context.update(
        _lookup(request, code, selectors.active_warehouse(request.user, request.session))
    )
    return render(request, "inventory/_lookup_result.html", context)
