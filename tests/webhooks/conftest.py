"""Fixtures of the webhook tests: the API's bearer clients and small floor (tests/api), a
receiver on loopback (devtools/webhook_receiver.py), and helpers to make an endpoint and run the
dispatcher as the beat would (tasks run eagerly here: `dispatch` records, leases and sends)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from devtools.webhook_receiver import Received, WebhookReceiver
from tests.api import conftest as api_world
from webhooks.models import Delivery, Endpoint
from webhooks.services.endpoints import EndpointSpec, create_endpoint
from webhooks.tasks import dispatch

api_as = api_world.api_as
admin_api = api_world.admin_api
manager_api = api_world.manager_api
operator_api = api_world.operator_api
client_api = api_world.client_api
floor = api_world.floor


@pytest.fixture(scope="session")
def receiver_server() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def receiver(receiver_server: WebhookReceiver) -> Iterator[WebhookReceiver]:
    receiver_server.reset()
    yield receiver_server
    receiver_server.reset()


@pytest.fixture
def make_endpoint(manager: Any, receiver: WebhookReceiver) -> Callable[..., tuple[Endpoint, str]]:
    def make(topics: list[str], *, client: Any = None, user: Any = None) -> tuple[Endpoint, str]:
        spec = EndpointSpec(url=receiver.url, topics=topics, client=client)
        return create_endpoint(user=user or manager, spec=spec)

    return make


def run_dispatch() -> dict[str, int]:
    """One beat of the dispatcher: new events recorded, due deliveries sent."""
    result: dict[str, int] = dispatch.apply().get()
    return result


def bodies(received: list[Received]) -> list[dict[str, Any]]:
    return [json.loads(item.body) for item in received]


def make_due(delivery: Delivery) -> None:
    """Moves the clock past the delivery's next attempt (the test does not wait hours)."""
    from django.utils import timezone

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
