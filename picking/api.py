"""The outbound REST routes under /api/v1/ (mounted by wms.api by dotted path): orders (create
idempotently on client plus reference, list, read with allocations, cancel, allocate), waves
(create from order ids or a planning filter, release, read with progress) and pick tasks (list,
confirm, short). Routes are thin: look the object up in the user's scope (404 outside it), check
the permission (403, nothing written), call one service, answer with a schema. Refusals of the
services (OrderRefused, DuplicateOrder, WaveRefused, PickRefused, NotYourList,
InvalidTransition) become the JSON error envelope through wms.api's DomainError handler.

Who may do what: managers and admins everything; a client user creates, reads and cancels their
own client's orders and sees no waves or pick tasks; operators work the pick tasks of their
warehouses (and may not create, read or allocate orders)."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from inventory.models import Client, Location, Warehouse, Zone
from inventory.selectors import References
from picking import selectors
from picking.exceptions import WaveRefused
from picking.models import Order, PickLine, Wave
from picking.schemas import (
    AllocationResultOut,
    NextWorkIn,
    NextWorkOut,
    OrderIn,
    OrderOut,
    OrderQuery,
    OrderSummaryOut,
    PickConfirmIn,
    PickResultOut,
    PickShortIn,
    PickTaskOut,
    PickTaskQuery,
    WaveIn,
    WaveOut,
    WaveReleaseIn,
    WaveSummaryOut,
)
from picking.services.allocation import allocate_orders
from picking.services.orders import OrderLineSpec, ShipTo, cancel_order, create_order
from picking.services.picks import PickResult, confirm_pick, next_pick_list, short_pick
from picking.services.waves import create_wave, release_wave
from wms.accounts.models import User
from wms.api_common import IdempotencyKey, found, user_of
from wms.exceptions import DomainError
from wms.pagination import Page
from wms.permissions import require, warehouse_ids_for
from wms.validation import IdParam, Text

router = Router(tags=["picking"])


# --- Orders -----------------------------------------------------------------------------------


def _order(user: User, pk: int) -> Order:
    """The order in the user's scope with its allocations loaded (404 outside the scope)."""
    order = found(selectors.get_order_for_user(user, pk), f"No order {pk}.")
    order.allocations = selectors.order_allocations(order)  # type: ignore[attr-defined]
    return order


def _line_specs(refs: References, client: Client, payload: OrderIn) -> list[OrderLineSpec]:
    products = selectors.products_by_sku(client, [line.sku for line in payload.lines])
    specs = []
    for number, line in enumerate(payload.lines):
        product = products.get(line.sku.upper())
        if product is None:
            refs.fail(f"lines.{number}.sku", f"No product “{line.sku}” of {client.code}.")
        else:
            specs.append(OrderLineSpec(product, line.quantity))
    return specs


@router.post(
    "/orders",
    response={200: OrderOut, 201: OrderOut},
    summary="Create an order (idempotent on client plus reference)",
)
def create_order_route(request: HttpRequest, payload: OrderIn) -> Any:
    """Creates an order with its lines (201). The same client and reference again with the same
    lines returns the existing order (200) and writes nothing; with other lines it is refused
    (409 duplicate_reference): orders are never merged. Unknown client, warehouse or SKU is 422
    with field errors and nothing is written. A client user orders for their own client only."""
    user = user_of(request)
    require(user, "picking.create_order")
    refs = References(user)
    client = refs.client(payload.client)
    warehouse = refs.warehouse(payload.warehouse)
    specs = _line_specs(refs, client, payload) if client else []
    refs.check()
    assert client is not None and warehouse is not None
    require(user, "picking.create_order", Order(client=client, warehouse=warehouse))
    order, created = create_order(
        client=client,
        warehouse=warehouse,
        reference=payload.reference,
        ship_to=ShipTo(**payload.ship_to.model_dump()),
        lines=specs,
        user=user,
        carrier_service=payload.carrier_service,
        service_level=payload.service_level,
        priority=payload.priority,
        ship_by=payload.ship_by,
        deliver_by=payload.deliver_by,
    )
    return Status(201 if created else 200, _order(user, order.pk))


@router.get(
    "/orders", response=list[OrderSummaryOut], summary="Orders you may see, most urgent first"
)
@paginate(Page)
def list_orders(request: HttpRequest, filters: Query[OrderQuery]) -> Any:
    user = user_of(request)
    require(user, "picking.view_order")
    rows = selectors.orders_for_user(user, selectors.OrderFilters(**filters.filters()))
    return selectors.with_lines(rows)


@router.get("/orders/{pk}", response=OrderOut, summary="An order with its lines and allocations")
def get_order(request: HttpRequest, pk: IdParam) -> Any:
    user = user_of(request)
    require(user, "picking.view_order")
    order = _order(user, pk)
    require(user, "picking.view_order", order)
    return order


@router.post("/orders/{pk}/cancel", response=OrderOut, summary="Cancel an order")
def cancel_order_route(
    request: HttpRequest, pk: IdParam, idempotency_key: IdempotencyKey = None
) -> Any:
    """Gives back everything reserved for it. Refused once packed (409 invalid_transition,
    nothing changed). Managers, or the order's client user. A repeat with the same
    Idempotency-Key answers the cancelled order and changes nothing."""
    user = user_of(request)
    require(user, "picking.cancel_order")
    order = _order(user, pk)
    require(user, "picking.cancel_order", order)
    cancel_order(order=order, user=user, idempotency_key=idempotency_key)
    return _order(user, pk)


@router.post(
    "/orders/{pk}/allocate",
    response=AllocationResultOut,
    summary="Reserve stock for an order's open lines",
)
def allocate_order(request: HttpRequest, pk: IdParam) -> Any:
    """Allocates by the rotation rules; the order ends allocated, partially allocated or
    backordered. An order past allocation (released, cancelled…) is skipped untouched. Safe to
    repeat: a fully allocated order reserves nothing more."""
    user = user_of(request)
    require(user, "picking.allocate")
    order = _order(user, pk)
    result = allocate_orders(order_ids=[order.pk], user=user)

    def refs(orders: Iterable[Order]) -> list[str]:
        return [o.reference for o in orders]

    return {
        "summary": result.summary,
        "allocated": refs(result.allocated),
        "partially_allocated": refs(result.partially_allocated),
        "backordered": refs(result.backordered),
        "skipped": refs(result.skipped),
        "units": result.units,
        "order": _order(user, pk),
    }


# --- Waves ------------------------------------------------------------------------------------


def _wave(user: User, pk: int, message: str = "") -> Wave:
    """The wave in the user's scope with what WaveOut shows loaded (404 outside the scope)."""
    wave = found(selectors.get_wave_for_user(user, pk), f"No wave {pk}.")
    wave.order_refs = [o.reference for o in selectors.wave_orders(wave)]  # type: ignore[attr-defined]
    wave.progress = selectors.wave_progress(wave)  # type: ignore[attr-defined]
    wave.lists = list(selectors.wave_pick_lists(wave))  # type: ignore[attr-defined]
    wave.message = message  # type: ignore[attr-defined]
    return wave


def _wave_orders(refs: References, user: User, warehouse: Warehouse, payload: WaveIn) -> list[int]:
    if payload.order_ids is not None:
        wanted = set(payload.order_ids)
        seen = set(
            selectors.orders_for_user(user).filter(pk__in=wanted).values_list("pk", flat=True)
        )
        missing = sorted(wanted - seen)
        if missing:
            refs.fail("order_ids", "No orders " + ", ".join(str(pk) for pk in missing) + ".")
        return sorted(seen)
    assert payload.filters is not None
    filters = selectors.clean_wave_filters(payload.filters.model_dump())
    if filters.get("client") and not refs.client(filters["client"], "filters.client"):
        return []
    if filters.get("zone") and not refs.zone(warehouse, filters["zone"], "filters.zone"):
        return []
    rows = selectors.open_orders(warehouse, filters).values_list("pk", flat=True)
    ids = list(rows[: payload.max_orders])
    if not ids:
        raise WaveRefused("No open order of this warehouse matches the filters.")
    return ids


@router.post("/waves", response={201: WaveOut}, summary="Plan a wave from orders or a filter")
def create_wave_route(request: HttpRequest, payload: WaveIn) -> Any:
    """Puts open orders of one warehouse into a new planned wave and allocates them: the orders
    named in `order_ids`, or the most urgent `max_orders` open orders matching `filters` (the
    planning page's filter). Orders past allocation, in another wave or of another warehouse are
    refused by name (409 wave_refused) and nothing is written."""
    user = user_of(request)
    require(user, "picking.manage_waves")
    refs = References(user)
    warehouse = refs.only_warehouse(payload.warehouse)
    ids = _wave_orders(refs, user, warehouse, payload)
    refs.check()
    filters = selectors.clean_wave_filters(payload.filters.model_dump()) if payload.filters else {}
    created = create_wave(
        warehouse=warehouse,
        order_ids=ids,
        user=user,
        pick_method=payload.pick_method,
        filters=filters,
    )
    return Status(201, (_wave(user, created.wave.pk, created.allocation.summary)))


@router.get("/waves", response=list[WaveSummaryOut], summary="Waves, newest first")
@paginate(Page)
def list_waves(request: HttpRequest, status: Text = "", warehouse: Text = "") -> Any:
    user = user_of(request)
    require(user, "picking.manage_waves")
    rows = selectors.waves_for_user(user, status=status)
    if warehouse:
        rows = rows.filter(warehouse__code__iexact=warehouse.strip())
    return rows


@router.get("/waves/{pk}", response=WaveOut, summary="A wave with its progress and pick lists")
def get_wave(request: HttpRequest, pk: IdParam) -> Any:
    user = user_of(request)
    require(user, "picking.manage_waves")
    return _wave(user, pk)


def _staging(refs: References, wave: Wave, code: str | None) -> Location | None:
    if not code:
        return None
    location = selectors.staging_locations(wave.warehouse_id).filter(code__iexact=code).first()
    if location is None:
        refs.fail("staging_location", f"No staging location “{code}” in {wave.warehouse.code}.")
    return location


@router.post("/waves/{pk}/release", response=WaveOut, summary="Release a planned wave to the floor")
def release_wave_route(
    request: HttpRequest,
    pk: IdParam,
    payload: WaveReleaseIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Turns the wave's fully allocated orders into pick lists for the chosen method (discrete,
    cluster with `orders_per_cart`, or zone), in walking order, to the staging location. Orders
    not fully allocated are held back (named in `message`). A wave that is not planned is 409."""
    user = user_of(request)
    require(user, "picking.manage_waves")
    wave = found(selectors.get_wave_for_user(user, pk), f"No wave {pk}.")
    refs = References(user)
    staging = _staging(refs, wave, payload.staging_location)
    refs.check()

    released = release_wave(
        wave=wave,
        user=user,
        pick_method=payload.pick_method,
        orders_per_cart=payload.orders_per_cart,
        staging_location=staging,
        idempotency_key=idempotency_key,
    )
    return _wave(user, pk, released.summary)


# --- Pick tasks -------------------------------------------------------------------------------


def _task(user: User, pk: int) -> PickLine:
    line = found(selectors.get_pick_line_for_user(user, pk), f"No pick task {pk}.")
    line.tote_code = selectors.tote_codes([line]).get((line.pick_list_id, line.order_id), "")  # type: ignore[attr-defined]
    return line


@router.get("/pick-tasks", response=list[PickTaskOut], summary="Pick lines in your warehouses")
@paginate(Page)
def list_pick_tasks(request: HttpRequest, filters: Query[PickTaskQuery]) -> Any:
    """In list and walking order. `mine` keeps the lines of lists assigned to you."""
    user = user_of(request)
    require(user, "picking.pick")
    return selectors.pick_lines_for_user(
        user, pick_list=filters.pick_list, status=filters.status or "", mine=filters.mine
    )


@router.post("/pick-tasks/next", response=NextWorkOut, summary="Take the next pick list")
def next_work(request: HttpRequest, payload: NextWorkIn) -> Any:
    """Assigns you the most urgent waiting pick list in the warehouse (and zones), or returns
    the list you are already working; two pickers asking at once never get the same list.
    `pick_list` is null when nothing is waiting."""
    user = user_of(request)
    require(user, "picking.pick")
    mine = warehouse_ids_for(user) if user.role == "operator" else None
    if payload.warehouse:
        warehouse = Warehouse.objects.filter(code__iexact=payload.warehouse).first()
        if warehouse is None or (mine is not None and warehouse.pk not in mine):
            raise DomainError(
                f"No warehouse {payload.warehouse} of yours.",
                code="invalid",
                field_errors={"warehouse": ["Unknown warehouse."]},
            )
        ids = [warehouse.pk]
    elif mine is not None and len(mine) == 1:
        ids = list(mine)
    else:
        raise DomainError(
            "Say which warehouse you pick in.",
            code="invalid",
            field_errors={"warehouse": ["Required when you work in several warehouses."]},
        )
    zones = list(
        Zone.objects.filter(warehouse_id__in=ids, code__in=payload.zones).values_list(
            "pk", flat=True
        )
    )
    if len(zones) != len(set(payload.zones)):
        raise DomainError(
            "Unknown zone code.", code="invalid", field_errors={"zones": ["Unknown zone code."]}
        )
    pick_list = next_pick_list(user, ids, zones)
    if pick_list is None:
        return {"pick_list": None, "method": None, "tasks": []}
    tasks = list(selectors.pick_lines_for_user(user, pick_list=pick_list.number, status="open"))
    codes = selectors.tote_codes(tasks)
    for task in tasks:
        task.tote_code = codes.get((task.pick_list_id, task.order_id), "")  # type: ignore[attr-defined]
    return {"pick_list": pick_list.number, "method": pick_list.method, "tasks": tasks}


def _result(user: User, result: PickResult) -> dict[str, Any]:
    return {
        "picked": result.picked,
        "remaining": result.remaining,
        "short": result.short,
        "reallocated": result.reallocated,
        "tote": result.tote,
        "list_done": result.list_done,
        "message": result.message,
        "task": _task(user, result.pick_line_id),
    }


@router.post(
    "/pick-tasks/{pk}/confirm", response=PickResultOut, summary="Confirm a pick with its scans"
)
def confirm_pick_task(
    request: HttpRequest,
    pk: IdParam,
    payload: PickConfirmIn,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """The scans prove the pick: the bin, the item (barcode, SKU or LPN), the lot and, on a
    cluster cart, the order's tote. A wrong scan, too many units or stock reserved for another
    order is 409 pick_refused with what was expected; a list assigned to someone else is 409
    not_your_list. Nothing is written then. Send an Idempotency-Key: a repeat returns the first
    result and moves nothing."""
    user = user_of(request)
    require(user, "picking.pick")
    line = _task(user, pk)
    require(user, "picking.pick", line.pick_list)
    result = confirm_pick(
        user=user,
        pick_line_id=line.pk,
        location_code=payload.location,
        item_code=payload.scanned_item(),
        quantity=payload.quantity,
        lot_number=payload.lot,
        tote_code=payload.tote,
        idempotency_key=idempotency_key,
    )
    return _result(user, result)


@router.post(
    "/pick-tasks/{pk}/short", response=PickResultOut, summary="Report the bin short for a pick"
)
def short_pick_task(
    request: HttpRequest, pk: IdParam, payload: PickShortIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Picks the `found_quantity` that is there (scan the item when it is above zero), puts the
    missing units on hold, asks for a count of the bin and reallocates the rest from other bins
    (new lines join the list). What cannot be found anywhere is marked short."""
    user = user_of(request)
    require(user, "picking.pick")
    line = _task(user, pk)
    require(user, "picking.pick", line.pick_list)
    result = short_pick(
        user=user,
        pick_line_id=line.pk,
        location_code=payload.location,
        found_quantity=payload.found_quantity,
        item_code=payload.scanned_item(),
        lot_number=payload.lot,
        tote_code=payload.tote,
        idempotency_key=idempotency_key,
    )
    return _result(user, result)
