"""The receiving REST routes under /api/v1/ (mounted by wms.api by dotted path): ASNs, receipts
against them (the API twin of a scan), close-out, receipts without an ASN (blind receiving,
managers only), putaway tasks and label downloads. Routes are thin: look the object up in the
user's scope (404 outside it), check the permission (403, nothing written), call one service,
answer with a schema.

Who may do what: admins and managers everything; a client user creates, confirms and reads their
own client's ASNs (a 3PL's client announcing its inbound goods); operators read and receive
against the ASNs of their warehouses; cancel and close are for managers (receiving.manage_asn).
Putaway tasks are floor work (receiving.putaway): operators see and complete the tasks of their
warehouses, managers and admins all; client users none (403)."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from inventory import selectors as inventory_selectors
from inventory.models import Client, Location, Lpn, Product, Warehouse
from inventory.selectors import References
from receiving import label_service, selectors, services
from receiving.models import Asn, PutawayStatus, PutawayTask
from receiving.schemas import (
    AsnIn,
    AsnLineIn,
    AsnOut,
    AsnQuery,
    BlindReceiptIn,
    DiscrepancyOut,
    LocationLabelQuery,
    LpnLabelQuery,
    PutawayCompleteIn,
    PutawayTaskOut,
    PutawayTaskQuery,
    ReceiptIn,
    ReceiptOut,
)
from receiving.services import putaway_tasks
from wms.accounts.models import User
from wms.api_common import IdempotencyKey, found, user_of
from wms.pagination import Page
from wms.permissions import require
from wms.validation import IdParam

router = Router(tags=["receiving"])

LABEL_RESPONSES = {
    "responses": {
        200: {
            "description": "The label: a PDF, or ZPL text for a Zebra printer.",
            "content": {"application/pdf": {}, "text/plain": {}},
        }
    }
}


def _asn(user: User, pk: int) -> Asn:
    return found(selectors.get_asn_for_user(user, pk), f"No ASN {pk}.")


# --- ASNs -------------------------------------------------------------------------------------


def _line_specs(
    refs: References, client: Client, lines: list[AsnLineIn]
) -> list[services.AsnLineSpec]:
    specs = []
    for number, line in enumerate(lines):
        product: Product | None
        if line.product_id is not None:
            product = inventory_selectors.get_product_for_user(refs.user, line.product_id)
            if product is None or product.client_id != client.pk:
                refs.fail(
                    f"lines.{number}.product_id",
                    f"No product {line.product_id} of client {client.code}.",
                )
        else:
            product = inventory_selectors.find_product_for_user(
                refs.user, client.code, line.sku or ""
            )
            if product is None:
                refs.fail(f"lines.{number}.sku", f"No product “{line.sku}” of {client.code}.")
        if product is not None and product.client_id == client.pk:
            specs.append(
                services.AsnLineSpec(product, line.expected_qty, line.lot_number, line.expiry_date)
            )
    return specs


def _dock_door(refs: References, warehouse: Warehouse, code: str | None) -> Location | None:
    if not code:
        return None
    location = selectors.find_location_in(warehouse, code)
    if location is None:
        refs.fail("dock_door", f"No location “{code}” in warehouse {warehouse.code}.")
    return location


@router.post(
    "/asns",
    response={200: AsnOut, 201: AsnOut},
    summary="Create an ASN (idempotent on client plus reference)",
)
def create_asn(request: HttpRequest, payload: AsnIn) -> Any:
    """Creates a draft ASN with its lines (201). The same client and reference again with the
    same content returns the existing ASN (200) and writes nothing; with different content it is
    refused (409 asn_exists). A client user creates ASNs for their own client only."""
    user = user_of(request)
    require(user, "receiving.submit_asn")
    refs = References(user)
    client = refs.client(payload.client)
    warehouse = refs.warehouse(payload.warehouse)
    specs = _line_specs(refs, client, payload.lines) if client else []
    dock_door = _dock_door(refs, warehouse, payload.dock_door) if warehouse else None
    refs.check()
    assert client is not None and warehouse is not None
    require(user, "receiving.submit_asn", Asn(client=client, warehouse=warehouse))
    existed = selectors.asn_exists(client, payload.reference)
    asn = services.create_asn(
        client=client,
        warehouse=warehouse,
        reference=payload.reference,
        lines=specs,
        user=user,
        carrier=payload.carrier,
        expected_date=payload.expected_date,
        dock_appointment=payload.dock_appointment,
        dock_door=dock_door,
    )
    return Status(200 if existed else 201, _asn(user, asn.pk))


@router.get("/asns", response=list[AsnOut], summary="ASNs you may see, newest first")
@paginate(Page)
def list_asns(request: HttpRequest, filters: Query[AsnQuery]) -> Any:
    return selectors.asns_for_user(user_of(request), **filters.filters())


@router.get("/asns/{pk}", response=AsnOut, summary="An ASN with its lines and counters")
def get_asn(request: HttpRequest, pk: IdParam) -> Any:
    return _asn(user_of(request), pk)


@router.post("/asns/{pk}/expected", response=AsnOut, summary="Mark a draft ASN expected")
def mark_expected(request: HttpRequest, pk: IdParam, idempotency_key: IdempotencyKey = None) -> Any:
    """From now on the dock may receive against it. Managers, or the ASN's client user."""
    user = user_of(request)
    asn = _asn(user, pk)
    require(user, "receiving.submit_asn", asn)
    services.mark_expected(asn=asn, user=user, idempotency_key=idempotency_key)
    return _asn(user, pk)


@router.post("/asns/{pk}/cancel", response=AsnOut, summary="Cancel a draft or expected ASN")
def cancel_asn(request: HttpRequest, pk: IdParam, idempotency_key: IdempotencyKey = None) -> Any:
    """Once something was received against it, an ASN can only be closed (409)."""
    user = user_of(request)
    asn = _asn(user, pk)
    require(user, "receiving.manage_asn", asn)
    services.cancel_asn(asn=asn, user=user, idempotency_key=idempotency_key)
    return _asn(user, pk)


@router.post(
    "/asns/{pk}/close",
    response=DiscrepancyOut,
    summary="Close a receiving ASN; answers the discrepancy report",
)
def close_asn(request: HttpRequest, pk: IdParam, idempotency_key: IdempotencyKey = None) -> Any:
    """Stores expected, received, damaged, short and over per line (and per unexpected
    product) on the ASN and posts its "asn.closed" event."""
    user = user_of(request)
    asn = _asn(user, pk)
    require(user, "receiving.manage_asn", asn)
    services.close_asn(asn=asn, user=user, idempotency_key=idempotency_key)
    return _asn(user, pk)


@router.get(
    "/asns/{pk}/discrepancies.csv",
    summary="The discrepancy report as CSV",
    openapi_extra={
        "responses": {200: {"description": "CSV, header row first.", "content": {"text/csv": {}}}}
    },
)
def discrepancies_csv(request: HttpRequest, pk: IdParam) -> HttpResponse:
    asn = _asn(user_of(request), pk)
    return label_service.LabelFile(
        selectors.discrepancy_csv(asn).encode(),
        "text/csv; charset=utf-8",
        f"asn-{asn.reference}-discrepancies.csv",
    ).response()


# --- Receipts ---------------------------------------------------------------------------------


def _receipt_target(
    refs: References, client: Client, warehouse_id: int, payload: ReceiptIn
) -> tuple[str | Product, Lpn | None]:
    """What the receipt names (a code, or a product of the client) and the LPN it goes onto,
    each looked up in the user's scope; unknown references are field errors (422)."""
    item: str | Product | None = payload.code
    if payload.product_id is not None:
        item = inventory_selectors.get_product_for_user(refs.user, payload.product_id)
        if item is None:
            refs.fail("product_id", f"No product {payload.product_id}.")
    elif payload.sku is not None:
        item = inventory_selectors.find_product_for_user(refs.user, client.code, payload.sku)
        if item is None:
            refs.fail("sku", f"No product “{payload.sku}” of {client.code}.")
    lpn = refs.lpn(warehouse_id, payload.lpn) if payload.lpn else None
    refs.check()
    assert item is not None
    return item, lpn


@router.post(
    "/asns/{pk}/receipts",
    response={201: ReceiptOut},
    summary="Receive against an ASN (the API twin of a scan)",
)
def create_receipt(
    request: HttpRequest, pk: IdParam, payload: ReceiptIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Receives the units onto an LPN (the one given, the pallet a GS1 SSCC names, or a new one)
    at the ASN's dock. Send an Idempotency-Key: a repeat returns the first receipt and writes
    nothing; the same key with a different body is refused (409 idempotency_conflict)."""
    user = user_of(request)
    asn = _asn(user, pk)
    require(user, "receiving.receive", asn)
    item, lpn = _receipt_target(References(user), asn.client, asn.warehouse_id, payload)
    receipt = services.receive_scan(
        asn=asn,
        code_or_product=item,
        user=user,
        quantity=payload.quantity,
        lot_number=payload.lot,
        expiry=payload.expiry,
        lpn=lpn,
        damaged=payload.status == "damaged",
        idempotency_key=idempotency_key,
    )
    receipt.line = selectors.line_after_receipt(receipt)
    return Status(201, receipt)


@router.post(
    "/blind-receipts",
    response={201: ReceiptOut},
    summary="Receive without an ASN (blind receiving; managers only)",
)
def create_blind_receipt(
    request: HttpRequest, payload: BlindReceiptIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Receives goods nobody announced onto an LPN at the warehouse's dock, under the same scan,
    lot and expiry rules as a receipt against an ASN; `asn_id` and `line` are null. Managers and
    admins only (403, nothing written). Send an Idempotency-Key: a repeat returns the first
    receipt and writes nothing; the same key with a different body is refused (409)."""
    user = user_of(request)
    require(user, "receiving.receive_blind")
    refs = References(user)
    warehouse = refs.warehouse(payload.warehouse)
    client = refs.client(payload.client)
    refs.check()
    assert warehouse is not None and client is not None
    item, lpn = _receipt_target(refs, client, warehouse.pk, payload)
    receipt = services.blind_receive(
        warehouse=warehouse,
        client=client,
        code_or_product=item,
        user=user,
        quantity=payload.quantity,
        lot_number=payload.lot,
        expiry=payload.expiry,
        lpn=lpn,
        damaged=payload.status == "damaged",
        idempotency_key=idempotency_key,
    )
    receipt.line = selectors.line_after_receipt(receipt)
    return Status(201, receipt)


# --- Putaway tasks ---------------------------------------------------------------------------


def _task(user: User, pk: int) -> PutawayTask:
    return found(selectors.get_putaway_task_for_user(user, pk), f"No putaway task {pk}.")


@router.get(
    "/putaway-tasks",
    response=list[PutawayTaskOut],
    summary="Putaway tasks in your warehouses, oldest first",
)
@paginate(Page)
def list_putaway_tasks(request: HttpRequest, filters: Query[PutawayTaskQuery]) -> Any:
    """Scoped like the managers' desk queue; without a status filter, the work still to do."""
    user = user_of(request)
    require(user, "receiving.putaway")
    tasks = selectors.search_putaway_tasks(
        user, warehouse_code=filters.warehouse, status=filters.status or ""
    )
    if not filters.status:
        tasks = tasks.exclude(status=PutawayStatus.DONE)
    return tasks


@router.get(
    "/putaway-tasks/{pk}",
    response=PutawayTaskOut,
    summary="A putaway task with its destination and the reason",
)
def get_putaway_task(request: HttpRequest, pk: IdParam) -> Any:
    user = user_of(request)
    require(user, "receiving.putaway")
    return _task(user, pk)


@router.post(
    "/putaway-tasks/{pk}/complete",
    response=PutawayTaskOut,
    summary="Put the task's stock away at the scanned location",
)
def complete_putaway_task(
    request: HttpRequest,
    pk: IdParam,
    payload: PutawayCompleteIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Claims the task for you if it is open and posts the dock-to-bin move. Another location
    than the proposed one is refused (409 wrong_location, nothing moved) unless you may override
    (403 otherwise) and give `override_reason`. A task someone else holds is 409 task_taken.
    A repeat with the same Idempotency-Key returns the done task and moves nothing."""
    user = user_of(request)
    require(user, "receiving.putaway")
    task = _task(user, pk)
    require(user, "receiving.putaway", task)
    putaway_tasks.complete_task(
        user=user,
        task=task,
        scanned_location_code=payload.location,
        override_reason=payload.override_reason,
        idempotency_key=idempotency_key,
    )
    return _task(user, pk)


# --- Labels -----------------------------------------------------------------------------------


@router.get(
    "/lpns/{pk}/label",
    summary="An LPN label (SSCC, client, SKU, lot, expiry, quantity) as PDF or ZPL",
    openapi_extra=LABEL_RESPONSES,
)
def lpn_label(request: HttpRequest, pk: IdParam, options: Query[LpnLabelQuery]) -> HttpResponse:
    user = user_of(request)
    lpn = found(inventory_selectors.get_lpn_for_user(user, pk), f"No LPN {pk}.")
    return label_service.lpn_label_file(user, lpn, size=options.size, fmt=options.format).response()


@router.get(
    "/locations/{pk}/label",
    summary="A bin label (Code 128 and QR) as PDF or ZPL",
    openapi_extra=LABEL_RESPONSES,
)
def location_label(
    request: HttpRequest, pk: IdParam, options: Query[LocationLabelQuery]
) -> HttpResponse:
    location = found(
        inventory_selectors.get_location_for_user(user_of(request), pk), f"No location {pk}."
    )
    return label_service.location_label_file(location, fmt=options.format).response()
