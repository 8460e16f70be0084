"""Sales channels: a client's store (the first kind is Shopify-shaped) that sells what one of our
warehouses holds, its SKU map, and per SKU what we last told it.

`ChannelStock` is the push queue and its memory in one row per (channel, product): `dirty` says
the available count may have changed since the last push, `version` grows with every mark so a
push that raced a newer change does not clear it, `channel_quantity` is what the store holds as
far as we know (the compare-and-set's compare value), `due_at` debounces (one push per SKU per
CHANNEL_DEBOUNCE_SECONDS, the latest count winning) and backs off after a 429 or an outage."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from inventory.models import Client, Product, Warehouse


class ChannelKind(models.TextChoices):
    SHOPIFY = "shopify", "Shopify"


class Channel(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=ChannelKind.choices, default=ChannelKind.SHOPIFY)
    shop_url = models.URLField(max_length=300)
    access_token_encrypted = models.TextField(editable=False)
    # The store's location that our warehouse stands for (a Shopify Location gid).
    location_id = models.CharField(max_length=100)
    buffer_units = models.PositiveIntegerField(default=0)
    buffer_percent = models.PositiveSmallIntegerField(default=0)
    is_enabled = models.BooleanField(default=True)
    last_push_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Where the order pull resumes: the store's update time of the newest order read (ISO).
    orders_since = models.CharField(max_length=40, blank=True, editable=False)
    last_pull_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def sellable(self, available: int) -> int:
        """What the store may sell of `available` units: minus the buffer, never below zero."""
        held_back = self.buffer_units + (available * self.buffer_percent + 99) // 100
        return max(available - held_back, 0)


class ChannelStock(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="stock")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    inventory_item_id = models.CharField(max_length=100)
    dirty = models.BooleanField(default=True)
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(default=timezone.now)
    channel_quantity = models.IntegerField(null=True, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)
    pushes = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["channel", "product"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "product"], name="channel_stock_once"),
            models.UniqueConstraint(
                fields=["channel", "inventory_item_id"], name="channel_item_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.product_id}"


class ChannelOrder(models.Model):
    """A store's order and ours, one each way: pulling the same order again finds this row (the
    store's id is unique per channel). `content` is the order as last applied; `flag` says why a
    change in the store could not be applied (the warehouse already allocated it)."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="orders")
    channel_order_id = models.CharField(max_length=100)
    name = models.CharField(max_length=64)
    order_id = models.BigIntegerField()
    fulfillment_order_id = models.CharField(max_length=100, blank=True)
    content = models.JSONField(default=dict)
    flag = models.TextField(blank=True)
    fulfillment_pending = models.BooleanField(default=False)
    fulfillment_id = models.CharField(max_length=100, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfillment_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "channel_order_id"], name="channel_order_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DriftReport(models.Model):
    """The nightly comparison of each mapped SKU's count in the store with ours."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="drift_reports")
    created_at = models.DateTimeField(default=timezone.now)
    skus_compared = models.PositiveIntegerField(default=0)
    # [{"sku", "ours", "channel", "difference"}] for the SKUs that differ
    differences = models.JSONField(default=list)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.created_at:%Y-%m-%d %H:%M}"
