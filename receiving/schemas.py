"""Request and response shapes of the receiving API: ASNs with their lines, receipts (the API
twin of a scan), the close-out discrepancy report, and label download options. Input validation
only; the same strict base as the inventory API (JSON integers, no unknown fields)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import model_validator

from inventory.models import InventoryStatus
from receiving.models import AsnStatus, PutawayStatus
from receiving.selectors import DiscrepancyRow
from wms.schemas import Input
from wms.validation import Code, Id, Quantity, Scan, Text

# --- ASNs -------------------------------------------------------------------------------------

MAX_ASN_LINES = 1000


class AsnLineIn(Input):
    product_id: Id | None = Field(None, description="Or give the SKU (of the ASN's client).")
    sku: Code | None = Field(None, min_length=1, max_length=64)
    expected_qty: Quantity
    lot_number: Code = Field("", max_length=64)
    expiry_date: datetime.date | None = None

    @model_validator(mode="after")
    def product_named_once(self) -> AsnLineIn:
        if (self.product_id is None) == (self.sku is None):
            raise ValueError("Give either product_id or sku.")
        return self


class AsnIn(Input):
    client: Code = Field(min_length=1, max_length=32, description="Client code.")
    warehouse: Code = Field(min_length=1, max_length=16, description="Warehouse code.")
    reference: Code = Field(min_length=1, max_length=64, description="Unique per client.")
    carrier: Text = Field("", max_length=120)
    expected_date: datetime.date | None = None
    dock_appointment: datetime.datetime | None = None
    dock_door: Code | None = Field(
        None, min_length=1, max_length=32, description="A dock location's code."
    )
    lines: list[AsnLineIn] = Field(min_length=1, max_length=MAX_ASN_LINES)


class AsnLineOut(Schema):
    id: int
    product_id: int
    sku: str = Field(alias="product.sku")
    expected_qty: int
    lot_number: str
    expiry_date: datetime.date | None
    received_qty: int
    damaged_qty: int


class AsnOut(Schema):
    id: int
    client: str = Field(alias="client.code")
    warehouse: str = Field(alias="warehouse.code")
    reference: str
    carrier: str
    expected_date: datetime.date | None
    dock_appointment: datetime.datetime | None
    dock_door: str | None = Field(None, alias="dock_door.code")
    status: AsnStatus
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    lines: list[AsnLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class AsnQuery(Schema):
    client: Text = Field("", max_length=100, description="Client code.")
    warehouse: Text = Field("", max_length=100, description="Warehouse code.")
    status: AsnStatus | None = None
    reference: Text = Field("", max_length=100, description="The whole reference.")

    def filters(self) -> dict[str, Any]:
        """receiving.selectors.asns_for_user's keyword arguments."""
        return {
            "client_code": self.client,
            "warehouse_code": self.warehouse,
            "status": self.status or "",
            "reference": self.reference,
        }


# --- Receipts ---------------------------------------------------------------------------------

ReceiptStatus = Literal["available", "damaged"]


class ReceiptIn(Input):
    """One scan: a `code` (barcode, case barcode, GS1-128 string or SKU) or a product
    (`product_id`, or `sku` of the ASN's client)."""

    code: Scan | None = Field(None, min_length=1, max_length=200)
    product_id: Id | None = None
    sku: Code | None = Field(None, min_length=1, max_length=64)
    quantity: Quantity | None = Field(
        None, description="Scanned units: eaches, or cases for a case barcode; default 1."
    )
    lot: Code | None = Field(None, min_length=1, max_length=64, description="Lot number.")
    expiry: datetime.date | None = None
    lpn: Code | None = Field(
        None, min_length=1, max_length=32, description="An LPN of the ASN's warehouse."
    )
    status: ReceiptStatus = "available"

    @model_validator(mode="after")
    def one_item(self) -> ReceiptIn:
        given = [name for name in ("code", "product_id", "sku") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("Give exactly one of code, product_id or sku.")
        return self


class BlindReceiptIn(ReceiptIn):
    """Goods that arrived without an ASN (managers only): the warehouse received into and the
    client they belong to by code, then one scan as for an ASN (`sku` and `product_id` name a
    product of that client; `lpn` an LPN of that warehouse)."""

    warehouse: Code = Field(min_length=1, max_length=32, description="Warehouse code.")
    client: Code = Field(min_length=1, max_length=32, description="Client code.")


class LineCounters(Schema):
    id: int
    expected_qty: int
    received_qty: int
    damaged_qty: int


class ReceiptOut(Schema):
    id: int
    asn_id: int | None
    product_id: int
    sku: str = Field(alias="product.sku")
    quantity: int
    lot: str | None = Field(None, alias="lot.number")
    expiry_date: datetime.date | None = Field(None, alias="lot.expiry_date")
    lpn_id: int | None
    lpn: str | None = Field(None, alias="lpn.code")
    location: str = Field(alias="location.code")
    status: InventoryStatus
    is_unexpected: bool
    move_id: int | None
    line: LineCounters | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_move_id(obj: Any) -> int | None:
        return obj.stock_move_id


# --- Close-out --------------------------------------------------------------------------------


class DiscrepancyOut(Schema):
    """A closed ASN's report, read from the numbers stored on it at close-out."""

    asn_id: int
    reference: str
    status: AsnStatus
    closed_at: datetime.datetime | None
    lines: list[DiscrepancyRow]

    @staticmethod
    def resolve_asn_id(obj: Any) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_lines(obj: Any) -> list[DiscrepancyRow]:
        return [DiscrepancyRow(**line) for line in obj.discrepancy]


# --- Labels -----------------------------------------------------------------------------------


class LpnLabelQuery(Schema):
    format: Literal["pdf", "zpl"] = "pdf"
    size: Literal["4x6", "4x2"] = "4x6"


class LocationLabelQuery(Schema):
    format: Literal["pdf", "zpl"] = "pdf"


# --- Putaway tasks ----------------------------------------------------------------------------


class PutawayTaskQuery(Schema):
    warehouse: Text = Field("", max_length=100, description="Warehouse code.")
    status: PutawayStatus | None = Field(
        None, description="Without it, the work still to do (every status but done)."
    )


class PutawayTaskOut(Schema):
    """A task with the engine's proposal and the reason for it."""

    id: int
    warehouse: str = Field(alias="warehouse.code")
    what: str
    lpn: str | None = Field(None, alias="lpn.code")
    sku: str | None = Field(None, alias="product.sku")
    lot: str | None = Field(None, alias="lot.number")
    quantity: int | None
    from_location: str = Field(alias="from_location.code")
    proposed_location: str | None = Field(None, alias="proposed_location.code")
    strategy: str
    reason: str
    status: PutawayStatus
    assigned_to: str | None = Field(None, alias="assigned_to.email")
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    done_at: datetime.datetime | None
    confirmed_location: str | None = Field(None, alias="confirmed_location.code")
    override_reason: str


class PutawayCompleteIn(Input):
    """The destination scan: the location's code or barcode; another location than the proposed
    one needs the override permission and a reason."""

    location: Code = Field(min_length=1, max_length=64, description="The scanned location code.")
    override_reason: Text | None = Field(None, min_length=1, max_length=200)
