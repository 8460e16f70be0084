"""The webhook routes under /api/v1/ (mounted by wms.api by dotted path): endpoints (CRUD,
rotate the secret, send a test message, replay since a time), deliveries (list with filters,
one with its attempt log, replay) and the topics with their example payloads. Managers and
admins see every endpoint; a client user only their client's (others are 404); operators 403."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from inventory.selectors import References
from webhooks import selectors
from webhooks.models import Delivery, Endpoint
from webhooks.schemas import (
    DeliveryDetailOut,
    DeliveryOut,
    DeliveryQuery,
    EndpointIn,
    EndpointOut,
    EndpointWithSecretOut,
    ReplayedOut,
    ReplaySinceIn,
    TopicOut,
)
from webhooks.services import delivery as deliveries
from webhooks.services import endpoints
from webhooks.topics import TOPICS, topics_doc
from wms.accounts.models import User
from wms.api_common import Page, found, user_of
from wms.permissions import require
from wms.validation import IdParam

router = Router(tags=["webhooks"])

MANAGE = "webhooks.manage_webhooks"


def _user(request: HttpRequest) -> User:
    user: User = user_of(request)
    require(user, MANAGE)
    return user


def _endpoint(user: User, pk: int) -> Endpoint:
    return found(selectors.get_endpoint_for_user(user, pk), f"No webhook endpoint {pk}.")


def _delivery(user: User, pk: int) -> Delivery:
    return found(selectors.get_delivery_for_user(user, pk), f"No webhook delivery {pk}.")


def _spec(user: User, payload: EndpointIn) -> endpoints.EndpointSpec:
    client = None
    if payload.client:
        # In the user's scope: a client user naming another client finds none (422).
        refs = References(user)
        client = refs.client(payload.client)
        refs.check()
    return endpoints.EndpointSpec(
        url=payload.url,
        topics=list(payload.topics),
        client=client,
        description=payload.description,
        is_enabled=payload.is_enabled,
    )


def _with_secret(endpoint: Endpoint, secret: str) -> Endpoint:
    endpoint.secret = secret  # type: ignore[attr-defined]  # the answer's, never stored
    return endpoint


@router.get(
    "/webhook-topics", response=list[TopicOut], summary="Webhook topics", description=topics_doc()
)
def list_topics(request: HttpRequest) -> Any:
    _user(request)
    return [
        TopicOut(name=t.name, description=t.description, example=t.example) for t in TOPICS.values()
    ]


@router.get("/webhook-endpoints", response=list[EndpointOut], summary="Webhook endpoints")
@paginate(Page)
def list_endpoints(request: HttpRequest) -> Any:
    return selectors.endpoints_for_user(_user(request))


@router.post(
    "/webhook-endpoints",
    response={201: EndpointWithSecretOut},
    summary="Add a webhook endpoint",
    description="The answer carries the signing secret (whsec_…) this once.\n\n" + topics_doc(),
)
def create_endpoint(request: HttpRequest, payload: EndpointIn) -> Any:
    user = _user(request)
    made, secret = endpoints.create_endpoint(user=user, spec=_spec(user, payload))
    return Status(201, _with_secret(made, secret))


@router.get("/webhook-endpoints/{pk}", response=EndpointOut, summary="A webhook endpoint")
def get_endpoint(request: HttpRequest, pk: IdParam) -> Any:
    return _endpoint(_user(request), pk)


@router.put("/webhook-endpoints/{pk}", response=EndpointOut, summary="Change a webhook endpoint")
def update_endpoint(request: HttpRequest, pk: IdParam, payload: EndpointIn) -> Any:
    """Enabling a disabled endpoint forgets its failures; replay what it missed afterwards."""
    user = _user(request)
    current = _endpoint(user, pk)
    return endpoints.update_endpoint(user=user, endpoint=current, spec=_spec(user, payload))


@router.delete("/webhook-endpoints/{pk}", response={204: None}, summary="Delete a webhook endpoint")
def delete_endpoint(request: HttpRequest, pk: IdParam) -> Any:
    user = _user(request)
    endpoints.delete_endpoint(user=user, endpoint=_endpoint(user, pk))
    return Status(204, None)


@router.post(
    "/webhook-endpoints/{pk}/rotate-secret",
    response=EndpointWithSecretOut,
    summary="Rotate the signing secret",
)
def rotate_secret(request: HttpRequest, pk: IdParam) -> Any:
    """A new secret, returned this once; the old one keeps signing for a grace period (both
    signatures are sent), so a receiver can switch without losing a message."""
    user = _user(request)
    rotated, secret = endpoints.rotate_secret(user=user, endpoint=_endpoint(user, pk))
    return _with_secret(rotated, secret)


@router.post(
    "/webhook-endpoints/{pk}/test", response={202: DeliveryOut}, summary="Send a test message"
)
def send_test(request: HttpRequest, pk: IdParam) -> Any:
    """A `webhook.test` message, sent by a worker; its delivery shows the outcome."""
    user = _user(request)
    return Status(202, endpoints.send_test(user=user, endpoint=_endpoint(user, pk)))


@router.post(
    "/webhook-endpoints/{pk}/replay", response=ReplayedOut, summary="Replay deliveries since"
)
def replay_endpoint(request: HttpRequest, pk: IdParam, payload: ReplaySinceIn) -> Any:
    """Every delivered or failed message recorded since the time is sent again (same id)."""
    user = _user(request)
    count = deliveries.replay_since(endpoint=_endpoint(user, pk), since=payload.since)
    return ReplayedOut(replayed=count)


@router.get("/webhook-deliveries", response=list[DeliveryOut], summary="Webhook deliveries")
@paginate(Page)
def list_deliveries(request: HttpRequest, filters: Query[DeliveryQuery]) -> Any:
    query = selectors.DeliveryFilters(
        endpoint_id=filters.endpoint, state=filters.state or "", topic=filters.topic or ""
    )
    return selectors.deliveries_for_user(_user(request), query)


@router.get(
    "/webhook-deliveries/{pk}", response=DeliveryDetailOut, summary="A delivery and its attempts"
)
def get_delivery(request: HttpRequest, pk: IdParam) -> Any:
    row = _delivery(_user(request), pk)
    row.attempt_log = list(row.log.order_by("number", "pk"))  # type: ignore[attr-defined]
    return row


@router.post("/webhook-deliveries/{pk}/replay", response=DeliveryOut, summary="Replay one delivery")
def replay_delivery(request: HttpRequest, pk: IdParam) -> Any:
    """Sends the message again with the same id and body (409 while it is still pending)."""
    return deliveries.replay_one(delivery=_delivery(_user(request), pk))
