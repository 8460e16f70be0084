"""Transfers of stock between warehouses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from inventory.lifecycle import Lifecycle
from inventory.models import (
    Location,
    Lot,
    Product,
    Warehouse,
)


class TransferStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SHIPPED = "shipped", "Shipped (in transit)"
    RECEIVED = "received", "Received"
    CANCELLED = "cancelled", "Cancelled"


class Transfer(models.Model):
    """Stock sent from one warehouse to another: shipped to the sender's in-transit location,
    received into bins at the other end."""

    number = models.CharField(max_length=32, unique=True)
    from_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    to_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=TransferStatus.choices, default=TransferStatus.DRAFT
    )
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_warehouse=F("to_warehouse")), name="transfer_between_two"
            )
        ]

    def __str__(self) -> str:
        return f"Transfer {self.number}"

    @property
    def warehouse_id(self) -> int:
        """In scope for the sending warehouse's operators (wms.permissions.in_scope)."""
        return int(self.from_warehouse_id)


class TransferLine(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    received_qty = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="transfer_line_qty_pos"),
            models.CheckConstraint(
                condition=Q(received_qty__lte=F("quantity")), name="transfer_received_within"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of {self.product_id}"

    @property
    def in_transit(self) -> int:
        return self.quantity - self.received_qty


TRANSFER_LIFECYCLE: Lifecycle[Transfer] = Lifecycle(
    model=Transfer,
    transitions={
        TransferStatus.DRAFT: frozenset({TransferStatus.SHIPPED, TransferStatus.CANCELLED}),
        TransferStatus.SHIPPED: frozenset({TransferStatus.RECEIVED}),
    },
    event_prefix="transfer",
    describe=lambda transfer: f"Transfer {transfer.number}",
    payload=lambda transfer: {
        "transfer_id": transfer.pk,
        "number": transfer.number,
        "from": transfer.from_warehouse_id,
        "to": transfer.to_warehouse_id,
    },
    stamps={TransferStatus.SHIPPED: "shipped_at", TransferStatus.RECEIVED: "received_at"},
    client_of=lambda transfer: None,
)
