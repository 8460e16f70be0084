"""The webhook routes' request and response bodies. Inputs use wms.validation's types; a signing
secret is returned by create and rotate only, never by a read."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from webhooks.models import DeliveryState
from wms.validation import Code, IdParam, Text


class EndpointIn(Schema):
    url: Text = Field(max_length=500, description="https://… on the public internet.")
    topics: list[Code] = Field(
        min_length=1, max_length=50, description="Topics to receive (see /webhook-topics)."
    )
    client: Code | None = Field(
        None,
        description="The client whose events are sent (a client user's own, always); "
        "omitted by a manager: every client's.",
    )
    description: Text = Field("", max_length=200)
    is_enabled: bool = True


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    topics: list[str]
    client: str | None = Field(None, alias="client.code")
    is_enabled: bool
    disabled_reason: str
    failing_since: dt.datetime | None
    previous_secret_expires_at: dt.datetime | None
    created_at: dt.datetime


class EndpointWithSecretOut(EndpointOut):
    secret: str = Field(description="The signing secret (whsec_…), shown this once.")


class ReplaySinceIn(Schema):
    since: dt.datetime = Field(description="Replay every delivery recorded since this time.")


class ReplayedOut(Schema):
    replayed: int


class AttemptOut(Schema):
    number: int
    started_at: dt.datetime
    duration_ms: int
    outcome: str
    status_code: int | None
    response_excerpt: str
    error: str


class DeliveryOut(Schema):
    id: int
    endpoint: int = Field(alias="endpoint_id")
    message_id: str
    event_id: int | None
    topic: str
    state: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: dt.datetime | None
    created_at: dt.datetime


class DeliveryDetailOut(DeliveryOut):
    body: str
    log: list[AttemptOut] = Field(alias="attempt_log")


class DeliveryQuery(Schema):
    endpoint: IdParam | None = None
    state: Literal["pending", "delivered", "failed"] | None = None
    topic: Code | None = Field(None, max_length=64)


class TopicOut(Schema):
    name: str
    description: str
    example: dict[str, object]


# The choices above must be the models' (a test compares them).
CHOICES = {"state": DeliveryState.values}
