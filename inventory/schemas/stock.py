"""LPNs, balances, the ledger and adjustments."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

from inventory.models import InventoryStatus, LpnKind, Reason
from inventory.schemas.products import ProductRef
from inventory.selectors import BalanceFilters, MoveFilters
from wms.schemas import Input
from wms.validation import INT_MAX, Code, Id, IdParam, Int32, Text

# --- LPNs -------------------------------------------------------------------------------------


class LpnOut(Schema):
    id: int
    code: str
    kind: LpnKind
    warehouse_id: int
    warehouse: str
    location_id: int | None
    location: str | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_warehouse(obj: Any) -> str:
        return str(obj.warehouse.code)

    @staticmethod
    def resolve_location(obj: Any) -> str | None:
        return obj.location.code if obj.location_id else None


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
    client: str
    warehouse: str
    location_id: int
    location: str
    zone: str | None
    product_id: int
    sku: str
    lot: str | None
    expiry_date: datetime.date | None
    lpn: str | None
    status: InventoryStatus
    on_hand: int
    allocated: int
    available: int

    @staticmethod
    def resolve_client(obj: Any) -> str:
        return str(obj.product.client.code)

    @staticmethod
    def resolve_warehouse(obj: Any) -> str:
        return str(obj.warehouse.code)

    @staticmethod
    def resolve_location(obj: Any) -> str:
        return str(obj.location.code)

    @staticmethod
    def resolve_zone(obj: Any) -> str | None:
        return obj.location.zone.code if obj.location.zone_id else None

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.product.sku)

    @staticmethod
    def resolve_lot(obj: Any) -> str | None:
        return obj.lot.number if obj.lot_id else None

    @staticmethod
    def resolve_expiry_date(obj: Any) -> datetime.date | None:
        return obj.lot.expiry_date if obj.lot_id else None

    @staticmethod
    def resolve_lpn(obj: Any) -> str | None:
        return obj.lpn.code if obj.lpn_id else None


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
    client: str
    warehouse: str
    product_id: int
    sku: str
    lot: str | None
    quantity: int
    from_location_id: int
    from_location: str
    to_location_id: int
    to_location: str
    from_lpn: str | None
    to_lpn: str | None
    from_status: InventoryStatus
    to_status: InventoryStatus
    reason: Reason
    reason_code: str
    reference_type: str
    reference_id: str
    note: str

    @staticmethod
    def resolve_client(obj: Any) -> str:
        return str(obj.client.code)

    @staticmethod
    def resolve_warehouse(obj: Any) -> str:
        return str(obj.warehouse.code)

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.product.sku)

    @staticmethod
    def resolve_lot(obj: Any) -> str | None:
        return obj.lot.number if obj.lot_id else None

    @staticmethod
    def resolve_from_location(obj: Any) -> str:
        return str(obj.from_location.code)

    @staticmethod
    def resolve_to_location(obj: Any) -> str:
        return str(obj.to_location.code)

    @staticmethod
    def resolve_from_lpn(obj: Any) -> str | None:
        return obj.from_lpn.code if obj.from_lpn_id else None

    @staticmethod
    def resolve_to_lpn(obj: Any) -> str | None:
        return obj.to_lpn.code if obj.to_lpn_id else None


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
