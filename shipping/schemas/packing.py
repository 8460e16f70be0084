"""Request and response bodies of the pack station's API routes (shipping.api.packing). Strict like
the rest of the API: unknown fields are refused and integers must be JSON integers."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from pydantic import model_validator

from wms.schemas import Input
from wms.validation import Code, Id, Int32, Quantity, Scan, Text


class ProposedCartonOut(Schema):
    box_type: str = Field(description="Box type code; empty: ships in its own container.")
    box_name: str
    fill_percent: int
    weight_g: int
    contents: list[dict[str, Any]] = Field(description="[{sku, quantity}]")


class CartonizationOut(Schema):
    order_id: int
    reference: str
    box_count: int
    cartons: list[ProposedCartonOut]
    unfit: list[dict[str, str]] = Field(description="[{sku, reason}]: fits no allowed box.")
    without_dimensions: list[str] = Field(
        description="SKUs without dimensions or weight: left out, the packer chooses a box."
    )
    remaining_units: int


class DimsIn(Input):
    length_mm: Int32 = Field(ge=1)
    width_mm: Int32 = Field(ge=1)
    height_mm: Int32 = Field(ge=1)
    tare_weight_g: Int32 = Field(0, ge=0)


class PackItemIn(Input):
    code: Scan = Field("", max_length=64, description="A barcode of the product.")
    sku: Code = Field("", max_length=64)
    quantity: Quantity = 1
    lot: Code = Field("", max_length=64)

    @model_validator(mode="after")
    def one_code(self) -> PackItemIn:
        if not (self.code or self.sku):
            raise ValueError("Give the item's barcode (code) or its sku.")
        return self

    def scanned(self) -> str:
        return self.code or self.sku


class CartonPackIn(Input):
    carton_id: Id | None = Field(None, description="An open carton to pack into; else a new one.")
    box_type: Code = Field("", max_length=32, description="Box type code for a new carton.")
    dims: DimsIn | None = Field(None, description="A new carton's size when not a catalog box.")
    pack_station: Code = Field("", max_length=32, description="Pack station location code.")
    items: list[PackItemIn] = Field(default_factory=list, max_length=500)


class CartonLineOut(Schema):
    sku: str
    lot: str
    quantity: int


class CartonOut(Schema):
    id: int
    order_id: int
    number: int
    sscc: str
    status: str
    box_type: str
    length_mm: int
    width_mm: int
    height_mm: int
    tare_weight_g: int
    weight_g: int | None
    pack_station: str
    lines: list[CartonLineOut]
    order_status: str
    order_remaining_units: int


class MaterialIn(Input):
    code: Code = Field(min_length=1, max_length=32)
    quantity: Quantity = 1


class CartonCloseIn(Input):
    weight_g: Int32 = Field(ge=1)
    materials: list[MaterialIn] = Field(default_factory=list, max_length=50)
    override_reason: Text = Field("", max_length=200)


class ShipmentBriefOut(Schema):
    id: int
    carton_id: int
    status: str


class CartonCloseOut(Schema):
    carton: CartonOut
    expected_weight_g: int
    order_packed: bool
    shipments: list[ShipmentBriefOut]
    message: str


class CartonUnpackOut(Schema):
    carton: CartonOut
    units_returned: int = Field(description="Units moved back out of the carton (0: it was empty).")
    message: str


class CartonShipIn(Input):
    ship_dock: Code = Field(
        min_length=1,
        max_length=32,
        description="The code of the ship dock the carton is loaded at.",
    )


class CartonShipOut(Schema):
    carton_id: int
    shipment_id: int
    shipment_status: str
    carrier: str
    tracking_code: str
    order_id: int
    order_reference: str
    order_shipped: bool = Field(description="This was the order's last carton: it has shipped.")
    cartons_left: int = Field(description="Cartons of the order still to load.")
    message: str
