"""Clients, warehouses, zones and locations."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from inventory.models import LocationKind, StorageType
from wms.schemas import Input, Patch
from wms.validation import Code, IdParam, Int32, Int64, Text

# --- Clients and warehouses -------------------------------------------------------------------


class ClientOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool


class ClientIn(Input):
    code: Code = Field(min_length=1, max_length=32, pattern=r"^[-a-zA-Z0-9_]+$")
    name: Text = Field(min_length=1, max_length=120)


class ClientPatch(Patch):
    code: Code | None = Field(None, min_length=1, max_length=32, pattern=r"^[-a-zA-Z0-9_]+$")
    name: Text | None = Field(None, min_length=1, max_length=120)
    is_active: bool | None = Field(None)


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    time_zone: str
    address_line1: str
    city: str
    postal_code: str
    country: str
    is_active: bool


class WarehouseIn(Input):
    code: Code = Field(min_length=1, max_length=16)
    name: Text = Field(min_length=1, max_length=120)
    address_line1: Text = Field("", max_length=200)
    city: Text = Field("", max_length=100)
    postal_code: Text = Field("", max_length=20)
    country: Code = Field("US", pattern=r"^[A-Z]{2}$")
    time_zone: Code = Field("UTC", max_length=64, description="An IANA name, e.g. Europe/Berlin.")


class WarehousePatch(Patch):
    code: Code | None = Field(None, min_length=1, max_length=16)
    name: Text | None = Field(None, min_length=1, max_length=120)
    address_line1: Text | None = Field(None, max_length=200)
    city: Text | None = Field(None, max_length=100)
    postal_code: Text | None = Field(None, max_length=20)
    country: Code | None = Field(None, pattern=r"^[A-Z]{2}$")
    time_zone: Code | None = Field(None, max_length=64)
    is_active: bool | None = Field(None)


# --- Zones and locations ----------------------------------------------------------------------


class ZoneOut(Schema):
    id: int
    warehouse_id: int
    warehouse: str = Field(alias="warehouse.code")
    code: str
    name: str
    storage_class: str


class ZoneQuery(Schema):
    warehouse: Text = Field("", max_length=100, description="Warehouse code.")
    warehouse_id: IdParam | None = None


class ZoneIn(Input):
    warehouse: Code = Field(min_length=1, max_length=16, description="Warehouse code.")
    code: Code = Field(min_length=1, max_length=16)
    name: Text = Field("", max_length=120)
    storage_class: Text = Field("", max_length=32)


class ZonePatch(Patch):
    code: Code | None = Field(None, min_length=1, max_length=16)
    name: Text | None = Field(None, max_length=120)
    storage_class: Text | None = Field(None, max_length=32)


class LocationOut(Schema):
    id: int
    warehouse_id: int
    warehouse: str = Field(alias="warehouse.code")
    zone_id: int | None
    zone: str | None = Field(None, alias="zone.code")
    code: str
    barcode: str
    kind: LocationKind
    storage_type: StorageType
    is_virtual: bool
    is_pickable: bool
    is_blocked: bool
    blocked_reason: str
    pick_sequence: int
    max_units: int | None
    max_volume_cm3: int | None
    max_weight_g: int | None


class LocationQuery(Schema):
    warehouse: Text = Field("", max_length=100, description="Warehouse code.")
    warehouse_id: IdParam | None = None
    zone_id: IdParam | None = None
    kind: LocationKind | None = None
    code: Text = Field("", max_length=100)
    is_virtual: bool | None = None
    is_pickable: bool | None = None

    def filters(self) -> dict[str, Any]:
        """selectors.search_locations' keyword arguments."""
        return {
            "warehouse": self.warehouse_id,
            "warehouse_code": self.warehouse,
            "zone": self.zone_id,
            "kind": self.kind or "",
            "code": self.code,
            "is_virtual": self.is_virtual,
            "is_pickable": self.is_pickable,
        }


class LocationIn(Input):
    warehouse: Code = Field(min_length=1, max_length=16, description="Warehouse code.")
    zone: Code | None = Field(None, max_length=16, description="Zone code in that warehouse.")
    code: Code = Field(min_length=1, max_length=32)
    barcode: Code = Field("", max_length=64, description="Defaults to the code.")
    kind: LocationKind = LocationKind.STORAGE
    storage_type: StorageType = Field(
        StorageType.BIN, description="Storage space as rate cards price it per location-day."
    )
    pick_sequence: Int32 = Field(0, ge=0)
    max_units: Int32 | None = Field(None, ge=1)
    max_volume_cm3: Int64 | None = Field(None, ge=1)
    max_weight_g: Int64 | None = Field(None, ge=1)
    is_pickable: bool = False
    is_blocked: bool = False
    blocked_reason: Text = Field("", max_length=200)

    def fields(self) -> dict[str, Any]:
        """Model fields other than the references (warehouse, zone) and the code."""
        data = self.model_dump(exclude={"warehouse", "zone", "code"})
        if not data["barcode"]:
            del data["barcode"]
        return data


class LocationPatch(Patch):
    NULLABLE = frozenset({"zone", "max_units", "max_volume_cm3", "max_weight_g"})

    zone: Code | None = Field(
        None, max_length=16, description="Zone code in the location's warehouse; null clears."
    )
    code: Code | None = Field(None, min_length=1, max_length=32)
    barcode: Code | None = Field(None, min_length=1, max_length=64)
    kind: LocationKind | None = Field(None)
    storage_type: StorageType | None = Field(None)
    pick_sequence: Int32 | None = Field(None, ge=0)
    max_units: Int32 | None = Field(None, ge=1)
    max_volume_cm3: Int64 | None = Field(None, ge=1)
    max_weight_g: Int64 | None = Field(None, ge=1)
    is_pickable: bool | None = Field(None)
    is_blocked: bool | None = Field(None)
    blocked_reason: Text | None = Field(None, max_length=200)
