"""LPNs, balances, the ledger and adjustments."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from inventory.models import InventoryStatus, LpnKind, Reason
from inventory.schemas.products import ProductRef
from inventory.selectors import BalanceFilters, MoveFilters
from wms.schemas import Input
from wms.validation import INT_MAX, Code, Id, IdParam, Int32, Quantity, Scan, Text

# --- LPNs -------------------------------------------------------------------------------------


class LpnOut(Schema):
    id: int
    code: str
    kind: LpnKind
    warehouse_id: int
    warehouse: str = Field(alias="warehouse.code")
    location_id: int | None
    location: str | None = Field(None, alias="location.code")
    created_at: datetime.datetime


class LpnQuery(Schema):
    warehouse: Text = Field("", max_length=100, description="Warehouse code.")
    warehouse_id: IdParam | None = None
    location: Text = Field("", max_length=100, description="Location code.")
    location_id: IdParam | None = None
    code: Text = Field("", max_length=100)

    def filters(self) -> dict[str, Any]:
        """selectors.search_lpns' keyword arguments."""
        return {
            "warehouse": self.warehouse_id,
            "warehouse_code": self.warehouse,
            "location": self.location_id,
            "location_code": self.location,
            "code": self.code,
        }


class LpnIn(Input):
    code: Code = Field(min_length=1, max_length=32)
    kind: LpnKind = LpnKind.PALLET
    warehouse: Code = Field(min_length=1, max_length=16, description="Warehouse code.")


# --- Stock ------------------------------------------------------------------------------------


class BalanceOut(Schema):
    id: int
    client: str = Field(alias="product.client.code")
    warehouse: str = Field(alias="warehouse.code")
    location_id: int
    location: str = Field(alias="location.code")
    zone: str | None = Field(None, alias="location.zone.code")
    product_id: int
    sku: str = Field(alias="product.sku")
    lot: str | None = Field(None, alias="lot.number")
    expiry_date: datetime.date | None = Field(None, alias="lot.expiry_date")
    lpn: str | None = Field(None, alias="lpn.code")
    status: InventoryStatus
    on_hand: int
    allocated: int
    available: int


class StockTotals(Schema):
    on_hand: int
    allocated: int
    available: int


class InventoryQuery(Schema):
    client: Text = Field("", max_length=100, description="Client code.")
    client_id: IdParam | None = None
    warehouse: Text = Field("", max_length=100, description="Warehouse code.")
    warehouse_id: IdParam | None = None
    zone_id: IdParam | None = None
    product_id: IdParam | None = None
    sku: Text = Field("", max_length=100)
    location: Text = Field("", max_length=100, description="Location code.")
    location_id: IdParam | None = None
    lot: Text = Field("", max_length=100, description="Lot number.")
    status: InventoryStatus | None = None
    lpn: Text = Field("", max_length=100, description="LPN code.")
    lpn_id: IdParam | None = None

    def to_filters(self) -> BalanceFilters:
        return BalanceFilters(
            client_id=self.client_id,
            warehouse_id=self.warehouse_id,
            zone_id=self.zone_id,
            sku=self.sku,
            location_code=self.location,
            lot_number=self.lot,
            status=self.status or "",
            product_id=self.product_id,
            location_id=self.location_id,
            lpn_id=self.lpn_id,
        )


class StockMoveOut(Schema):
    id: int
    created_at: datetime.datetime
    client: str = Field(alias="client.code")
    warehouse: str = Field(alias="warehouse.code")
    product_id: int
    sku: str = Field(alias="product.sku")
    lot: str | None = Field(None, alias="lot.number")
    quantity: int
    from_location_id: int
    from_location: str = Field(alias="from_location.code")
    to_location_id: int
    to_location: str = Field(alias="to_location.code")
    from_lpn: str | None = Field(None, alias="from_lpn.code")
    to_lpn: str | None = Field(None, alias="to_lpn.code")
    from_status: InventoryStatus
    to_status: InventoryStatus
    reason: Reason
    reason_code: str
    reference_type: str
    reference_id: str
    note: str


class StockMoveQuery(Schema):
    product_id: IdParam | None = None
    sku: Text = Field("", max_length=100)
    client: Text = Field("", max_length=100, description="Client code.")
    warehouse_id: IdParam | None = None
    location_id: IdParam | None = Field(None, description="Moves into or out of this location.")
    location: Text = Field(
        "", max_length=100, description="Location code; moves into or out of it."
    )
    reason: Reason | None = None
    reference_type: Text = Field("", max_length=100)
    reference_id: Text = Field("", max_length=100)
    since: datetime.datetime | None = Field(None, description="Created at or after (ISO 8601).")
    until: datetime.datetime | None = Field(None, description="Created before (ISO 8601).")

    def to_filters(self) -> MoveFilters:
        return MoveFilters(
            product_id=self.product_id,
            sku=self.sku,
            client_code=self.client,
            warehouse_id=self.warehouse_id,
            location_id=self.location_id,
            location_code=self.location,
            reason=self.reason or "",
            reference_type=self.reference_type,
            reference_id=self.reference_id,
            since=self.since,
            until=self.until,
        )


class AdjustmentIn(ProductRef):
    location_id: Id | None = Field(None, description="Or give location and warehouse.")
    location: Code | None = Field(None, min_length=1, max_length=32, description="Location code.")
    warehouse: Code | None = Field(
        None, min_length=1, max_length=16, description="Warehouse code, with location."
    )
    quantity: Int32 = Field(
        ge=-INT_MAX, description="Units to add (positive) or remove (negative)."
    )
    reason_code: Code = Field(min_length=1, max_length=32)
    lot: Code | None = Field(None, min_length=1, max_length=64, description="Lot number.")
    lpn: Code | None = Field(None, min_length=1, max_length=32, description="LPN code.")
    status: InventoryStatus = InventoryStatus.AVAILABLE
    note: Text = Field("", max_length=200)

    @field_validator("quantity")
    @classmethod
    def quantity_not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("Adjust by a whole number other than zero.")
        return value


class StockMoveIn(Input):
    kind: Literal["units", "lpn"] = Field(description="units: bin to bin; lpn: a whole LPN.")
    warehouse: Code = Field(max_length=16)
    from_location: Scan = Field("", max_length=64, description="For units: the source bin.")
    to_location: Scan = Field(max_length=64)
    item: Scan = Field("", max_length=64, description="For units: barcode or SKU.")
    quantity: Quantity | None = Field(None, description="For units; all free units if left out.")
    lot: Scan = Field("", max_length=64)
    lpn: Scan = Field("", max_length=32, description="For lpn: the LPN; for units: from LPN.")


class StockMoveResultOut(Schema):
    moves: int
    units: int
    message: str
