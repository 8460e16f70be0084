"""Inbound documents: ASNs (expected receipts), their lines, and the receipts scanned against them.

Stock itself is never stored here: every receipt is a ledger move (supplier to dock) written by
inventory.services.ledger, and `Receipt` records which scan caused which move. The counters on
`AsnLine` (received, damaged) are a cache of its receipts, changed only by receiving.services
under the line's row lock."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from inventory.models import (
    Client,
    InventoryStatus,
    Location,
    Lot,
    Lpn,
    Product,
    StockMove,
    Warehouse,
)


class ReceivingPolicy(models.Model):
    """How a client's inbound goods are checked. A client without a row gets the defaults: no
    over-receipt and no unexpected products."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, primary_key=True, related_name="receiving_policy"
    )
    over_receipt_tolerance_percent = models.PositiveSmallIntegerField(
        default=0, help_text="How far above the expected quantity a line may be received."
    )
    allow_unexpected = models.BooleanField(
        default=False, help_text="Managers may receive products that are not on the ASN."
    )

    class Meta:
        verbose_name_plural = "receiving policies"

    def __str__(self) -> str:
        return f"receiving policy of {self.client_id}"

    def max_receivable(self, expected_qty: int) -> int:
        """The most a line expecting `expected_qty` may receive (the tolerance rounds down)."""
        return expected_qty + expected_qty * self.over_receipt_tolerance_percent // 100


class AsnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    EXPECTED = "expected", "Expected"
    RECEIVING = "receiving", "Receiving"
    RECEIVED = "received", "Received (closed)"
    CANCELLED = "cancelled", "Cancelled"


# The one table of allowed status changes. A first receipt moves an ASN from expected to
# receiving; from then on stock from it is in the building, so it can only be closed, not
# cancelled (a correction is an adjustment, not a cancelled document).
TRANSITIONS: dict[str, frozenset[str]] = {
    AsnStatus.DRAFT: frozenset({AsnStatus.EXPECTED, AsnStatus.CANCELLED}),
    AsnStatus.EXPECTED: frozenset({AsnStatus.RECEIVING, AsnStatus.CANCELLED}),
    AsnStatus.RECEIVING: frozenset({AsnStatus.RECEIVED}),
    AsnStatus.RECEIVED: frozenset(),
    AsnStatus.CANCELLED: frozenset(),
}

# Statuses in which scans are received against the ASN.
OPEN_FOR_RECEIVING = frozenset({AsnStatus.EXPECTED, AsnStatus.RECEIVING})


class Asn(models.Model):
    """An advance shipping notice: what a client's supplier says is arriving at a warehouse."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="asns")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="asns")
    reference = models.CharField(max_length=64, help_text="The client's or supplier's number.")
    carrier = models.CharField(max_length=120, blank=True)
    expected_date = models.DateField(null=True, blank=True)
    dock_appointment = models.DateTimeField(null=True, blank=True)
    dock_door = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The dock location goods are received into; default the warehouse's first.",
    )
    status = models.CharField(max_length=16, choices=AsnStatus.choices, default=AsnStatus.DRAFT)
    discrepancy = models.JSONField(
        default=list, blank=True, help_text="Per line at close-out: expected, received, short…"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "ASN"
        constraints = [
            models.UniqueConstraint(fields=["client", "reference"], name="asn_reference_per_client")
        ]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return f"ASN {self.reference}"


class AsnLine(models.Model):
    """One expected product (optionally lot) on an ASN. `received_qty` counts every unit received
    against the line, damaged ones included; `damaged_qty` is the damaged part of it."""

    asn = models.ForeignKey(Asn, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    expected_qty = models.PositiveIntegerField()
    lot_number = models.CharField(max_length=64, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    received_qty = models.PositiveIntegerField(default=0, editable=False)
    damaged_qty = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["asn", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(expected_qty__gt=0), name="asn_line_expects_some"),
            models.CheckConstraint(
                condition=Q(damaged_qty__lte=F("received_qty")), name="damaged_within_received"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asn_id}: {self.expected_qty} of {self.product_id}"


class Receipt(models.Model):
    """One scan (or API receipt): `quantity` units of one product received through one ledger
    move. `line` is empty for an unexpected product on an ASN and for a blind receipt (no ASN)."""

    asn = models.ForeignKey(
        Asn, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    line = models.ForeignKey(
        AsnLine, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lpn = models.ForeignKey(Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=InventoryStatus.choices, default=InventoryStatus.AVAILABLE
    )
    is_unexpected = models.BooleanField(default=False)
    scanned_code = models.CharField(max_length=200, blank=True)
    stock_move = models.ForeignKey(
        StockMove, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="receipt_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"receipt {self.pk}: {self.quantity} of {self.product_id}"
