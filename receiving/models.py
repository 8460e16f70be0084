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

from inventory.lifecycle import Lifecycle
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
from wms.validation import validate_code


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
    reference = models.CharField(
        max_length=64, validators=[validate_code], help_text="The client's or supplier's number."
    )
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


# Receiving starting is an event too: the client portal and ERP sync want to know the truck is
# being unloaded.
ASN_LIFECYCLE = Lifecycle(
    model=Asn,
    transitions=TRANSITIONS,
    event_prefix="asn",
    event_types={AsnStatus.RECEIVING: "asn.receiving_started", AsnStatus.RECEIVED: "asn.closed"},
    describe=lambda asn: f"ASN {asn.reference}",
    payload=lambda asn: {"asn": asn.pk, "reference": asn.reference},
    stamps={AsnStatus.RECEIVED: "closed_at"},
)


class AsnLine(models.Model):
    """One expected product (optionally lot) on an ASN. `received_qty` counts every unit received
    against the line, damaged ones included; `damaged_qty` is the damaged part of it."""

    asn = models.ForeignKey(Asn, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    expected_qty = models.PositiveIntegerField()
    lot_number = models.CharField(max_length=64, blank=True, validators=[validate_code])
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


class PutawayStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"


# The one table of allowed putaway status changes. An operator claims an open task and either
# confirms it or gives it back; a task whose stock fits nowhere waits for a manager to re-propose
# it (back to open). Done is final: a later move of the stock is a new move, not a reopened task.
PUTAWAY_TRANSITIONS: dict[str, frozenset[str]] = {
    PutawayStatus.OPEN: frozenset({PutawayStatus.IN_PROGRESS, PutawayStatus.NEEDS_ATTENTION}),
    PutawayStatus.IN_PROGRESS: frozenset(
        {PutawayStatus.DONE, PutawayStatus.OPEN, PutawayStatus.NEEDS_ATTENTION}
    ),
    PutawayStatus.NEEDS_ATTENTION: frozenset({PutawayStatus.OPEN}),
    PutawayStatus.DONE: frozenset(),
}

# Statuses of a task still to be done: an LPN or receipt has at most one such task.
ACTIVE_PUTAWAY = (PutawayStatus.OPEN, PutawayStatus.IN_PROGRESS, PutawayStatus.NEEDS_ATTENTION)


class PutawayTask(models.Model):
    """Stock waiting at the dock to go to a bin: a whole LPN, or a loose product (and lot) and
    quantity from one receipt. `proposed_location`, `strategy` and `reason` are the putaway
    engine's answer; an empty proposal leaves the task needing a manager's attention."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    lpn = models.ForeignKey(Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    receipt = models.ForeignKey(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="putaway_tasks"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(null=True, blank=True)
    stock_status = models.CharField(
        max_length=16, choices=InventoryStatus.choices, default=InventoryStatus.AVAILABLE
    )
    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    proposed_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    strategy = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=PutawayStatus.choices, default=PutawayStatus.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    confirmed_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # Either a whole LPN, or a loose product with a quantity; never both.
            models.CheckConstraint(
                condition=(
                    Q(lpn__isnull=False, product__isnull=True, quantity__isnull=True)
                    | Q(lpn__isnull=True, product__isnull=False, quantity__gt=0)
                ),
                name="putaway_task_lpn_or_loose",
            ),
            models.UniqueConstraint(
                fields=["lpn"],
                condition=Q(status__in=ACTIVE_PUTAWAY),
                name="one_active_putaway_per_lpn",
            ),
            models.UniqueConstraint(
                fields=["receipt"],
                condition=Q(lpn__isnull=True, receipt__isnull=False),
                name="one_loose_putaway_per_receipt",
            ),
        ]
        indexes = [models.Index(fields=["warehouse", "status", "created_at"])]

    def __str__(self) -> str:
        return f"putaway task {self.pk}"

    @property
    def what(self) -> str:
        """What is put away, as the floor reads it: "LPN PAL-1", or quantity, SKU and lot."""
        if self.lpn is not None:
            return f"LPN {self.lpn.code}"
        sku = self.product.sku if self.product else "?"
        lot = f" lot {self.lot.number}" if self.lot else ""
        return f"{self.quantity} \N{MULTIPLICATION SIGN} {sku}{lot}"


PUTAWAY_LIFECYCLE = Lifecycle(
    model=PutawayTask,
    transitions=PUTAWAY_TRANSITIONS,
    event_prefix="putaway",
    event_types={
        PutawayStatus.OPEN: "putaway.opened",
        PutawayStatus.IN_PROGRESS: "putaway.started",
    },
    describe=lambda task: f"Putaway task {task.pk}",
    payload=lambda task: {
        "task": task.pk,
        "what": task.what,
        "lpn": task.lpn.code if task.lpn_id else None,
        "proposed": task.proposed_location.code if task.proposed_location else None,
        "confirmed": task.confirmed_location.code if task.confirmed_location else None,
    },
    touch=None,
    # Loose stock names its client; a whole LPN may hold several clients' goods.
    client_of=lambda task: task.product.client_id if task.product_id else None,
)


class PutawaySettings(models.Model):
    """A warehouse's putaway strategy: the engine's strategy names tried in order (see
    receiving.putaway.STRATEGIES) and its mixing rules. A warehouse without a row gets the
    engine's defaults (receiving.selectors.putaway_policy_for)."""

    warehouse = models.OneToOneField(
        Warehouse, on_delete=models.CASCADE, primary_key=True, related_name="putaway_settings"
    )
    strategies = models.JSONField(
        default=list, help_text="Strategy names in the order they are tried; the first wins."
    )
    one_client_per_location = models.BooleanField(default=True)
    one_product_per_location = models.BooleanField(default=False)
    one_lot_per_location = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "putaway settings"

    def __str__(self) -> str:
        return f"putaway settings of {self.warehouse_id}"
