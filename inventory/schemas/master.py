"""Clients, warehouses, zones and locations."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from inventory.models import LocationKind, StorageType
from inventory.schemas.base import Input, Patch, StrictInt

# --- Clients and warehouses -------------------------------------------------------------------


class ClientOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool


class ClientIn(Input):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=120)


class ClientPatch(Patch):
    code: str | None = Field(None, min_length=1, max_length=32, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str | None = Field(None, min_length=1, max_length=120)
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
    code: str = Field(min_length=1, max_length=16)
    name: str = Field(min_length=1, max_length=120)
    address_line1: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    country: str = Field("US", pattern=r"^[A-Z]{2}$")
    time_zone: str = Field("UTC", max_length=64, description="An IANA name, e.g. Europe/Berlin.")


class WarehousePatch(Patch):
    code: str | None = Field(None, min_length=1, max_length=16)
    name: str | None = Field(None, min_length=1, max_length=120)
    address_line1: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=100)
    postal_code: str | None = Field(None, max_length=20)
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    time_zone: str | None = Field(None, max_length=64)
    is_active: bool | None = Field(None)


# --- Zones and locations ----------------------------------------------------------------------


class ZoneOut(Schema):
    id: int
    warehouse_id: int
    warehouse: str
    code: str
    name: str
    storage_class: str

    @staticmethod
    def resolve_warehouse(obj: Any) -> str:
        return str(obj.warehouse.code)


class ZoneQuery(Schema):
    warehouse: str = Field("", description="Warehouse code.")
    warehouse_id: int | None = None


class ZoneIn(Input):
    warehouse: str = Field(min_length=1, description="Warehouse code.")
    code: str = Field(min_length=1, max_length=16)
    name: str = Field("", max_length=120)
    storage_class: str = Field("", max_length=32)


class ZonePatch(Patch):
    code: str | None = Field(None, min_length=1, max_length=16)
    name: str | None = Field(None, max_length=120)
    storage_class: str | None = Field(None, max_length=32)


class LocationOut(Schema):
    id: int
    warehouse_id: int
    warehouse: str
    zone_id: int | None
    zone: str | None
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

    @staticmethod
    def resolve_warehouse(obj: Any) -> str:
        return str(obj.warehouse.code)

    @staticmethod
    def resolve_zone(obj: Any) -> str | None:
        return obj.zone.code if obj.zone_id else None


class LocationQuery(Schema):
    warehouse: str = Field("", description="Warehouse code.")
    warehouse_id: int | None = None
    zone_id: int | None = None
    kind: LocationKind | None = None
    code: str = ""
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
    warehouse: str = Field(min_length=1, description="Warehouse code.")
    zone: str | None = Field(None, description="Zone code in that warehouse.")
    code: str = Field(min_length=1, max_length=32)
    barcode: str = Field("", max_length=64, description="Defaults to the code.")
    kind: LocationKind = LocationKind.STORAGE
    storage_type: StorageType = Field(
        StorageType.BIN, description="Storage space as rate cards price it per location-day."
    )
    pick_sequence: StrictInt = Field(0, ge=0)
    max_units: StrictInt | None = Field(None, ge=1)
    max_volume_cm3: StrictInt | None = Field(None, ge=1)
    max_weight_g: StrictInt | None = Field(None, ge=1)
    is_pickable: bool = False
    is_blocked: bool = False
    blocked_reason: str = Field("", max_length=200)

    def fields(self) -> dict[str, Any]:
        """Model fields other than the references (warehouse, zone) and the code."""
        data = self.model_dump(exclude={"warehouse", "zone", "code"})
        if not data["barcode"]:
            del data["barcode"]
        return data


class LocationPatch(Patch):
    NULLABLE = frozenset({"zone", "max_units", "max_volume_cm3", "max_weight_g"})

    zone: str | None = Field(
        None, description="Zone code in the location's warehouse; null clears."
    )
    code: str | None = Field(None, min_length=1, max_length=32)
    barcode: str | None = Field(None, min_length=1, max_length=64)
    kind: LocationKind | None = Field(None)
    storage_type: StorageType | None = Field(None)
    pick_sequence: StrictInt | None = Field(None, ge=0)
    max_units: StrictInt | None = Field(None, ge=1)
    max_volume_cm3: StrictInt | None = Field(None, ge=1)
    max_weight_g: StrictInt | None = Field(None, ge=1)
    is_pickable: bool | None = Field(None)
    is_blocked: bool | None = Field(None)
    blocked_reason: str | None = Field(None, max_length=200)
