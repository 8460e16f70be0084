"""The pack station, on the desktop (/shipping/pack/) and the handheld (/floor/pack/): the same
views, each rendering the surface's own template (the URLconf passes `surface`).

Scan a tote, order or LPN to bring up the order; the page lists what is left to pack, the box
proposal, the open carton and the close form. Item scans always answer 200 with a result line
(htmx swaps no 4xx) and tell the page to reload its panels; a refusal is red and names what was
expected. Once the order is packed, each carton's shipment status polls until its label is in."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from inventory.models import Location, Product
from inventory.selectors import active_warehouse
from picking import selectors as picking_selectors
from picking.models import Order, OrderStatus
from shipping import selectors
from shipping.forms.packing import CloseCartonForm, OpenCartonForm
from shipping.models import BoxType, Carton, PackagingMaterial, Shipment
from shipping.services import pack_documents, packing, unpacking
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import page
from wms.permissions import require
from wms.validation import INT_MAX, ScanRefused, clean_scan, id_from, quantity_from, shown_scan

PACK = "shipping.pack"
STATION_KEY = "pack_station_id"
# Every carton's shipment in one table that polls until each label is bought or needs a person
# (shipping/_shipment_status.html is one shipment's box, for the shipment pages).
SHIPMENT_PARTIAL = "shipping/pack/_shipments.html"


def _ns(surface: str) -> str:
    return f"pack_{surface}"


def _template(surface: str, name: str) -> str:
    return f"shipping/pack/{name}{'_floor' if surface == 'floor' else ''}.html"


def _order_or_404(request: AuthedRequest, pk: int) -> Order:
    order = picking_selectors.get_order_for_user(request.user, pk)
    if order is None:
        raise Http404("No such order.")
    require(request.user, PACK, order)
    return order


def _carton_or_404(request: AuthedRequest, pk: int) -> Carton:
    carton = selectors.get_carton_for_user(request.user, pk)
    if carton is None:
        raise Http404("No such carton.")
    require(request.user, PACK, carton)
    return carton


def _station(request: AuthedRequest, warehouse_id: int) -> Location | None:
    stations = selectors.pack_stations(warehouse_id)
    chosen = request.session.get(STATION_KEY)
    return next((s for s in stations if s.pk == chosen), stations[0] if stations else None)


def _result(
    request: AuthedRequest, code: str, ok: bool, message: str, **extra: Any
) -> HttpResponse:
    context = {"code": code, "ok": ok, "message": message, **extra}
    response = render(request, "shipping/pack/_result.html", context)
    if ok:
        response["HX-Trigger"] = "pack-changed"
    return response


@page(PACK)
def station(request: AuthedRequest, surface: str) -> HttpResponse:
    warehouse = active_warehouse(request.user, request.session)
    waiting = (
        picking_selectors.orders_for_user(request.user)
        .filter(warehouse=warehouse, status=OrderStatus.PICKED)
        .order_by("priority", "ship_by", "pk")[:20]
        if warehouse
        else []
    )
    return render(
        request,
        _template(surface, "station"),
        {"warehouse": warehouse, "waiting": waiting, "ns": _ns(surface), "surface": surface},
    )


@page(PACK, "POST")
def scan_order(request: AuthedRequest, surface: str) -> HttpResponse:
    """A tote, order reference or LPN: the station goes to that order's pack page."""
    code = shown_scan(request.POST.get("code"))
    try:
        code = clean_scan(request.POST.get("code"))
        order = packing.find_order_to_pack(
            request.user, code, active_warehouse(request.user, request.session)
        )
    except DomainError as error:
        return _result(request, code, False, error.message)
    url = reverse(f"{_ns(surface)}:order", args=[order.pk])
    response = _result(request, code, True, f"Order {order.reference}: pack it.", next_url=url)
    response["HX-Redirect"] = url
    return response


def _order_context(request: AuthedRequest, order: Order, surface: str) -> dict[str, Any]:
    rows = packing.to_pack(order)
    shipments = selectors.order_shipments(order)
    current = selectors.open_carton_of(order)
    expected = selectors.expected_weight(current) if current else (0, [])
    return {
        "order": order,
        "rows": rows,
        "remaining": sum(r.remaining for r in rows),
        "proposal": packing.proposal_for(order) if order.status == OrderStatus.PICKED else None,
        "carton": current,
        "carton_lines": list(current.lines.select_related("product", "lot")) if current else [],
        "expected_weight": expected[0],
        "without_weight": expected[1],
        "tolerance": selectors.weight_tolerance_percent(order.client_id),
        "cartons": selectors.order_cartons(order),
        "shipments": shipments,
        "polling": selectors.shipments_in_flight(shipments),
        "stations": selectors.pack_stations(order.warehouse_id),
        "station": _station(request, order.warehouse_id),
        "materials": list(PackagingMaterial.objects.filter(is_active=True).order_by("code")),
        "may_override": selectors.may_override_weight(request.user),
        "close_form": CloseCartonForm(),
        "ns": _ns(surface),
        "surface": surface,
        "form_key": uuid.uuid4().hex,
        "shipment_partial": SHIPMENT_PARTIAL,
    }


@page(PACK)
@vary_on_headers("HX-Request")
def order_page(request: AuthedRequest, surface: str, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    context = _order_context(request, order, surface)
    if request.htmx:
        return render(request, "shipping/pack/_panels.html", context)
    return render(request, _template(surface, "order"), context)


@page(PACK, "POST")
def scan_item(request: AuthedRequest, surface: str, pk: int) -> HttpResponse:
    """An item scanned into the open carton (quantity and lot from the fields beside the box)."""
    order = _order_or_404(request, pk)
    code = shown_scan(request.POST.get("code"))
    try:
        code = clean_scan(request.POST.get("code"))
        lot = clean_scan(request.POST.get("lot"), what="Lot")
        quantity_text = clean_scan(request.POST.get("quantity"), what="Quantity") or "1"
    except ScanRefused as refused:
        return _result(request, code, False, refused.message)
    quantity = quantity_from(quantity_text)
    if quantity is None:
        return _result(
            request,
            code,
            False,
            f"Quantity is a whole number from 1 to {INT_MAX} in digits 0-9; got “{quantity_text}”.",
        )
    carton = selectors.open_carton_of(order)
    if carton is None:
        return _result(
            request, code, False, "No carton is open: open the proposed box (or another) first."
        )
    try:
        result = packing.pack_item(
            user=request.user,
            carton=carton,
            code=code,
            quantity=quantity,
            lot=lot,
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except DomainError as error:
        return _result(request, code, False, error.message)
    return _result(request, code, True, result.message)


@page(PACK, "POST")
def set_station(request: AuthedRequest, surface: str, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    chosen = id_from(request.POST.get("pack_station", ""))
    stations = {s.pk: s for s in selectors.pack_stations(order.warehouse_id)}
    if chosen in stations:
        request.session[STATION_KEY] = chosen
        messages.success(request, f"Packing at {stations[chosen].code}.")
    return redirect(f"{_ns(surface)}:order", pk=order.pk)


@page(PACK, "POST")
def open_carton(request: AuthedRequest, surface: str, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    form = OpenCartonForm(request.POST)
    back = redirect(f"{_ns(surface)}:order", pk=order.pk)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return back
    data = form.cleaned_data
    station = next(
        (s for s in selectors.pack_stations(order.warehouse_id) if s.pk == data["pack_station"]),
        None,
    )
    box_type = None
    dims = None
    if data["box_type"]:
        box_type = BoxType.objects.filter(code=data["box_type"]).first()
        if box_type is None:
            messages.error(request, f"No box type {data['box_type']}.")
            return back
    elif data["own_sku"]:
        product = Product.objects.filter(client_id=order.client_id, sku=data["own_sku"]).first()
        if product is None or not (product.length_mm and product.width_mm and product.height_mm):
            messages.error(request, f"{data['own_sku']} has no dimensions: give the box's size.")
            return back
        dims = packing.BoxDims(product.length_mm, product.width_mm, product.height_mm, 0)
    else:
        dims = packing.BoxDims(
            data["length_mm"], data["width_mm"], data["height_mm"], data["tare_weight_g"] or 0
        )
    try:
        carton = packing.open_carton(
            order=order,
            box_type=box_type,
            dims=dims,
            pack_station=station,
            user=request.user,
            idempotency_key=data["idempotency_key"] or None,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return back
    if station is not None:
        request.session[STATION_KEY] = station.pk
    what = box_type.code if box_type else f"{carton.length_mm}x{carton.width_mm}x{carton.height_mm}"
    messages.success(request, f"Carton {carton.number} ({what}) is open: scan the items into it.")
    return back


@page(PACK, "GET", "POST")
def unpack_carton(request: AuthedRequest, surface: str, pk: int) -> HttpResponse:
    """GET asks first, listing what goes back where; POST unpacks the open carton (or discards
    it, empty) and goes back to the order."""
    carton = _carton_or_404(request, pk)
    if request.method == "POST":
        try:
            result = unpacking.unpack_carton(
                user=request.user,
                carton=carton,
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, result.message)
        return redirect(f"{_ns(surface)}:order", pk=carton.order_id)
    context = {
        "carton": carton,
        "order": carton.order,
        "lines": list(carton.lines.select_related("product", "lot").order_by("pk")),
        "plan": selectors.unpack_plan(carton),
        "ns": _ns(surface),
        "base": "handheld.html" if surface == "floor" else "desktop.html",
        "form_key": uuid.uuid4().hex,
    }
    return render(request, "shipping/pack/unpack.html", context)


def _materials(request: AuthedRequest) -> list[packing.MaterialUse]:
    uses = []
    for material in PackagingMaterial.objects.filter(is_active=True):
        quantity = quantity_from(request.POST.get(f"material_{material.code}", ""))
        if quantity is not None:
            uses.append(packing.MaterialUse(material.code, quantity))
    return uses


@page(PACK, "POST")
def close_carton(request: AuthedRequest, surface: str, pk: int) -> HttpResponse:
    carton = _carton_or_404(request, pk)
    form = CloseCartonForm(request.POST)
    back = redirect(f"{_ns(surface)}:order", pk=carton.order_id)
    if not form.is_valid():
        errors = [str(e) for e in form.errors.get("weight_g", [])] or ["Enter the weight (g)."]
        messages.error(request, f"Carton {carton.number} not closed: {' '.join(errors)}")
        return back
    try:
        result = packing.close_carton(
            user=request.user,
            carton=carton,
            weight_g=form.cleaned_data["weight_g"],
            materials=_materials(request),
            override_reason=form.cleaned_data["override_reason"],
            idempotency_key=form.cleaned_data["idempotency_key"] or None,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return back
    messages.success(request, result.message)
    return back


@page(PACK)
def shipments(request: AuthedRequest, surface: str, pk: int) -> HttpResponse:
    """The order's shipments; the partial polls itself while a label is still being bought."""
    order = _order_or_404(request, pk)
    rows = selectors.order_shipments(order)
    context = {
        "order": order,
        "shipments": rows,
        "polling": selectors.shipments_in_flight(rows),
        "ns": _ns(surface),
    }
    return render(request, "shipping/pack/_shipments.html", context)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@page(PACK)
def packing_slip(request: AuthedRequest, surface: str, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    return _pdf(pack_documents.packing_slip_pdf(order), f"packing-slip-{order.reference}.pdf")


@page(PACK)
def carton_label(request: AuthedRequest, surface: str, pk: int) -> HttpResponse:
    carton = _carton_or_404(request, pk)
    return _pdf(pack_documents.carton_label_pdf(carton), f"carton-{carton.lpn.code}.pdf")


@page(PACK)
def shipping_label(request: AuthedRequest, surface: str, pk: int) -> HttpResponse:
    """The carrier label bought for a carton's shipment."""
    shipment = Shipment.objects.filter(carton=_carton_or_404(request, pk)).first()
    if shipment is None or not shipment.label_pdf:
        raise Http404("No label bought for this carton yet.")
    return _pdf(bytes(shipment.label_pdf), f"label-{shipment.tracking_code or shipment.pk}.pdf")
