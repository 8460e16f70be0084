"""LPNs, balances, the ledger and adjustments."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

from inventory.models import InventoryStatus, LpnKind, Reason
from inventory.schemas.base import Input, StrictInt
from inventory.schemas.products import ProductRef
from inventory.selectors import BalanceFilters, MoveFilters

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
    warehouse: str = Field("", description="Warehouse code.")
    warehouse_id: int | None = None
    location: str = Field("", description="Location code.")
    location_id: int | None = None
    code: str = ""

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
    code: str = Field(min_length=1, max_length=32)
    kind: LpnKind = LpnKind.PALLET
    warehouse: str = Field(min_length=1, description="Warehouse code.")


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
    client: str = Field("", description="Client code.")
    client_id: int | None = None
    warehouse: str = Field("", description="Warehouse code.")
    warehouse_id: int | None = None
    zone_id: int | None = None
    product_id: int | None = None
    sku: str = ""
    location: str = Field("", description="Location code.")
    location_id: int | None = None
    lot: str = Field("", description="Lot number.")
    status: InventoryStatus | None = None
    lpn: str = Field("", description="LPN code.")
    lpn_id: int | None = None

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
    product_id: int | None = None
    sku: str = ""
    client: str = Field("", description="Client code.")
    warehouse_id: int | None = None
    location_id: int | None = Field(None, description="Moves into or out of this location.")
    location: str = Field("", description="Location code; moves into or out of it.")
    reason: Reason | None = None
    reference_type: str = ""
    reference_id: str = ""
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
    location_id: StrictInt | None = Field(None, description="Or give location and warehouse.")
    location: str | None = Field(None, min_length=1, description="Location code.")
    warehouse: str | None = Field(None, min_length=1, description="Warehouse code, with location.")
    quantity: StrictInt = Field(description="Units to add (positive) or remove (negative).")
    reason_code: str = Field(min_length=1, max_length=32)
    lot: str | None = Field(None, min_length=1, max_length=64, description="Lot number.")
    lpn: str | None = Field(None, min_length=1, max_length=32, description="LPN code.")
    status: InventoryStatus = InventoryStatus.AVAILABLE
    note: str = Field("", max_length=200)

    @field_validator("quantity")
    @classmethod
    def quantity_not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("Adjust by a whole number other than zero.")
        return value
