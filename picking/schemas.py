"""Request and response shapes of the outbound API: orders with their lines and allocations,
waves (created from order ids or a wave filter, the planning page's shape) with their progress,
and pick tasks with the scans that confirm or short them. Input validation only; the same strict
base as the inventory API (JSON integers, no unknown fields)."""

from __future__ import annotations

import datetime
from dataclasses import asdict
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import model_validator

from picking.models import (
    OrderStatus,
    PickLineStatus,
    PickListStatus,
    PickMethod,
    ServiceLevel,
    WaveStatus,
)
from picking.services.orders import MAX_LINES
from picking.services.waves import MAX_WAVE_ORDERS
from wms.schemas import Input
from wms.validation import Code, Id, Int32, Quantity, Scan, Text

# --- Orders -----------------------------------------------------------------------------------


class ShipToIn(Input):
    name: Text = Field(min_length=1, max_length=120)
    company: Text = Field("", max_length=120)
    street1: Text = Field(min_length=1, max_length=200)
    street2: Text = Field("", max_length=200)
    city: Text = Field(min_length=1, max_length=100)
    state: Text = Field("", max_length=50)
    postal_code: Text = Field(min_length=1, max_length=20)
    country: Code = Field("US", min_length=2, max_length=2, description="ISO 3166 alpha-2.")
    phone: Text = Field("", max_length=40)
    email: Text = Field("", max_length=254)


class OrderLineIn(Input):
    sku: Code = Field(min_length=1, max_length=64, description="The order's client's SKU.")
    quantity: Quantity = Field(description="Whole units above zero.")


class OrderIn(Input):
    client: Code = Field(min_length=1, max_length=32, description="Client code.")
    warehouse: Code = Field(min_length=1, max_length=16, description="Warehouse code.")
    reference: Code = Field(min_length=1, max_length=64, description="Unique per client.")
    ship_to: ShipToIn
    carrier_service: Text = Field("", max_length=64)
    service_level: ServiceLevel = ServiceLevel.STANDARD
    priority: Int32 = Field(5, ge=1, le=9, description="1 is most urgent.")
    ship_by: datetime.date | None = None
    deliver_by: datetime.date | None = None
    lines: list[OrderLineIn] = Field(min_length=1, max_length=MAX_LINES)


class ShipToOut(Schema):
    name: str
    company: str
    street1: str
    street2: str
    city: str
    state: str
    postal_code: str
    country: str
    phone: str
    email: str


class OrderLineOut(Schema):
    id: int
    line_number: int
    product_id: int
    sku: str = Field(alias="product.sku")
    quantity: int
    allocated_qty: int
    picked_qty: int
    short_qty: int


class AllocationOut(Schema):
    """One inventory reservation for an order line."""

    id: int
    order_line_id: int
    line_number: int
    location: str = Field(alias="balance.location.code")
    sku: str = Field(alias="balance.product.sku")
    lot: str | None = Field(None, alias="balance.lot.number")
    lpn: str | None = Field(None, alias="balance.lpn.code")
    quantity: int
    original_quantity: int
    status: str


def _ship_to(obj: Any) -> dict[str, str]:
    return {name: getattr(obj, f"ship_to_{name}") for name in ShipToOut.model_fields}


class OrderSummaryOut(Schema):
    id: int
    client: str = Field(alias="client.code")
    warehouse: str = Field(alias="warehouse.code")
    reference: str
    status: OrderStatus
    ship_to: ShipToOut
    carrier_service: str
    service_level: ServiceLevel
    priority: int
    ship_by: datetime.date | None
    deliver_by: datetime.date | None
    total_units: int
    line_count: int
    wave: str | None = Field(None, alias="wave.number")
    created_at: datetime.datetime
    lines: list[OrderLineOut]

    @staticmethod
    def resolve_ship_to(obj: Any) -> dict[str, str]:
        return _ship_to(obj)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class OrderOut(OrderSummaryOut):
    """An order with its lines and the reservations made for them."""

    allocations: list[AllocationOut]


class OrderQuery(Schema):
    status: OrderStatus | None = None
    client: Text = Field("", max_length=100, description="Client code.")
    warehouse: Text = Field("", max_length=100, description="Warehouse code.")
    reference: Text = Field("", max_length=100, description="The whole reference.")
    ship_by_from: datetime.date | None = Field(None, description="Ship-by on or after.")
    ship_by_to: datetime.date | None = Field(None, description="Ship-by on or before.")

    def filters(self) -> dict[str, Any]:
        """picking.selectors.OrderFilters' fields."""
        return {
            "status": self.status or "",
            "client_code": self.client,
            "warehouse_code": self.warehouse,
            "reference": self.reference,
            "ship_by_from": self.ship_by_from,
            "ship_by_to": self.ship_by_to,
        }


class AllocationResultOut(Schema):
    summary: str
    allocated: list[str]
    partially_allocated: list[str]
    backordered: list[str]
    skipped: list[str]
    units: int
    order: OrderOut


# --- Waves ------------------------------------------------------------------------------------

Units = Literal["", "single", "multi"]


class WaveFiltersIn(Input):
    """The planning page's filter over open orders (the shape saved wave rules store)."""

    client: Code = Field("", max_length=32, description="Client code.")
    carrier_service: Text = Field("", max_length=64)
    ship_by_from: datetime.date | None = None
    ship_by_to: datetime.date | None = None
    zone: Code = Field("", max_length=16, description="A zone code of the wave's warehouse.")
    units: Units = Field("", description="single: one-unit orders; multi: the others.")


class WaveIn(Input):
    warehouse: Code = Field(min_length=1, max_length=16, description="Warehouse code.")
    order_ids: list[Id] | None = Field(None, min_length=1, max_length=MAX_WAVE_ORDERS)
    filters: WaveFiltersIn | None = None
    max_orders: Int32 = Field(
        MAX_WAVE_ORDERS, ge=1, le=MAX_WAVE_ORDERS, description="With filters: the most urgent N."
    )
    pick_method: PickMethod = PickMethod.DISCRETE

    @model_validator(mode="after")
    def orders_named_once(self) -> WaveIn:
        if (self.order_ids is None) == (self.filters is None):
            raise ValueError("Give either order_ids or filters.")
        return self


class WaveReleaseIn(Input):
    pick_method: PickMethod | None = None
    orders_per_cart: Int32 | None = Field(None, ge=1, le=26)
    staging_location: Code | None = Field(
        None,
        min_length=1,
        max_length=32,
        description="A staging location's code in the wave's warehouse.",
    )


class ProgressOut(Schema):
    lines_total: int
    lines_picked: int
    lines_short: int
    lines_remaining: int
    units_total: int
    units_picked: int
    units_short: int
    units_remaining: int
    percent_done: int


class PickListOut(Schema):
    id: int
    number: str
    method: PickMethod
    status: PickListStatus
    zone: str | None = Field(None, alias="zone.code")
    assigned_to: str | None = Field(None, alias="assigned_to.email")
    lines_total: int
    lines_done: int
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None


class WaveSummaryOut(Schema):
    id: int
    number: str
    warehouse: str = Field(alias="warehouse.code")
    status: WaveStatus
    pick_method: PickMethod
    orders_per_cart: int
    staging_location: str | None = Field(None, alias="staging_location.code")
    filters: dict[str, Any]
    order_count: int
    created_at: datetime.datetime
    released_at: datetime.datetime | None
    finished_at: datetime.datetime | None


class WaveOut(WaveSummaryOut):
    """A wave with its orders, progress and pick lists."""

    orders: list[str]
    progress: ProgressOut
    pick_lists: list[PickListOut]
    message: str = ""

    # Set on the wave by picking.api (selectors.wave_orders, wave_progress, wave_pick_lists).
    @staticmethod
    def resolve_orders(obj: Any) -> list[str]:
        return list(obj.order_refs)

    @staticmethod
    def resolve_progress(obj: Any) -> dict[str, Any]:
        progress = obj.progress
        return asdict(progress) | {"percent_done": progress.percent_done}

    @staticmethod
    def resolve_pick_lists(obj: Any) -> list[Any]:
        return list(obj.lists)

    @staticmethod
    def resolve_message(obj: Any) -> str:
        return str(getattr(obj, "message", ""))


# --- Pick tasks -------------------------------------------------------------------------------


class PickTaskQuery(Schema):
    pick_list: Text = Field("", max_length=100, description="A pick list number.")
    status: PickLineStatus | None = None
    mine: bool = Field(False, description="Only lines of lists assigned to you.")


class PickTaskOut(Schema):
    id: int
    pick_list_id: int
    pick_list: str = Field(alias="pick_list.number")
    wave: str = Field(alias="pick_list.wave.number")
    assigned_to: str | None = Field(None, alias="pick_list.assigned_to.email")
    order_id: int
    order: str = Field(alias="order.reference")
    sequence: int
    location: str = Field(alias="location.code")
    sku: str = Field(alias="product.sku")
    lot: str | None = Field(None, alias="lot.number")
    lpn: str | None = Field(None, alias="lpn.code")
    quantity: int
    picked_qty: int
    short_qty: int
    remaining: int
    status: PickLineStatus
    tote: str | None
    picked_at: datetime.datetime | None

    @staticmethod
    def resolve_tote(obj: Any) -> str | None:
        return getattr(obj, "tote_code", None) or None


class _ItemScan(Input):
    """What was scanned for the item: `item_code` (any barcode, SKU or LPN), or `product` (a
    SKU) or `barcode`; they mean the same to the check, so give one."""

    location: Code = Field(min_length=1, max_length=64, description="The bin's code or barcode.")
    item_code: Scan | None = Field(None, min_length=1, max_length=200)
    product: Code | None = Field(None, min_length=1, max_length=64, description="A SKU.")
    barcode: Scan | None = Field(None, min_length=1, max_length=200)
    lot: Code = Field("", max_length=64)
    tote: Code = Field("", max_length=32, description="The order's tote on a cluster cart.")

    def scanned_item(self) -> str:
        return self.item_code or self.product or self.barcode or ""

    def items_given(self) -> int:
        return sum(value is not None for value in (self.item_code, self.product, self.barcode))


class PickConfirmIn(_ItemScan):
    quantity: Quantity | None = Field(None, description="Default: all that is left.")

    @model_validator(mode="after")
    def one_item(self) -> PickConfirmIn:
        if self.items_given() != 1:
            raise ValueError("Give exactly one of item_code, product or barcode.")
        return self


class PickShortIn(_ItemScan):
    found_quantity: Int32 = Field(ge=0, description="How many are in the bin (0 or more).")

    @model_validator(mode="after")
    def at_most_one_item(self) -> PickShortIn:
        if self.items_given() > 1:
            raise ValueError("Give at most one of item_code, product or barcode.")
        if self.found_quantity and not self.items_given():
            raise ValueError("Scan the item (item_code, product or barcode) for the units found.")
        return self


class PickResultOut(Schema):
    picked: int
    remaining: int
    short: int
    reallocated: int
    tote: str
    list_done: bool
    message: str
    task: PickTaskOut


class NextWorkIn(Input):
    warehouse: Code | None = Field(
        default=None, max_length=16, description="Warehouse code; defaults to your only warehouse."
    )
    zones: list[Code] = Field(
        default_factory=list, max_length=100, description="Zone codes you will pick in."
    )


class NextWorkOut(Schema):
    pick_list: str | None
    method: str | None
    tasks: list[PickTaskOut]
