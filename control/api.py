"""Inventory control's REST routes under /api/v1/: count tasks (list, read, count the whole bin
at once honouring Idempotency-Key) and a manager's approval or rejection of a count. Routes
look the task up in the user's scope (404 outside it), check the permission (403), call one
service and answer with a schema that never shows the expected quantity."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from control import queue, selectors
from control.models import CountTask, Hold, HoldKind, Transfer
from control.schemas import (
    CountIn,
    CountTaskOut,
    CountTaskQuery,
    DecisionIn,
    HoldIn,
    HoldOut,
    HoldReleaseIn,
    ReplenishmentDoneIn,
    ReplenishmentTaskOut,
    ReplenishmentTaskQuery,
    TransferIn,
    TransferOut,
    TransferReceiveIn,
    WorkItemOut,
    WorkNextIn,
)
from control.services.counts import CountedItem, decide_count, submit_count
from control.services.holds import place_hold, release_hold
from control.services.replenishment import complete_replenishment
from control.services.transfers import (
    TransferLineSpec,
    create_transfer,
    receive_transfer,
    ship_transfer,
)
from inventory.models import Location, Lot, Lpn, Product
from inventory.selectors import References
from wms.accounts.models import User
from wms.api_common import IdempotencyKey, found, user_of
from wms.pagination import Page
from wms.permissions import require
from wms.validation import IdParam

router = Router(tags=["inventory control"])


def _task(user: User, pk: int, perm: str) -> CountTask:
    require(user, perm)
    task = found(selectors.get_count_task_for_user(user, pk), f"No count task {pk}.")
    require(user, perm, task)
    return task


@router.get("/count-tasks", response=list[CountTaskOut], summary="Count tasks, most urgent first")
@paginate(Page)
def list_count_tasks(request: HttpRequest, filters: Query[CountTaskQuery]) -> Any:
    user = user_of(request)
    require(user, "control.count")
    return selectors.search_count_tasks(user, status=filters.status or "")


@router.get("/count-tasks/{pk}", response=CountTaskOut, summary="A count task (blind)")
def get_count_task(request: HttpRequest, pk: IdParam) -> Any:
    return _task(user_of(request), pk, "control.count")


@router.post("/count-tasks/{pk}/count", response=CountTaskOut, summary="Count the task's bin")
def count_task(
    request: HttpRequest, pk: IdParam, payload: CountIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Scans the bin, counts each item and finishes, at once: the task ends approved (no
    difference), recount (a difference beyond the thresholds: someone else recounts) or review.
    A wrong bin, an unknown item or lot is refused and nothing is written. The same
    Idempotency-Key again answers the first result."""
    user = user_of(request)
    task = _task(user, pk, "control.count")
    items = [CountedItem(i.item, i.quantity, i.lot, i.lpn) for i in payload.items]
    return submit_count(
        task=task,
        user=user,
        location_code=payload.location,
        items=items,
        idempotency_key=idempotency_key,
    )


@router.post("/counts/{pk}/approve", response=CountTaskOut, summary="Approve a count")
def approve_count(
    request: HttpRequest, pk: IdParam, payload: DecisionIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Posts the count's differences through the ledger (reason count, code cycle_count),
    measured against the ledger at the count's scan. Refused (409) for a count you counted or
    recounted, or one not awaiting review."""
    user = user_of(request)
    task = _task(user, pk, "control.manage_counts")
    return decide_count(
        task=task, user=user, approve=True, note=payload.note, idempotency_key=idempotency_key
    )


@router.post("/counts/{pk}/reject", response=CountTaskOut, summary="Reject a count")
def reject_count(
    request: HttpRequest, pk: IdParam, payload: DecisionIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Closes the count without posting anything; a short-pick request behind it is open again."""
    user = user_of(request)
    task = _task(user, pk, "control.manage_counts")
    return decide_count(
        task=task, user=user, approve=False, note=payload.note, idempotency_key=idempotency_key
    )


# --- Holds ------------------------------------------------------------------------------------


@router.get("/holds", response=list[HoldOut], summary="Holds, newest first")
@paginate(Page)
def list_holds(request: HttpRequest) -> Any:
    user = user_of(request)
    require(user, "control.manage_holds")
    return selectors.holds_for_user(user)


def _hold_target(
    refs: References, payload: HoldIn
) -> tuple[Product | None, Lot | None, Location | None, Lpn | None]:
    product = lot = location = lpn = None
    if payload.kind in (HoldKind.PRODUCT, HoldKind.LOT):
        product = refs.product(None, payload.sku, payload.client)
        if product is not None and payload.kind == HoldKind.LOT:
            lot = refs.lot(product, payload.lot)
    elif payload.kind == HoldKind.LOCATION:
        location = refs.location(None, payload.location, payload.warehouse)
    else:
        warehouse = refs.warehouse(payload.warehouse)
        if warehouse is not None:
            lpn = refs.lpn(warehouse.pk, payload.lpn)
    refs.check()
    return product, lot, location, lpn


@router.post(
    "/holds", response={201: HoldOut}, summary="Put a lot, product, location or LPN on hold"
)
def create_hold(
    request: HttpRequest, payload: HoldIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Held stock leaves available at once; open reservations on it are released and their
    orders re-allocated from other stock. Unknown references are 422 and nothing is written."""
    user = user_of(request)
    require(user, "control.manage_holds")
    product, lot, location, lpn = _hold_target(References(user), payload)
    hold = place_hold(
        user=user,
        kind=payload.kind,
        reason=payload.reason,
        product=product,
        lot=lot,
        location=location,
        lpn=lpn,
        note=payload.note,
        idempotency_key=idempotency_key,
    )
    return Status(201, _hold(user, hold.pk))


def _hold(user: User, pk: int) -> Hold:
    return found(selectors.get_hold_for_user(user, pk), f"No hold {pk}.")


@router.post("/holds/{pk}/release", response=HoldOut, summary="Release a hold")
def release_hold_route(
    request: HttpRequest,
    pk: IdParam,
    payload: HoldReleaseIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Gives back to available what the hold still holds; who, when and why are kept. A hold
    already released is refused (409)."""
    user = user_of(request)
    require(user, "control.manage_holds")
    hold = _hold(user, pk)
    release_hold(hold=hold, user=user, note=payload.note, idempotency_key=idempotency_key)
    return _hold(user, pk)


# --- Replenishment ------------------------------------------------------------------


@router.get(
    "/replenishment-tasks",
    response=list[ReplenishmentTaskOut],
    summary="Replenishment tasks, most urgent first",
)
@paginate(Page)
def list_replenishment_tasks(request: HttpRequest, filters: Query[ReplenishmentTaskQuery]) -> Any:
    user = user_of(request)
    require(user, "control.replenish")
    rows = selectors.replenishment_tasks_for_user(user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows


@router.post(
    "/replenishment-tasks/{pk}/complete",
    response=ReplenishmentTaskOut,
    summary="Move the units to the face",
)
def complete_replenishment_task(
    request: HttpRequest,
    pk: IdParam,
    payload: ReplenishmentDoneIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """The source and the face as scanned; the units move through the ledger (reason
    replenish). A wrong scan is refused and nothing is written."""
    user = user_of(request)
    require(user, "control.replenish")
    task = found(
        selectors.get_replenishment_task_for_user(user, pk), f"No replenishment task {pk}."
    )
    complete_replenishment(
        task=task,
        user=user,
        from_code=payload.from_location,
        to_code=payload.to_location,
        quantity=payload.quantity,
        idempotency_key=idempotency_key,
    )
    return selectors.get_replenishment_task_for_user(user, pk)


# --- The work queue ---------------------------------------------------------------------------


@router.post(
    "/work/next",
    response={200: WorkItemOut, 204: None},
    summary="Get work: the most urgent task you may do",
)
def work_next(request: HttpRequest, payload: WorkNextIn) -> Any:
    """Claims (under SKIP LOCKED) and answers the task you hold, else the first free one by the
    warehouse's order of kinds of work; 204 when there is none. Two callers at once never get
    the same task. Repeating the call answers the task you now hold."""
    user = user_of(request)
    require(user, "wms.use_floor")
    warehouse = References(user).only_warehouse(payload.warehouse)
    require(user, "control.count", warehouse)
    item = queue.next_work(user=user, warehouse=warehouse)
    return item if item is not None else Status(204, None)


# --- Transfers --------------------------------------------------------------------------------


def _transfer(user: User, pk: int) -> Transfer:
    require(user, "control.manage_transfers")
    return found(selectors.get_transfer_for_user(user, pk), f"No transfer {pk}.")


@router.get("/transfers", response=list[TransferOut], summary="Transfers, newest first")
@paginate(Page)
def list_transfers(request: HttpRequest) -> Any:
    user = user_of(request)
    require(user, "control.manage_transfers")
    return selectors.transfers_for_user(user)


@router.get("/transfers/{pk}", response=TransferOut, summary="A transfer with what is in transit")
def get_transfer(request: HttpRequest, pk: IdParam) -> Any:
    return _transfer(user_of(request), pk)


@router.post("/transfers", response={201: TransferOut}, summary="Create a transfer (draft)")
def create_transfer_route(
    request: HttpRequest, payload: TransferIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Unknown references are 422; more than is free in a bin now is 400; nothing is written
    on refusal."""
    user = user_of(request)
    require(user, "control.manage_transfers")
    refs = References(user)
    source = refs.warehouse(payload.from_warehouse, "from_warehouse")
    target = refs.warehouse(payload.to_warehouse, "to_warehouse")
    specs = []
    for line in payload.lines:
        product = refs.product(None, line.sku, line.client)
        location = refs.location(None, line.location, payload.from_warehouse) if source else None
        lot = refs.lot(product, line.lot) if product and line.lot else None
        if product and location:
            specs.append(
                TransferLineSpec(
                    product=product, quantity=line.quantity, from_location=location, lot=lot
                )
            )
    refs.check()
    assert source is not None and target is not None
    transfer = create_transfer(
        user=user,
        from_warehouse=source,
        to_warehouse=target,
        lines=specs,
        note=payload.note,
        idempotency_key=idempotency_key,
    )
    return Status(201, _transfer(user, transfer.pk))


@router.post("/transfers/{pk}/ship", response=TransferOut, summary="Ship a transfer")
def ship_transfer_route(
    request: HttpRequest, pk: IdParam, idempotency_key: IdempotencyKey = None
) -> Any:
    """Every line leaves its bin for the sender's in-transit location, or none does (409 when
    a bin no longer has the free stock)."""
    user = user_of(request)
    transfer = _transfer(user, pk)
    ship_transfer(transfer=transfer, user=user, idempotency_key=idempotency_key)
    return _transfer(user, pk)


@router.post("/transfers/{pk}/receive", response=TransferOut, summary="Receive a transfer")
def receive_transfer_route(
    request: HttpRequest,
    pk: IdParam,
    payload: TransferReceiveIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Into a bin of the receiving warehouse: scanned quantities per line, or blind (all that
    was shipped). What is not received stays in transit."""
    user = user_of(request)
    transfer = _transfer(user, pk)
    refs = References(user)
    location = refs.location(None, payload.location, transfer.to_warehouse.code)
    refs.check()
    assert location is not None
    quantities = (
        {line.line_id: line.quantity for line in payload.lines}
        if payload.lines is not None
        else None
    )
    receive_transfer(
        transfer=transfer,
        user=user,
        to_location=location,
        quantities=quantities,
        idempotency_key=idempotency_key,
    )
    return _transfer(user, pk)
