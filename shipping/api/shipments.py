"""The shipments and manifests REST routes under /api/v1/ (mounted by wms.api by dotted path).
Managers and admins only (shipping.manage_shipments; 403 and nothing written otherwise): list and
read shipments (rates with the chosen one marked, tracking, state, attention message), retry one
that needs attention (optionally with a corrected ship-to), reconcile one left between two
states with EasyPost, void a bought label, download the label, create and download manifests.
Refusals are the JSON error envelope (409 shipment_refused, 422 carrier_rejected with EasyPost's
message, 503 carrier_unavailable).

POSTs take an Idempotency-Key. Void, reconcile and manifest call EasyPost, which must never happen
inside a database transaction: their services declare `holds_transaction=False`, so the key is
looked up first and recorded after the call."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from inventory.selectors import References
from picking.services.orders import ShipTo
from shipping import selectors
from shipping.models import Manifest, Shipment
from shipping.schemas.shipments import (
    ManifestIn,
    ManifestOut,
    ReconcileOut,
    RetryIn,
    ShipmentOut,
    ShipmentQuery,
    ShipmentSummaryOut,
)
from shipping.services import dispatch, rating
from wms.accounts.models import User
from wms.api_common import IdempotencyKey, found, staff_user
from wms.pagination import Page
from wms.validation import IdParam

router = Router(tags=["shipping"])
MANAGE = "shipping.manage_shipments"


def _shipment(user: User, pk: int) -> Shipment:
    return found(selectors.get_shipment_for_user(user, pk), f"No shipment {pk}.")


@router.get("/shipments", response=list[ShipmentSummaryOut], summary="Shipments, attention first")
@paginate(Page)
def list_shipments(request: HttpRequest, filters: Query[ShipmentQuery]) -> Any:
    user = staff_user(request, MANAGE)
    return selectors.shipments_for_user(user, **filters.model_dump())


@router.get("/shipments/{pk}", response=ShipmentOut, summary="A shipment with its rates")
def get_shipment(request: HttpRequest, pk: IdParam) -> Any:
    return _shipment(staff_user(request, MANAGE), pk)


@router.post("/shipments/{pk}/retry", response=ShipmentOut, summary="Rate a shipment again")
def retry_shipment_route(
    request: HttpRequest,
    pk: IdParam,
    payload: RetryIn | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Sends a shipment that needs attention (or was voided) back to rating; the rating task
    runs after commit. With `ship_to`, the order's address is corrected first. Any other state
    is 409 shipment_refused and nothing changes."""
    user = staff_user(request, MANAGE)
    shipment = _shipment(user, pk)
    ship_to = payload.ship_to if payload else None
    address = ShipTo(**ship_to.model_dump()) if ship_to else None
    rating.retry_shipment(
        shipment=shipment, user=user, address=address, idempotency_key=idempotency_key
    )
    return _shipment(user, pk)


@router.post(
    "/shipments/{pk}/reconcile",
    response=ReconcileOut,
    summary="Settle a shipment left between two states with EasyPost",
)
def reconcile_shipment_route(
    request: HttpRequest, pk: IdParam, idempotency_key: IdempotencyKey = None
) -> Any:
    """Asks EasyPost for a shipment still rating or rated, bought without its label files, or
    with a void whose answer never came: a label EasyPost already sold is recorded (never
    bought twice: `outcome` recorded); without one the rating task runs again (rating); a void
    is recorded as EasyPost answered it (voided, void_cleared). A shipment that waits for
    nothing is 409 shipment_refused; EasyPost unreachable is 503 carrier_unavailable."""
    user = staff_user(request, MANAGE)
    shipment = _shipment(user, pk)
    result = rating.reconcile_shipment(
        shipment_id=shipment.pk, user=user, idempotency_key=idempotency_key
    )
    return {"outcome": result.outcome, "message": result.message, "shipment": _shipment(user, pk)}


@router.post("/shipments/{pk}/void", response=ShipmentOut, summary="Void (refund) a label")
def void_shipment_route(
    request: HttpRequest, pk: IdParam, idempotency_key: IdempotencyKey = None
) -> Any:
    """Asks EasyPost for the postage back and marks the shipment voided. Refused once shipped
    (409 shipment_refused); EasyPost's own refusal is 422 carrier_rejected."""
    user = staff_user(request, MANAGE)
    shipment = _shipment(user, pk)
    rating.void_label(shipment=shipment, user=user, idempotency_key=idempotency_key)
    return _shipment(user, pk)


@router.get(
    "/shipments/{pk}/label",
    summary="The label as PDF or ZPL",
    openapi_extra={
        "responses": {
            200: {
                "description": "The label file",
                "content": {"application/pdf": {}, "application/zpl": {}},
            }
        }
    },
)
def shipment_label(
    request: HttpRequest, pk: IdParam, format: Literal["pdf", "zpl"] = "pdf"
) -> HttpResponse:
    user = staff_user(request, MANAGE)
    shipment = _shipment(user, pk)
    stored = bool(shipment.label_pdf if format == "pdf" else shipment.label_zpl)
    found(stored or None, f"Shipment {pk} has no {format.upper()} label.")
    return label_response(shipment, format)


def label_response(shipment: Shipment, fmt: str) -> HttpResponse:
    """The stored label file as a download (shared with the desk pages)."""
    name = f"label-{shipment.tracking_code or shipment.pk}.{fmt}"
    if fmt == "pdf":
        response = HttpResponse(bytes(shipment.label_pdf or b""), content_type="application/pdf")
    else:
        response = HttpResponse(shipment.label_zpl, content_type="application/zpl; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@router.post("/manifests", response={201: ManifestOut}, summary="End-of-day manifest")
def create_manifest_route(
    request: HttpRequest, payload: ManifestIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """The EasyPost scan form of one carrier's shipments bought that day at one warehouse and
    not yet on a manifest. None waiting is 409 shipment_refused, nothing written."""
    user = staff_user(request, MANAGE)
    warehouse = References(user).only_warehouse(payload.warehouse)
    manifest = dispatch.create_manifest(
        warehouse=warehouse,
        carrier_name=payload.carrier,
        day=payload.date,
        user=user,
        idempotency_key=idempotency_key,
    )
    return Status(201, manifest)


@router.get("/manifests", response=list[ManifestOut], summary="Manifests, newest first")
@paginate(Page)
def list_manifests(request: HttpRequest) -> Any:
    return selectors.manifests_for_user(staff_user(request, MANAGE))


@router.get(
    "/manifests/{pk}/pdf",
    summary="The manifest's scan form as PDF",
    openapi_extra={
        "responses": {200: {"description": "The PDF", "content": {"application/pdf": {}}}}
    },
)
def manifest_pdf(request: HttpRequest, pk: IdParam) -> HttpResponse:
    user = staff_user(request, MANAGE)
    manifest = found(selectors.get_manifest_for_user(user, pk), f"No manifest {pk}.")
    found(manifest.form_pdf or None, f"Manifest {pk} has no PDF.")
    return manifest_response(manifest)


def manifest_response(manifest: Manifest) -> HttpResponse:
    response = HttpResponse(bytes(manifest.form_pdf or b""), content_type="application/pdf")
    name = f"manifest-{manifest.carrier}-{manifest.date:%Y-%m-%d}-{manifest.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
