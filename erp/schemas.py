"""The ERP routes' request and response bodies. Inputs use wms.validation's types; a password is
accepted, never returned (`has_password` says whether one is stored)."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from erp.models import ConnectionScope, Direction, SyncKind, SyncState, UnknownSkuPolicy
from wms.validation import Code, IdParam, Text

Scope = Literal["client", "books"]
Policy = Literal["create", "report"]


class ConnectionIn(Schema):
    name: Text = Field(max_length=120)
    scope: Scope = "client"
    client: Code | None = Field(None, description="The client's code (a client's ERP only).")
    url: Text = Field(max_length=300, description="The ERP's address, http(s)://host:port/.")
    database: Code = Field(max_length=100)
    username: Text = Field(max_length=100)
    password: Text | None = Field(
        None, max_length=200, description="Required when creating; omit to keep the stored one."
    )
    warehouse_map: dict[Code, Code] = Field(
        default_factory=dict, description="ERP warehouse code → our warehouse code."
    )
    service_products: dict[Code, Code] = Field(
        default_factory=dict,
        description="Billing kind (storage, receiving, picking, packing, shipping, vas, minimum, "
        "default) → ERP product code, for 3PL invoice lines.",
    )
    unknown_sku_policy: Policy = "report"
    is_enabled: bool = True


class ConnectionOut(Schema):
    id: int
    name: str
    kind: str
    scope: str
    client: str | None = Field(None, alias="client.code")
    url: str
    database: str
    username: str
    has_password: bool
    warehouse_map: dict[str, str]
    service_products: dict[str, str]
    unknown_sku_policy: str
    is_enabled: bool
    last_pull_at: dt.datetime | None
    last_test_at: dt.datetime | None
    last_test_ok: bool | None
    last_test_message: str


class TestOut(Schema):
    ok: bool
    message: str
    details: list[str]


class QueuedOut(Schema):
    queued: bool
    task: str


class RecordOut(Schema):
    id: int
    connection: int = Field(alias="connection_id")
    direction: str
    kind: str
    state: str
    reference: str
    erp_model: str
    erp_id: int | None
    erp_number: str
    document_type: str
    document_id: int | None
    message: str
    skip_reason: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    done_at: dt.datetime | None
    created_at: dt.datetime


class RecordQuery(Schema):
    connection: IdParam | None = None
    state: Literal["pending", "done", "failed", "skipped"] | None = None
    direction: Literal["inbound", "outbound"] | None = None
    kind: Literal["purchase", "sale", "receipt", "shipment", "invoice"] | None = None
    q: Text | None = Field(None, max_length=100)


class SkipIn(Schema):
    reason: Text = Field(min_length=1, max_length=250)


# The choices above must be the models' (a test compares them).
CHOICES = {
    "state": SyncState.values,
    "direction": Direction.values,
    "kind": SyncKind.values,
    "scope": ConnectionScope.values,
    "policy": UnknownSkuPolicy.values,
}
