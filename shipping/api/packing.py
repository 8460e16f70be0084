"""The pack station's REST routes under /api/v1/ (mounted by wms.api by dotted path): an order's
box proposal, packing items into a new or open carton, closing a carton on its weight, the
packing slip and carton label PDFs, and loading a carton at the ship dock. Floor staff of the
order's warehouse (shipping.pack, shipping.ship; 404 outside their scope); refusals are 409
(pack_refused, shipment_refused) with what was expected, and write nothing."""

# No `from __future__ import annotations`: ninja reads parameter annotations at import time.
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from picking import selectors as picking_selectors
from picking.models import Order
from shipping import selectors
from shipping.exceptions import PackRefused
from shipping.models import BoxType, Carton
from shipping.schemas.packing import (
    CartonCloseIn,
    CartonCloseOut,
    CartonizationOut,
    CartonOut,
    CartonPackIn,
    CartonShipIn,
    CartonShipOut,
    CartonUnpackOut,
)
from shipping.services import dispatch, pack_documents, packing, unpacking
from wms.accounts.models import User
from wms.api_common import IdempotencyKey, found, user_of
from wms.permissions import require
from wms.validation import IdParam

router = Router(tags=["packing"])
PACK = "shipping.pack"
PDF_RESPONSE = {"responses": {200: {"description": "A PDF.", "content": {"application/pdf": {}}}}}


def _order(user: User, pk: int) -> Order:
    require(user, PACK)
    order = found(picking_selectors.get_order_for_user(user, pk), f"No order {pk}.")
    require(user, PACK, order)
    return order


def _carton(user: User, pk: int) -> Carton:
    require(user, PACK)
    carton = found(selectors.get_carton_for_user(user, pk), f"No carton {pk}.")
    require(user, PACK, carton)
    return carton


def _carton_out(carton: Carton) -> dict[str, Any]:
    carton = Carton.objects.select_related("order", "lpn", "box_type", "pack_station").get(
        pk=carton.pk
    )
    return {
        "id": carton.pk,
        "order_id": carton.order_id,
        "number": carton.number,
        "sscc": carton.lpn.code,
        "status": carton.status,
        "box_type": carton.box_type.code if carton.box_type else "",
        "length_mm": carton.length_mm,
        "width_mm": carton.width_mm,
        "height_mm": carton.height_mm,
        "tare_weight_g": carton.tare_weight_g,
        "weight_g": carton.weight_g,
        "pack_station": carton.pack_station.code,
        "lines": [
            {
                "sku": line.product.sku,
                "lot": line.lot.number if line.lot else "",
                "quantity": line.quantity,
            }
            for line in carton.lines.select_related("product", "lot").order_by("pk")
        ],
        "order_status": carton.order.status,
        "order_remaining_units": selectors.remaining_units(carton.order),
    }


@router.get(
    "/orders/{pk}/cartonization",
    response=CartonizationOut,
    summary="The proposed boxes for what is left to pack",
)
def cartonization(request: HttpRequest, pk: IdParam) -> Any:
    """Fewest boxes, then least box volume, from the client's allowed box types, within their
    weight limits; items that ship in their own container go alone. Products without
    dimensions are listed in `without_dimensions` and left out."""
    order = _order(user_of(request), pk)
    proposal = packing.proposal_for(order)
    return {
        "order_id": order.pk,
        "reference": order.reference,
        "box_count": proposal.box_count,
        "cartons": [
            {
                "box_type": c.box_code,
                "box_name": c.box_name,
                "fill_percent": c.fill_percent,
                "weight_g": c.weight_g,
                "contents": [{"sku": sku, "quantity": n} for sku, n in c.contents],
            }
            for c in proposal.cartons
        ],
        "unfit": [{"sku": sku, "reason": why} for sku, why in proposal.unfit],
        "without_dimensions": proposal.without_dimensions,
        "remaining_units": selectors.remaining_units(order),
    }


def _new_carton(order: Order, payload: CartonPackIn) -> packing.NewCarton:
    station = next(
        (
            s
            for s in selectors.pack_stations(order.warehouse_id)
            if s.code.lower() == payload.pack_station.strip().lower()
        ),
        None,
    )
    if station is None:
        raise PackRefused(
            f"No pack station “{payload.pack_station}” in {order.warehouse.code}.",
            code="wrong_station",
            field_errors={"pack_station": ["Give a pack station code of the order's warehouse."]},
        )
    box_type = None
    if payload.box_type:
        box_type = BoxType.objects.filter(code=payload.box_type).first()
        if box_type is None:
            raise PackRefused(
                f"No box type {payload.box_type}.",
                code="wrong_box",
                field_errors={"box_type": ["Unknown box type."]},
            )
    dims = packing.BoxDims(**payload.dims.model_dump()) if payload.dims else None
    return packing.NewCarton(pack_station=station, box_type=box_type, dims=dims)


@router.post(
    "/orders/{pk}/cartons",
    response={201: CartonOut, 200: CartonOut},
    summary="Pack items into a new carton (or an open one)",
)
def pack_carton(
    request: HttpRequest, pk: IdParam, payload: CartonPackIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Opens a carton (box type code or dims, at a pack station) and packs the items, or packs
    them into the open carton `carton_id`. All or nothing: one wrong item, lot or extra unit is
    409 pack_refused and nothing is written, not even the carton. Send an Idempotency-Key: a
    repeat returns the same carton and packs nothing again."""
    user = user_of(request)
    order = _order(user, pk)

    carton = _carton(user, payload.carton_id) if payload.carton_id is not None else None
    carton_pk, created = packing.pack_carton(
        user=user,
        order=order,
        carton=carton,
        new_carton=_new_carton(order, payload) if carton is None else None,
        items=[
            packing.ItemScan(code=item.scanned(), quantity=item.quantity, lot=item.lot)
            for item in payload.items
        ],
        idempotency_key=idempotency_key,
    )
    body = _carton_out(Carton(pk=carton_pk))
    return Status(201 if created else 200, body)


@router.post("/cartons/{pk}/close", response=CartonCloseOut, summary="Close a carton on its weight")
def close_carton_route(
    request: HttpRequest,
    pk: IdParam,
    payload: CartonCloseIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Checks the weight against tare plus product weights within the client's tolerance (409
    pack_refused with both numbers outside it; a manager may pass `override_reason`). When
    nothing is left to pack, the order becomes packed and each carton's shipment is rated."""
    user = user_of(request)
    carton = _carton(user, pk)
    result = packing.close_carton(
        user=user,
        carton=carton,
        weight_g=payload.weight_g,
        materials=[packing.MaterialUse(m.code, m.quantity) for m in payload.materials],
        override_reason=payload.override_reason,
        idempotency_key=idempotency_key,
    )
    return {
        "carton": _carton_out(result.carton),
        "expected_weight_g": result.expected_weight_g,
        "order_packed": result.order_packed,
        "shipments": [
            {"id": s.pk, "carton_id": s.carton_id, "status": s.status} for s in result.shipments
        ],
        "message": result.message,
    }


@router.post(
    "/cartons/{pk}/unpack",
    response=CartonUnpackOut,
    summary="Unpack an open carton (or discard it, empty)",
)
def unpack_carton_route(
    request: HttpRequest, pk: IdParam, idempotency_key: IdempotencyKey = None
) -> Any:
    """Moves every unit packed into the open carton back where it was packed from (the tote or
    staging place), so the order counts it as not packed again, and discards the carton. A
    closed or shipped carton is 409 pack_refused and nothing is written. Send an
    Idempotency-Key: a repeat returns the first answer and moves nothing again."""
    user = user_of(request)
    carton = _carton(user, pk)
    result = unpacking.unpack_carton(user=user, carton=carton, idempotency_key=idempotency_key)
    return {
        "carton": _carton_out(carton),
        "units_returned": result.units,
        "message": result.message,
    }


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get(
    "/orders/{pk}/packing-slip",
    summary="The order's packing slip (PDF)",
    openapi_extra=PDF_RESPONSE,
)
def packing_slip(request: HttpRequest, pk: IdParam) -> HttpResponse:
    order = _order(user_of(request), pk)
    return _pdf(pack_documents.packing_slip_pdf(order), f"packing-slip-{order.reference}.pdf")


@router.get(
    "/cartons/{pk}/label",
    summary="A carton's content label with its SSCC (PDF)",
    openapi_extra=PDF_RESPONSE,
)
def carton_label(request: HttpRequest, pk: IdParam) -> HttpResponse:
    carton = _carton(user_of(request), pk)
    return _pdf(pack_documents.carton_label_pdf(carton), f"carton-{carton.lpn.code}.pdf")


@router.post("/cartons/{pk}/ship", response=CartonShipOut, summary="Load a carton at the ship dock")
def ship_carton_route(
    request: HttpRequest, pk: IdParam, payload: CartonShipIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """What the handheld ship dock does for one scan: moves the carton's LPN to the dock and
    marks carton and shipment shipped; the order's last carton ships the order (its stock
    leaves for the customer). Refused with 409 shipment_refused and nothing written without a
    bought label, when voided, being voided or already shipped. An unknown dock, or one of
    another warehouse, is 422 on `ship_dock`. Send an Idempotency-Key: a repeat returns the
    first answer and loads nothing again."""
    user = user_of(request)
    require(user, "shipping.ship")
    carton = found(selectors.get_carton_for_user(user, pk), f"No carton {pk}.")
    dock = (
        selectors.ship_docks_for_user(user)
        .filter(warehouse_id=carton.warehouse_id, code__iexact=payload.ship_dock.strip())
        .first()
    )
    if dock is None:
        raise ValidationError(
            {"ship_dock": [f"No ship dock “{payload.ship_dock}” in the carton's warehouse."]}
        )
    require(user, "shipping.ship", dock)

    result = dispatch.ship_carton(
        user=user, code=carton.lpn.code, ship_dock=dock, idempotency_key=idempotency_key
    )
    shipment = result.shipment
    return {
        "carton_id": carton.pk,
        "shipment_id": shipment.pk,
        "shipment_status": shipment.status,
        "carrier": shipment.carrier,
        "tracking_code": shipment.tracking_code,
        "order_id": shipment.order_id,
        "order_reference": shipment.order.reference,
        "order_shipped": result.order_shipped,
        "cartons_left": result.cartons_left,
        "message": result.message,
    }
