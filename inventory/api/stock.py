"""Stock: LPNs, balances, the ledger and adjustments. Reads are scoped (a client user: their
client's stock; an operator: their warehouses'); adjusting is for admins and managers."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from inventory import selectors
from inventory.models import Location, Lot, Lpn, Product
from inventory.schemas.stock import (
    AdjustmentIn,
    BalanceOut,
    InventoryQuery,
    LpnIn,
    LpnOut,
    LpnQuery,
    StockMoveIn,
    StockMoveOut,
    StockMoveQuery,
    StockMoveResultOut,
    StockTotals,
)
from inventory.selectors import References
from inventory.services import ledger, master, moves
from wms.accounts.models import User
from wms.api_common import IdempotencyKey, create_once, found, staff_user, user_of
from wms.pagination import Page
from wms.permissions import require
from wms.validation import IdParam

router = Router(tags=["stock"])


class InventoryPage(Page):
    """A page of balances plus the totals of every balance the filters match (not just this
    page's), from one aggregate query."""

    class Output(Schema):
        items: list[Any]
        count: int
        totals: StockTotals

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["totals"] = selectors.totals(queryset)
        return page


@router.get(
    "/inventory",
    response=list[BalanceOut],
    summary="Stock on hand, allocated and available per balance, with totals",
)
@paginate(InventoryPage)
def list_inventory(request: HttpRequest, filters: Query[InventoryQuery]) -> Any:
    """One row per location, product, lot, LPN and status with stock. `available` is on hand
    minus allocated, whatever the status; filter `status=available` for what can be allocated."""
    return selectors.stock_balances(
        user_of(request),
        filters.to_filters(),
        client_code=filters.client,
        warehouse_code=filters.warehouse,
        lpn_code=filters.lpn,
    )


@router.get("/stock-moves", response=list[StockMoveOut], summary="The ledger, newest first")
@paginate(Page)
def list_stock_moves(request: HttpRequest, filters: Query[StockMoveQuery]) -> Any:
    return selectors.stock_moves_for_user(user_of(request), filters.to_filters())


@router.post(
    "/stock-moves", response=StockMoveResultOut, summary="Move units bin to bin, or a whole LPN"
)
def create_stock_move(
    request: HttpRequest, payload: StockMoveIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Through the ledger, from scanned codes, as on the handheld. Held stock is refused (400
    held); more than is free is 409; nothing is written on refusal. The same Idempotency-Key
    answers the first result."""
    user = user_of(request)
    require(user, "inventory.move_stock")
    warehouse = References(user).only_warehouse(payload.warehouse)
    require(user, "inventory.move_stock", warehouse)
    if payload.kind == "lpn":
        return moves.move_whole_lpn(
            user=user,
            warehouse=warehouse,
            lpn_code=payload.lpn,
            to_code=payload.to_location,
            idempotency_key=idempotency_key,
        )
    return moves.move_units(
        user=user,
        warehouse=warehouse,
        from_code=payload.from_location,
        to_code=payload.to_location,
        item_code=payload.item,
        quantity=payload.quantity,
        lot_number=payload.lot,
        lpn_code=payload.lpn,
        idempotency_key=idempotency_key,
    )


@router.get("/stock-moves/{pk}", response=StockMoveOut)
def get_stock_move(request: HttpRequest, pk: IdParam) -> Any:
    return found(selectors.get_stock_move_for_user(user_of(request), pk), f"No stock move {pk}.")


@dataclass(frozen=True)
class AdjustmentTarget:
    product: Product
    location: Location
    lot: Lot | None
    lpn: Lpn | None


def adjustment_target(user: User, payload: AdjustmentIn) -> AdjustmentTarget:
    """The balance key an adjustment names, each part looked up in the user's scope; every
    unknown reference is a field error (422)."""
    refs = References(user)
    product = refs.product(payload.product_id, payload.sku, payload.client)
    location = refs.location(payload.location_id, payload.location, payload.warehouse)
    lot = refs.lot(product, payload.lot) if product and payload.lot else None
    lpn = refs.lpn(location.warehouse_id, payload.lpn) if location and payload.lpn else None
    refs.check()
    assert product is not None and location is not None
    return AdjustmentTarget(product, location, lot, lpn)


@router.post(
    "/adjustments",
    response={201: StockMoveOut},
    summary="Add or remove stock at a location, with a reason code",
)
def create_adjustment(
    request: HttpRequest, payload: AdjustmentIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """A positive quantity adds stock from the warehouse's adjustment location, a negative one
    removes it there. Send an Idempotency-Key: a repeat returns the first move and writes
    nothing; the same key with a different body is refused (409 idempotency_conflict)."""
    user = staff_user(request, "inventory.adjust_stock")
    target = adjustment_target(user, payload)
    return ledger.adjust(
        user=user,
        product=target.product,
        location=target.location,
        quantity=payload.quantity,
        reason_code=payload.reason_code,
        lot=target.lot,
        lpn=target.lpn,
        status=payload.status,
        note=payload.note,
        idempotency_key=idempotency_key,
    )


@router.get("/lpns", response=list[LpnOut], summary="License plates in the warehouses you work in")
@paginate(Page)
def list_lpns(request: HttpRequest, filters: Query[LpnQuery]) -> Any:
    return selectors.search_lpns(user_of(request), **filters.filters())


@router.post("/lpns", response={201: LpnOut}, summary="Create a license plate")
def create_lpn(request: HttpRequest, payload: LpnIn, idempotency_key: IdempotencyKey = None) -> Any:
    """Creates an empty LPN at no location: the ledger places it when stock moves into it."""
    warehouse = References(staff_user(request, "inventory.change_master_data")).only_warehouse(
        payload.warehouse
    )
    return create_once(
        request,
        key=idempotency_key,
        scope="api.lpn.create",
        payload=payload,
        model=Lpn,
        create=lambda: master.create_lpn(code=payload.code, kind=payload.kind, warehouse=warehouse),
    )


@router.get("/lpns/{pk}", response=LpnOut)
def get_lpn(request: HttpRequest, pk: IdParam) -> Any:
    return found(selectors.get_lpn_for_user(user_of(request), pk), f"No LPN {pk}.")
