"""Request and response bodies of the shipments and manifests API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from picking.schemas import ShipToIn
from wms.schemas import Input
from wms.validation import Code, Text


class RateOut(Schema):
    id: str
    carrier: str
    service: str
    amount: Decimal
    currency: str
    delivery_days: int | None = None
    delivery_date: dt.date | None = None
    chosen: bool = False


class RateMessageOut(Schema):
    carrier: str
    message: str


class ShipmentSummaryOut(Schema):
    id: int
    status: str
    order_id: int
    order_reference: str = Field(alias="order.reference")
    carton_number: int
    warehouse: str = Field(alias="warehouse.code")
    carrier: str
    service: str
    amount: Decimal | None
    currency: str
    tracking_code: str
    tracking_status: str
    attention_message: str
    created_at: dt.datetime

    @staticmethod
    def resolve_carton_number(obj: Any) -> int:
        return int(obj.carton.number)


class ShipmentOut(ShipmentSummaryOut):
    easypost_id: str
    rate_id: str = Field(description="The chosen (bought) rate; empty until bought.")
    rates: list[RateOut]
    rate_messages: list[RateMessageOut]
    delivery_days: int | None
    refund_status: str
    attempts: int
    manifest_id: int | None
    purchased_at: dt.datetime | None
    shipped_at: dt.datetime | None
    label_formats: list[str] = Field(description="Formats GET …/label serves: pdf, zpl.")

    @staticmethod
    def resolve_rates(obj: Any) -> list[dict[str, Any]]:
        return [
            {**rate, "chosen": bool(obj.rate_id) and rate.get("id") == obj.rate_id}
            for rate in obj.rates or []
        ]

    @staticmethod
    def resolve_rate_messages(obj: Any) -> list[dict[str, Any]]:
        return [
            {"carrier": m.get("carrier", ""), "message": m.get("message", "")}
            for m in obj.rate_messages or []
        ]

    @staticmethod
    def resolve_label_formats(obj: Any) -> list[str]:
        formats = []
        if obj.label_pdf:
            formats.append("pdf")
        if obj.label_zpl:
            formats.append("zpl")
        return formats


class ReconcileOut(Schema):
    outcome: str = Field(
        description="recorded (EasyPost had sold a label: recorded, nothing bought), documents "
        "(label files fetched again), rating (no label at EasyPost: rated again), voided, "
        "void_cleared (EasyPost has no refund: the label is valid), unchanged."
    )
    message: str
    shipment: ShipmentOut


class ShipmentQuery(Schema):
    status: Text = Field("", max_length=100)
    order: Text = Field("", max_length=100, description="An order reference or id.")
    carrier: Text = Field("", max_length=100)
    warehouse: Text = Field("", max_length=100, description="A warehouse code.")


class RetryIn(Input):
    ship_to: ShipToIn | None = Field(
        None, description="A corrected ship-to for the order, saved before rating again."
    )


class ManifestIn(Input):
    warehouse: Code = Field(min_length=1, max_length=16, description="A warehouse code.")
    carrier: Code = Field(min_length=1, max_length=32, description="As EasyPost names it: USPS…")
    date: dt.date = Field(description="The day whose label purchases go on the manifest.")


class ManifestOut(Schema):
    id: int
    warehouse: str = Field(alias="warehouse.code")
    carrier: str
    date: dt.date
    status: str = Field(
        description="requested (EasyPost not answered yet), creating (waiting for the carrier's "
        "form), ready (its PDF is stored), failed (see `message`; its shipments are free again)."
    )
    message: str
    easypost_id: str
    shipment_ids: list[int]
    tracking_codes: list[str]
    created_at: dt.datetime

    @staticmethod
    def resolve_shipment_ids(obj: Any) -> list[int]:
        return [s.pk for s in obj.shipments.order_by("pk")]

    @staticmethod
    def resolve_tracking_codes(obj: Any) -> list[str]:
        return [s.tracking_code for s in obj.shipments.order_by("pk")]
