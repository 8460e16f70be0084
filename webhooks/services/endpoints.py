"""Webhook endpoints: create, change, delete, rotate the signing secret, send a test message.

A client user's endpoint is always their client's (naming another client is refused); a
manager's may be a client's or every client's. The URL (webhooks.addresses) and topics are
checked before anything is written. The secret is returned once, by create and rotate, and
stored encrypted; a rotation keeps the old secret signing beside the new one for
WEBHOOK_SECRET_GRACE_SECONDS, so receivers can switch without losing a message."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inventory.models import Client
from inventory.outbox import take_next
from shipping.services.shipments import send_after_commit
from webhooks import signing
from webhooks.addresses import url_problem
from webhooks.exceptions import EndpointRefused
from webhooks.models import Delivery, Endpoint
from webhooks.topics import EVENT_TYPES, TEST, TOPICS, unknown_topics
from wms.accounts.models import Role
from wms.crypto import decrypt, encrypt
from wms.permissions import client_id_of

if TYPE_CHECKING:
    from wms.accounts.models import User

DISPATCH_TASK = "webhooks.dispatch"
# The outbox consumer's name (inventory.outbox): its cursor is where deliveries are read from.
CONSUMER = "webhooks"


@dataclass(frozen=True)
class EndpointSpec:
    """An endpoint as a form or API body gives it."""

    url: str
    topics: list[str]
    client: Client | None
    description: str = ""
    is_enabled: bool = True


def _client_for(user: User, spec: EndpointSpec) -> Client | None:
    if user.role != Role.CLIENT:
        return spec.client
    own = client_id_of(user)
    if spec.client is not None and spec.client.pk != own:
        raise EndpointRefused(
            f"You may subscribe to your own client's events only; got client {spec.client.code}.",
            field_errors={"client": ["A client user subscribes to their own client's events."]},
        )
    return Client.objects.get(pk=own)


def _check(user: User, spec: EndpointSpec) -> Client | None:
    errors: dict[str, list[str]] = {}
    problem = url_problem(spec.url.strip())
    if problem:
        errors["url"] = [problem]
    unknown = unknown_topics(spec.topics)
    if unknown:
        errors["topics"] = [f"Unknown topic {', '.join(unknown)}; use any of {', '.join(TOPICS)}."]
    elif not spec.topics:
        errors["topics"] = ["Subscribe to at least one topic."]
    if errors:
        raise EndpointRefused(next(iter(errors.values()))[0], field_errors=errors)
    return _client_for(user, spec)


@transaction.atomic
def create_endpoint(*, user: User, spec: EndpointSpec) -> tuple[Endpoint, str]:
    """A new endpoint and its signing secret (shown to the caller this once)."""
    client = _check(user, spec)
    secret = signing.new_secret()
    # The outbox is read for webhooks from the first endpoint on (not from the tenant's first
    # event, nor from the first dispatch after it, which would skip what happened in between).
    take_next(CONSUMER, types=EVENT_TYPES, limit=0, from_now=True)
    endpoint = Endpoint.objects.create(
        client=client,
        url=spec.url.strip(),
        description=spec.description.strip(),
        topics=sorted(set(spec.topics)),
        is_enabled=spec.is_enabled,
        secret_encrypted=encrypt(secret),
        created_by=user,
    )
    return endpoint, secret


@transaction.atomic
def update_endpoint(*, user: User, endpoint: Endpoint, spec: EndpointSpec) -> Endpoint:
    """Changes URL, topics, description and the enabled flag; enabling again forgets the
    failures that disabled it."""
    client = _check(user, spec)
    locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if spec.is_enabled and not locked.is_enabled:
        locked.failing_since = None
        locked.disabled_reason = ""
    locked.client = client
    locked.url = spec.url.strip()
    locked.description = spec.description.strip()
    locked.topics = sorted(set(spec.topics))
    locked.is_enabled = spec.is_enabled
    locked.updated_at = timezone.now()
    locked.save()
    return locked


@transaction.atomic
def delete_endpoint(*, user: User, endpoint: Endpoint) -> None:
    """Removes the endpoint with its deliveries and their log."""
    Endpoint.objects.filter(pk=endpoint.pk).delete()


@transaction.atomic
def rotate_secret(*, user: User, endpoint: Endpoint) -> tuple[Endpoint, str]:
    """A new secret (returned this once); the current one keeps signing for the grace period."""
    locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = signing.new_secret()
    locked.previous_secret_encrypted = locked.secret_encrypted
    locked.previous_secret_expires_at = timezone.now() + dt.timedelta(
        seconds=float(settings.WEBHOOK_SECRET_GRACE_SECONDS)
    )
    locked.secret_encrypted = encrypt(secret)
    locked.updated_at = timezone.now()
    locked.save()
    return locked, secret


def live_secrets(endpoint: Endpoint, now: dt.datetime) -> list[str]:
    """The secrets that sign a message sent now: the current one, and the previous one during
    its grace period."""
    found = [decrypt(endpoint.secret_encrypted)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_encrypted and expires is not None and expires > now:
        found.append(decrypt(endpoint.previous_secret_encrypted))
    return [secret for secret in found if secret]


@transaction.atomic
def send_test(*, user: User, endpoint: Endpoint) -> Delivery:
    """A `webhook.test` message to the endpoint, sent by a worker after commit and logged like
    any other."""
    now = timezone.now()
    message_id = f"msg_test_{secrets.token_hex(12)}"
    body = {
        "type": TEST,
        "timestamp": now.isoformat(),
        "data": {"endpoint_id": endpoint.pk, "message": "A test message from FluxVantage."},
    }
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        message_id=message_id,
        topic=TEST,
        client_id=endpoint.client_id,
        body=json.dumps(body, separators=(",", ":")),
        next_attempt_at=now,
    )
    send_after_commit(DISPATCH_TASK, [])
    return delivery
