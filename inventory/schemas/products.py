"""Products with their barcodes, and lots."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

from inventory.models import Client, Tracking
from inventory.services.master import BarcodeSpec
from wms.schemas import Input, Patch
from wms.validation import Code, Id, IdParam, Int32, MultilineText, Quantity, Text

MAX_BULK_PRODUCTS = 500

# --- Products ---------------------------------------------------------------------------------


class BarcodeOut(Schema):
    barcode: str
    pack_quantity: int


class BarcodeIn(Input):
    barcode: Code = Field(min_length=1, max_length=64)
    pack_quantity: Quantity = Field(1, description="Eaches in the pack this code is on.")


class ProductOut(Schema):
    id: int
    client_id: int
    client: str = Field(alias="client.code")
    sku: str
    name: str
    description: str
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    weight_g: int | None
    tracking: Tracking
    inner_qty: int | None
    case_qty: int | None
    pallet_qty: int | None
    ships_in_own_container: bool
    is_active: bool
    created_at: datetime.datetime
    barcodes: list[BarcodeOut]


class ProductQuery(Schema):
    client: Text = Field("", max_length=100, description="Client code.")
    client_id: IdParam | None = None
    sku: Text = Field("", max_length=100, description="Exact SKU, any case.")
    search: Text = Field(
        "", max_length=200, description="Part of a SKU or name, or a whole barcode."
    )
    tracking: Tracking | None = None
    is_active: bool | None = None

    def filters(self) -> dict[str, Any]:
        """selectors.search_products' keyword arguments."""
        return {
            "client": self.client_id,
            "client_code": self.client,
            "sku": self.sku,
            "query": self.search,
            "tracking": self.tracking or "",
            "active": self.is_active,
        }


class ProductFields(Input):
    name: Text = Field(min_length=1, max_length=200)
    description: MultilineText = Field("", max_length=5000)
    length_mm: Int32 | None = Field(None, ge=1)
    width_mm: Int32 | None = Field(None, ge=1)
    height_mm: Int32 | None = Field(None, ge=1)
    weight_g: Int32 | None = Field(None, ge=1)
    tracking: Tracking = Tracking.NONE
    inner_qty: Quantity | None = None
    case_qty: Quantity | None = None
    pallet_qty: Quantity | None = None
    ships_in_own_container: bool = False
    is_active: bool = True


class ProductIn(ProductFields):
    client: Code = Field(min_length=1, max_length=32, description="Client code.")
    sku: Code = Field(min_length=1, max_length=64)
    barcodes: list[BarcodeIn] = Field(default_factory=list, max_length=100)

    def create_kwargs(self, client: Client) -> dict[str, Any]:
        """services.master.create_product's keyword arguments, with the client the code names."""
        return {
            **self.model_dump(exclude={"client", "barcodes"}),
            "client": client,
            "barcodes": [BarcodeSpec(b.barcode, b.pack_quantity) for b in self.barcodes],
        }


class ProductBulkIn(Input):
    items: list[ProductIn] = Field(min_length=1, max_length=MAX_BULK_PRODUCTS)


class ProductBulkOut(Schema):
    items: list[ProductOut]
    count: int


class ProductPatch(Patch):
    NULLABLE = frozenset(
        {"length_mm", "width_mm", "height_mm", "weight_g", "inner_qty", "case_qty", "pallet_qty"}
    )

    sku: Code | None = Field(None, min_length=1, max_length=64)
    name: Text | None = Field(None, min_length=1, max_length=200)
    description: MultilineText | None = Field(None, max_length=5000)
    length_mm: Int32 | None = Field(None, ge=1)
    width_mm: Int32 | None = Field(None, ge=1)
    height_mm: Int32 | None = Field(None, ge=1)
    weight_g: Int32 | None = Field(None, ge=1)
    tracking: Tracking | None = Field(None)
    inner_qty: Quantity | None = Field(None)
    case_qty: Quantity | None = Field(None)
    pallet_qty: Quantity | None = Field(None)
    ships_in_own_container: bool | None = Field(None)
    is_active: bool | None = Field(None)
    barcodes: list[BarcodeIn] | None = Field(
        None, max_length=100, description="Replaces all of the product's barcodes."
    )

    def product_changes(self) -> dict[str, Any]:
        return self.model_dump(include=self.model_fields_set - {"barcodes"})

    def barcode_specs(self) -> list[BarcodeSpec] | None:
        if self.barcodes is None:
            return None
        return [BarcodeSpec(b.barcode, b.pack_quantity) for b in self.barcodes]


# --- A product named by id, or by SKU and client code (lots, adjustments) ---------------------


class ProductRef(Input):
    product_id: Id | None = Field(None, description="Or give sku and client.")
    sku: Code | None = Field(None, min_length=1, max_length=64)
    client: Code | None = Field(
        None, min_length=1, max_length=32, description="Client code, with sku."
    )


# --- Lots -------------------------------------------------------------------------------------


class LotOut(Schema):
    id: int
    product_id: int
    sku: str = Field(alias="product.sku")
    client: str = Field(alias="product.client.code")
    number: str
    expiry_date: datetime.date | None
    created_at: datetime.datetime


class LotQuery(Schema):
    product_id: IdParam | None = None
    sku: Text = Field("", max_length=100)
    client: Text = Field("", max_length=100, description="Client code.")


class LotIn(ProductRef):
    number: Code = Field(min_length=1, max_length=64)
    expiry_date: datetime.date | None = None
