"""The sales-channel routes' bodies. The access token is accepted, never returned."""

import datetime as dt

from ninja import Field, Schema

from wms.validation import Code, Int32, Text


class ChannelIn(Schema):
    name: Text = Field(max_length=120)
    client: Code = Field(description="The client whose store it is.")
    warehouse: Code = Field(description="Our warehouse whose stock the store sells.")
    shop_url: Text = Field(max_length=300, description="https://<shop>.myshopify.com")
    access_token: Text = Field(max_length=200, description="Stored encrypted, never shown.")
    location_id: Code = Field(max_length=100, description="The store's location gid.")
    buffer_units: Int32 = Field(0, ge=0, description="Units held back from the store per SKU.")
    buffer_percent: Int32 = Field(0, ge=0, le=100, description="Percent held back per SKU.")
    skus: dict[Code, Code] = Field(
        default_factory=dict, description="Our SKU -> the store's inventory item gid."
    )


class ChannelOut(Schema):
    id: int
    name: str
    kind: str
    client: str = Field(alias="client.code")
    warehouse: str = Field(alias="warehouse.code")
    shop_url: str
    location_id: str
    buffer_units: int
    buffer_percent: int
    is_enabled: bool
    last_push_at: dt.datetime | None


class SyncOut(Schema):
    marked: int
    pushed: int
    unchanged: int
    waiting: int
    orders_created: int
    orders_revised: int
    orders_cancelled: int
    orders_flagged: int
    message: str


class DriftLine(Schema):
    sku: str
    ours: int
    channel: int
    difference: int


class DriftOut(Schema):
    id: int
    created_at: dt.datetime
    skus_compared: int
    differences: list[DriftLine]
    error: str
