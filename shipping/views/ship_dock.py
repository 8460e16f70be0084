"""The handheld ship dock, /floor/ship/: choose the dock, then scan cartons onto the truck. Each
scan is one call of dispatch.ship_carton; a refusal is a loud error line that says what was
expected and what was scanned (always 200: htmx does not swap 4xx)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from shipping import selectors
from shipping.services import dispatch
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import page
from wms.validation import ScanRefused, clean_scan, id_from, shown_scan

DOCK_KEY = "ship_dock_pk"


def _dock(request: AuthedRequest, pk: Any = None) -> Any:
    docks = selectors.ship_docks_for_user(request.user)
    chosen = id_from(pk or request.session.get(DOCK_KEY))
    return docks.filter(pk=chosen).first() if chosen else None


@page("wms.use_floor")
def floor_ship(request: AuthedRequest) -> HttpResponse:
    """Choose a dock (?dock=<pk> remembers it for the session), then the scan box."""
    if request.GET.get("dock"):
        dock = _dock(request, request.GET["dock"])
        if dock is not None:
            request.session[DOCK_KEY] = dock.pk
    dock = _dock(request)
    return render(
        request,
        "shipping/floor_ship.html",
        {"dock": dock, "docks": selectors.ship_docks_for_user(request.user)},
    )


@page("wms.use_floor", "POST")
def floor_ship_scan(request: AuthedRequest) -> HttpResponse:
    context: dict[str, Any] = {"code": shown_scan(request.POST.get("code")), "ok": False}
    try:
        code = clean_scan(request.POST.get("code"))
    except ScanRefused as refused:
        context["message"] = refused.message
        return render(request, "shipping/floor_ship_result.html", context)
    dock = _dock(request, request.POST.get("dock"))
    if dock is None:
        context["message"] = "Choose the ship dock you are loading at first."
    elif not code:
        context["message"] = "Nothing was scanned. Scan the carton's shipping label (its SSCC)."
    elif not request.user.has_perm("shipping.ship", dock):
        context["message"] = f"You may not load cartons at {dock.code}."
    else:
        try:
            pk = dispatch.ship_carton(
                user=request.user,
                code=code,
                ship_dock=dock,
                idempotency_key=request.POST.get("idempotency_key") or None,
            ).shipment.pk
        except DomainError as exc:
            context["message"] = exc.message
        else:
            shipment = selectors.get_shipment_for_user(request.user, pk)
            order_done = bool(shipment and shipment.order.status == "shipped")
            context.update(
                ok=True,
                message=(
                    f"Loaded carton {shipment.carton.number} of order "
                    f"{shipment.order.reference} ({shipment.carrier} {shipment.tracking_code})."
                    + (" Order shipped." if order_done else "")
                )
                if shipment
                else "Loaded.",
            )
    return render(request, "shipping/floor_ship_result.html", context)
