"""Webhook endpoints, the messages owed to them, and each attempt to deliver one.

An endpoint belongs to one client (a client user's, or a manager's made for a client) and then
receives that client's events only, or to no client (made by a manager) and receives every
client's. Its signing secret is stored encrypted (wms.crypto) and shown once; after a rotation
the previous secret keeps signing beside the new one until `previous_secret_expires_at`.

A `Delivery` is one message to one endpoint, unique per (endpoint, message id): the message id is
the outbox event's (`webhook-id`), so an event read twice is still one delivery, and a retry or a
replay sends the same id and the same body. `Attempt` is the log: one row per HTTP try."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from inventory.models import Client, Product, Warehouse


class Endpoint(models.Model):
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    topics = models.JSONField(default=list)
    is_enabled = models.BooleanField(default=True)
    secret_encrypted = models.TextField(editable=False)
    previous_secret_encrypted = models.TextField(blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Since when every attempt has failed (None after any success); past WEBHOOK_DISABLE_AFTER
    # the endpoint is disabled and its owner told.
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=100)
    event_id = models.BigIntegerField(null=True, blank=True)
    topic = models.CharField(max_length=64)
    client_id = models.BigIntegerField(null=True, blank=True)
    # The exact bytes posted (as text): the same on every retry and replay.
    body = models.TextField()
    state = models.CharField(
        max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A sender holds the row until then; a sender that died leaves it to the next dispatch.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.IntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "message_id"], name="webhook_delivery_once_per_message"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.message_id}"


class Outcome(models.TextChoices):
    OK = "ok", "2xx"
    HTTP_ERROR = "http_error", "Non-2xx answer"
    TIMEOUT = "timeout", "Timed out"
    CONNECTION = "connection", "Could not connect"
    REFUSED_URL = "refused_url", "Address refused"


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    status_code = models.IntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.number} {self.outcome}"


class AvailableLevel(models.Model):
    """The available count last announced per (client, warehouse, product): a burst of stock
    events announces a change once, and a move that leaves the count alone not at all."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    available = models.IntegerField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "warehouse", "product"], name="webhook_available_level_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.available}"
