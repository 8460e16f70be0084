"""Request and response bodies of the billing API. Strict like inventory's (unknown fields are
refused, integers must be JSON integers); money and quantities are decimal strings or numbers in,
strings out. Prices are checked against the rate card's rules by the service (field errors name
`rules.<n>.<field>`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from billing.models import Basis, PeriodKind, RuleKind, StorageMode
from wms.schemas import Input
from wms.validation import Code, Id, IdParam, Int32, Text


class RuleIn(Input):
    kind: RuleKind
    basis: Basis
    unit_price: Decimal = Field(Decimal("0"), max_digits=14, decimal_places=4)
    markup_percent: Decimal = Field(Decimal("0"), max_digits=7, decimal_places=3)
    markup_flat: Decimal = Field(Decimal("0"), max_digits=14, decimal_places=4)
    storage_type: Code = Field("", max_length=16, description="Location-day rules: bin, shelf, …")
    tier_from: Int32 | None = Field(None, ge=1, le=1_000_000, description="Unit ranges.")
    tier_to: Int32 | None = Field(None, ge=1, le=1_000_000)
    description: Text = Field("", max_length=200)


class VersionIn(Input):
    effective_from: dt.date
    storage_mode: StorageMode = StorageMode.DAILY
    note: Text = Field("", max_length=200)
    rules: list[RuleIn] = Field(min_length=1, max_length=200)


class RateCardIn(Input):
    client: Code = Field(min_length=1, max_length=32, description="Client code.")
    name: Text = Field(min_length=1, max_length=120)
    period_kind: PeriodKind = PeriodKind.MONTHLY
    version: VersionIn | None = Field(None, description="Its first version, if given now.")


class RuleOut(Schema):
    id: int
    kind: str
    basis: str
    label: str
    unit_price: Decimal
    markup_percent: Decimal
    markup_flat: Decimal
    storage_type: str
    tier_from: int | None
    tier_to: int | None
    description: str


class VersionOut(Schema):
    id: int
    number: int
    effective_from: dt.date
    storage_mode: str
    note: str
    created_at: dt.datetime
    rules: list[RuleOut]

    @staticmethod
    def resolve_rules(obj: Any) -> list[Any]:
        return list(obj.rules.all())


class RateCardOut(Schema):
    id: int
    client: str
    client_name: str
    name: str
    period_kind: str
    versions: list[VersionOut]

    @staticmethod
    def resolve_client(obj: Any) -> str:
        return str(obj.client.code)

    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        return str(obj.client.name)

    @staticmethod
    def resolve_versions(obj: Any) -> list[Any]:
        return list(obj.versions.prefetch_related("rules").order_by("-effective_from", "-number"))


class ChargeQuery(Schema):
    client: Code = Field("", max_length=32, description="Client code.")
    period_id: IdParam | None = None
    kind: RuleKind | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    invoice_id: IdParam | None = None


class ChargeOut(Schema):
    id: int
    client: str
    period_id: int
    kind: str
    basis: str
    description: str
    activity_date: dt.date
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    event_id: int | None
    event_type: str
    order: str = Field(alias="order_reference")
    asn: str = Field(alias="asn_reference")
    carton_sscc: str
    tracking_code: str
    sku: str
    snapshot_id: int | None
    rule_id: int | None
    version_id: int | None
    invoice_id: int | None
    note: str

    @staticmethod
    def resolve_client(obj: Any) -> str:
        return str(obj.client.code)


class ManualChargeIn(Input):
    client: Code = Field(min_length=1, max_length=32, description="Client code.")
    quantity: Decimal = Field(gt=0, max_digits=18, decimal_places=4)
    rule_id: Id | None = Field(None, description="A manual service of the client's card.")
    description: Text = Field("", max_length=200)
    unit_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=4)
    unit: Text = Field("", max_length=32)
    activity_date: dt.date | None = Field(None, description="Default: today.")
    note: Text = Field("", max_length=200)


class UnratedOut(Schema):
    id: int
    event_id: int
    event_type: str
    kind: str
    client: str | None
    period_id: int | None
    activity_date: dt.date
    reason_code: str
    reason: str
    status: str
    resolution_note: str

    @staticmethod
    def resolve_client(obj: Any) -> str | None:
        return obj.client.code if obj.client_id else None


class InvoiceOut(Schema):
    id: int
    number: str | None
    status: str
    client: str
    period_id: int
    period_start: dt.date
    period_end: dt.date
    currency: str
    subtotal: Decimal
    tax_label: str
    tax_rate_percent: Decimal
    tax_amount: Decimal
    total: Decimal
    issue_date: dt.date | None
    due_date: dt.date | None
    finalized_at: dt.datetime | None

    @staticmethod
    def resolve_number(obj: Any) -> str | None:
        return obj.number_text or None

    @staticmethod
    def resolve_client(obj: Any) -> str:
        return str(obj.client.code)

    @staticmethod
    def resolve_period_start(obj: Any) -> dt.date:
        return obj.period.start_date

    @staticmethod
    def resolve_period_end(obj: Any) -> dt.date:
        return obj.period.end_date


class SummaryOut(Schema):
    kind: str
    description: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    lines: int


class CreditNoteLineIn(Input):
    charge_line_id: Id
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    description: Text = Field("", max_length=200)


class CreditNoteIn(Input):
    invoice_id: Id
    reason: Text = Field(min_length=1, max_length=300)
    lines: list[CreditNoteLineIn] = Field(min_length=1, max_length=500)


class CreditNoteLineOut(Schema):
    charge_line_id: int
    amount: Decimal
    description: str


class CreditNoteOut(Schema):
    id: int
    number: str = Field(alias="number_text")
    invoice_id: int
    currency: str
    total: Decimal
    reason: str
    created_at: dt.datetime
    lines: list[CreditNoteLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class InvoiceDetailOut(InvoiceOut):
    summary: list[SummaryOut]
    credit_notes: list[CreditNoteOut]
