"""Holds on a lot, a product, a location or an LPN, and what each hold moved to status hold."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from inventory.lifecycle import Lifecycle
from inventory.models import (
    Client,
    Location,
    Lot,
    Lpn,
    Product,
    Warehouse,
)


class HoldKind(models.TextChoices):
    LOT = "lot", "Lot"
    PRODUCT = "product", "Product"
    LOCATION = "location", "Location"
    LPN = "lpn", "LPN"


class HoldReason(models.TextChoices):
    QUALITY = "quality", "Quality"
    RECALL = "recall", "Recall"
    DAMAGE = "damage", "Damage"
    CLIENT_REQUEST = "client_request", "Client request"


class HoldStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RELEASED = "released", "Released"


class Hold(models.Model):
    """Stock of a lot, a product, a location or an LPN taken out of available (status hold) for
    a reason, until a manager releases it. A lot or product hold spans every warehouse; a
    location or LPN hold, its own. `client` is the product's (none for a location or LPN)."""

    kind = models.CharField(max_length=16, choices=HoldKind.choices)
    reason = models.CharField(max_length=16, choices=HoldReason.choices)
    note = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=HoldStatus.choices, default=HoldStatus.ACTIVE)
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lpn = models.ForeignKey(Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_units = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_note = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"hold {self.pk} ({self.kind}, {self.reason})"


HOLD_LIFECYCLE: Lifecycle[Hold] = Lifecycle(
    model=Hold,
    transitions={HoldStatus.ACTIVE: frozenset({HoldStatus.RELEASED})},
    event_prefix="stock",
    event_types={HoldStatus.RELEASED: "stock.released_from_hold"},
    describe=lambda hold: f"Hold {hold.pk}",
    payload=lambda hold: {"hold_id": hold.pk, "kind": hold.kind, "reason": hold.reason},
    stamps={HoldStatus.RELEASED: "released_at"},
)


class HoldLine(models.Model):
    """What one hold moved to status hold: a balance key and its units (what a release gives
    back, as far as it is still held there)."""

    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, related_name="lines")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lpn = models.ForeignKey(Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.quantity} of {self.product_id} held by {self.hold_id}"
