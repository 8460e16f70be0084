"""The API's shapes for inventory control. A count task as the API shows it never carries the
quantity the ledger expects in the bin: the count is blind for API clients too."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from control.models import CountStatus, HoldKind, HoldReason, ReplenishmentStatus
from wms.schemas import Input
from wms.validation import Code, Id, Int32, Quantity, Scan, Text


class CountTaskOut(Schema):
    id: int
    warehouse: str = Field(alias="warehouse.code")
    location: str = Field(alias="location.code")
    source: str
    status: str
    round: int
    priority: int
    assigned_to: int | None = Field(None, alias="assigned_to_id")
    created_at: datetime.datetime


class CountTaskQuery(Schema):
    status: CountStatus | None = None


class CountedItemIn(Input):
    item: Scan = Field(max_length=64, description="A product or case barcode, or the SKU.")
    quantity: Int32 = Field(ge=0, description="Units (cases for a case barcode); 0 or more.")
    lot: Scan = Field("", max_length=64)
    lpn: Scan = Field("", max_length=32)


class CountIn(Input):
    location: Scan = Field(max_length=64, description="The bin as scanned: its code or barcode.")
    items: list[CountedItemIn] = Field(default_factory=list, max_length=500)


class DecisionIn(Input):
    note: Text = Field("", max_length=200)


class HoldIn(Input):
    kind: HoldKind
    reason: HoldReason
    warehouse: Code = Field("", max_length=16, description="For a location or LPN hold.")
    client: Code = Field("", max_length=32, description="For a product or lot hold.")
    sku: Code = Field("", max_length=64)
    lot: Code = Field("", max_length=64)
    location: Code = Field("", max_length=32)
    lpn: Code = Field("", max_length=32)
    note: Text = Field("", max_length=200)


class HoldReleaseIn(Input):
    note: Text = Field("", max_length=200)


class HoldOut(Schema):
    id: int
    kind: str
    reason: str
    status: str
    note: str
    sku: str | None = Field(None, alias="product.sku")
    lot: str | None = Field(None, alias="lot.number")
    location: str | None = Field(None, alias="location.code")
    lpn: str | None = Field(None, alias="lpn.code")
    held_units: int
    created_at: datetime.datetime
    released_at: datetime.datetime | None
    release_note: str


class ReplenishmentTaskOut(Schema):
    id: int
    warehouse: str = Field(alias="warehouse.code")
    location: str = Field(alias="location.code")
    from_location: str | None = Field(None, alias="from_location.code")
    sku: str = Field(alias="product.sku")
    lot: str | None = Field(None, alias="lot.number")
    quantity: int
    trigger: str
    status: str
    created_at: datetime.datetime


class ReplenishmentTaskQuery(Schema):
    status: ReplenishmentStatus | None = None


class ReplenishmentDoneIn(Input):
    from_location: Scan = Field(max_length=64, description="The source bin as scanned.")
    to_location: Scan = Field(max_length=64, description="The pick face as scanned.")
    quantity: Quantity | None = None


class WorkNextIn(Input):
    warehouse: Code = Field(max_length=16)


class WorkItemOut(Schema):
    kind: str
    id: int = Field(alias="pk")
    label: str
    url: str
    priority: int


class TransferLineIn(Input):
    client: Code = Field(max_length=32)
    sku: Code = Field(max_length=64)
    lot: Code = Field("", max_length=64)
    location: Code = Field(max_length=32, description="The bin it leaves from.")
    quantity: Quantity


class TransferIn(Input):
    from_warehouse: Code = Field(max_length=16)
    to_warehouse: Code = Field(max_length=16)
    lines: list[TransferLineIn] = Field(min_length=1, max_length=200)
    note: Text = Field("", max_length=200)


class TransferReceiptLineIn(Input):
    line_id: Id
    quantity: Int32 = Field(ge=0)


class TransferReceiveIn(Input):
    location: Code = Field(max_length=32, description="The receiving bin.")
    lines: list[TransferReceiptLineIn] | None = Field(
        None, max_length=200, description="Scanned quantities per line; left out: blind, all."
    )


class TransferLineOut(Schema):
    id: int
    sku: str = Field(alias="product.sku")
    lot: str | None = Field(None, alias="lot.number")
    from_location: str = Field(alias="from_location.code")
    quantity: int
    received_qty: int
    in_transit: int


class TransferOut(Schema):
    id: int
    number: str
    from_warehouse: str = Field(alias="from_warehouse.code")
    to_warehouse: str = Field(alias="to_warehouse.code")
    status: str
    note: str
    lines: list[TransferLineOut]
    created_at: datetime.datetime
    shipped_at: datetime.datetime | None
    received_at: datetime.datetime | None
