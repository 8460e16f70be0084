"""Inventory control: cycle counts (plans, tasks, what the ledger held at the count's scan, what
was counted) and the thresholds that send a count to a recount.

A count is blind: `CountExpectation` rows are the ledger at the moment the counter scanned the
bin, kept for the variance and never shown to the counter (views and API schemas leave them
out, and tests assert the numbers are absent)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from inventory.lifecycle import Lifecycle
from inventory.models import (
    Client,
    CountRequest,
    Location,
    Lot,
    Lpn,
    Product,
    Warehouse,
    Zone,
)


class AbcClass(models.TextChoices):
    A = "A", "A (fast movers)"
    B = "B", "B"
    C = "C", "C (slow movers)"


class ProductClass(models.Model):
    """A product's ABC class in a warehouse, from its picked units over a window (recomputed
    nightly by control.tasks.classify_all)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    abc_class = models.CharField(max_length=1, choices=AbcClass.choices)
    picked_units = models.PositiveBigIntegerField(default=0)
    window_days = models.PositiveIntegerField(default=90)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "product"], name="one_class_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} in {self.warehouse_id}: {self.abc_class}"


class PlanKind(models.TextChoices):
    ABC = "abc", "By ABC class"
    ZONE = "zone", "By zone"
    ZERO_STOCK = "zero_stock", "Zero-stock bins"
    REQUESTS = "requests", "Count requests (short picks)"


class CountPlan(models.Model):
    """What to count and how often: bins holding a class's products, a zone's bins, bins that
    show zero, or the open count requests. Each run makes count tasks for bins not counted
    within `frequency_days` (and not already on an open task)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=PlanKind.choices)
    abc_class = models.CharField(max_length=1, choices=AbcClass.choices, blank=True)
    zone = models.ForeignKey(
        Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    frequency_days = models.PositiveIntegerField(default=30)
    is_active = models.BooleanField(default=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["warehouse__code", "name"]

    def __str__(self) -> str:
        return self.name


class CountSettings(models.Model):
    """A warehouse's variance thresholds: a count whose difference on any item exceeds any of
    them (units, percent of the expected quantity, value at the product's unit cost) needs a
    recount by another user before a manager decides."""

    warehouse = models.OneToOneField(
        Warehouse, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    max_units = models.PositiveIntegerField(default=5)
    max_percent = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("10"))
    max_value = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("100"))

    def __str__(self) -> str:
        return f"count thresholds of {self.warehouse_id}"


class CountStatus(models.TextChoices):
    OPEN = "open", "Open"
    COUNTING = "counting", "Counting"
    RECOUNT = "recount", "Recount needed"
    RECOUNTING = "recounting", "Recounting"
    REVIEW = "review", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


OPEN_COUNT_STATUSES = (
    CountStatus.OPEN,
    CountStatus.COUNTING,
    CountStatus.RECOUNT,
    CountStatus.RECOUNTING,
    CountStatus.REVIEW,
)


class CountTask(models.Model):
    """Count one bin. `round` is 1 for the first count and 2 for the recount; `scanned_at` is
    when the current round's counter scanned the bin (the moment the variance is measured at)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        CountPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    count_request = models.ForeignKey(
        CountRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=16, choices=PlanKind.choices)
    status = models.CharField(max_length=16, choices=CountStatus.choices, default=CountStatus.OPEN)
    priority = models.IntegerField(default=0, help_text="Higher is handed out first.")
    round = models.PositiveSmallIntegerField(default=1)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recounted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scanned_at = models.DateTimeField(null=True, blank=True)
    first_count_had_variance = models.BooleanField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "created_at", "pk"]
        constraints = [
            # One open count per bin: two plans (or a plan and a short pick) never send two
            # counters to the same bin.
            models.UniqueConstraint(
                fields=["location"],
                condition=Q(status__in=OPEN_COUNT_STATUSES),
                name="one_open_count_per_bin",
            ),
        ]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return f"count {self.pk} of {self.location_id} ({self.status})"


def _describe(task: CountTask) -> str:
    return f"Count task {task.pk}"


def _payload(task: CountTask) -> dict[str, object]:
    return {"count_task_id": task.pk, "location_id": task.location_id, "round": task.round}


COUNT_LIFECYCLE: Lifecycle[CountTask] = Lifecycle(
    model=CountTask,
    transitions={
        CountStatus.OPEN: frozenset({CountStatus.COUNTING, CountStatus.CANCELLED}),
        CountStatus.COUNTING: frozenset(
            {CountStatus.REVIEW, CountStatus.RECOUNT, CountStatus.APPROVED, CountStatus.OPEN}
        ),
        CountStatus.RECOUNT: frozenset({CountStatus.RECOUNTING, CountStatus.CANCELLED}),
        CountStatus.RECOUNTING: frozenset({CountStatus.REVIEW, CountStatus.RECOUNT}),
        CountStatus.REVIEW: frozenset({CountStatus.APPROVED, CountStatus.REJECTED}),
    },
    event_prefix="count",
    describe=_describe,
    payload=_payload,
    stamps={CountStatus.APPROVED: "decided_at", CountStatus.REJECTED: "decided_at"},
    client_of=lambda task: None,
)


class CountExpectation(models.Model):
    """What the ledger held in the bin, per product, lot and LPN (all statuses), at the moment
    the round's counter scanned it. Never shown to the counter."""

    task = models.ForeignKey(CountTask, on_delete=models.CASCADE, related_name="expectations")
    round = models.PositiveSmallIntegerField()
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lpn = models.ForeignKey(Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    quantity = models.IntegerField()

    def __str__(self) -> str:
        return f"expected {self.quantity} of {self.product_id}"


class CountLine(models.Model):
    """What a counter counted in the bin: one product (lot, LPN) and its quantity, per round."""

    task = models.ForeignKey(CountTask, on_delete=models.CASCADE, related_name="lines")
    round = models.PositiveSmallIntegerField()
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lpn = models.ForeignKey(Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    counted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"counted {self.quantity} of {self.product_id}"


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


class PickFaceRule(models.Model):
    """Min/max per pick face and product: below `min_qty` the face is refilled towards
    `max_qty` in whole `multiple`s (a case), from reserve stock."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    min_qty = models.PositiveIntegerField()
    max_qty = models.PositiveIntegerField()
    multiple = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["location__code", "product__sku"]
        constraints = [
            models.UniqueConstraint(fields=["location", "product"], name="one_rule_per_face"),
            models.CheckConstraint(condition=Q(max_qty__gt=F("min_qty")), name="max_above_min"),
            models.CheckConstraint(condition=Q(multiple__gte=1), name="multiple_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.location_id}/{self.product_id}: {self.min_qty}-{self.max_qty}"


class ReplenishmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_REPLENISHMENT_STATUSES = (ReplenishmentStatus.OPEN, ReplenishmentStatus.IN_PROGRESS)


class ReplenishmentTrigger(models.TextChoices):
    PICK = "pick", "A pick dropped the face below its min"
    ALLOCATION = "allocation", "Allocation found the face short"
    SWEEP = "sweep", "Nightly sweep"


class ReplenishmentTask(models.Model):
    """Move `quantity` of a product from a reserve location to a pick face."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    from_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_lpn = models.ForeignKey(
        Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField()
    trigger = models.CharField(max_length=16, choices=ReplenishmentTrigger.choices)
    status = models.CharField(
        max_length=16, choices=ReplenishmentStatus.choices, default=ReplenishmentStatus.OPEN
    )
    priority = models.IntegerField(default=0)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "created_at", "pk"]
        constraints = [
            # Never two open tasks for one face and product: eight pickers draining the face
            # at once make one task (the inserts behind the first do nothing).
            models.UniqueConstraint(
                fields=["location", "product"],
                condition=Q(status__in=OPEN_REPLENISHMENT_STATUSES),
                name="one_open_replenishment_per_face",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="replenish_quantity_pos"),
        ]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return f"replenish {self.quantity} of {self.product_id} to {self.location_id}"


REPLENISHMENT_LIFECYCLE: Lifecycle[ReplenishmentTask] = Lifecycle(
    model=ReplenishmentTask,
    transitions={
        ReplenishmentStatus.OPEN: frozenset(
            {
                ReplenishmentStatus.IN_PROGRESS,
                ReplenishmentStatus.DONE,
                ReplenishmentStatus.CANCELLED,
            }
        ),
        ReplenishmentStatus.IN_PROGRESS: frozenset(
            {ReplenishmentStatus.DONE, ReplenishmentStatus.CANCELLED, ReplenishmentStatus.OPEN}
        ),
    },
    event_prefix="replenishment",
    describe=lambda task: f"Replenishment task {task.pk}",
    payload=lambda task: {
        "replenishment_task_id": task.pk,
        "location_id": task.location_id,
        "product_id": task.product_id,
        "quantity": task.quantity,
    },
    stamps={ReplenishmentStatus.DONE: "done_at"},
    client_of=lambda task: task.product.client_id,
)


class WorkKind(models.TextChoices):
    REPLENISHMENT = "replenishment", "Replenishment"
    PICKING = "picking", "Picking"
    PUTAWAY = "putaway", "Putaway"
    RETURNS = "returns", "Return to stock"
    COUNTING = "counting", "Counting"


class WorkRule(models.Model):
    """A warehouse's order of kinds of work for "Get work": rank 1 is handed out first; an
    inactive kind is never handed out by the queue."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=WorkKind.choices)
    rank = models.PositiveSmallIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["warehouse__code", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "kind"], name="one_rule_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.rank}"


class ReorderPoint(models.Model):
    """Below `quantity` available units of a product in a warehouse, one low-stock alert is
    raised (and kept until available recovers)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "product"], name="one_reorder_point_per_product"
            )
        ]

    def __str__(self) -> str:
        return f"reorder {self.product_id} at {self.quantity}"


class LowStockAlert(models.Model):
    """Raised when available fell below the reorder point; cleared when it recovered. At most
    one open alert per product and warehouse (a partial unique index)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    reorder_point = models.PositiveIntegerField()
    available_at_raise = models.IntegerField()
    is_open = models.BooleanField(default=True)
    raised_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "product"],
                condition=Q(is_open=True),
                name="one_open_low_stock_alert",
            )
        ]

    def __str__(self) -> str:
        return f"low stock {self.product_id} in {self.warehouse_id}"


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


class ReturnStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class ReturnTask(models.Model):
    """Units left in a tote or at staging by an order cancelled after picking: take them back
    to their bin (or another bin the operator scans)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    from_lpn = models.ForeignKey(
        Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference_type = models.CharField(max_length=32)
    reference_id = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_quantity_pos")
        ]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return f"return {self.quantity} of {self.product_id}"


RETURN_LIFECYCLE: Lifecycle[ReturnTask] = Lifecycle(
    model=ReturnTask,
    transitions={
        ReturnStatus.OPEN: frozenset({ReturnStatus.IN_PROGRESS, ReturnStatus.DONE}),
        ReturnStatus.IN_PROGRESS: frozenset({ReturnStatus.DONE, ReturnStatus.OPEN}),
    },
    event_prefix="return_to_stock",
    describe=lambda task: f"Return task {task.pk}",
    payload=lambda task: {
        "return_task_id": task.pk,
        "product_id": task.product_id,
        "quantity": task.quantity,
        "reference": {"type": task.reference_type, "id": task.reference_id},
    },
    stamps={ReturnStatus.DONE: "done_at"},
    client_of=lambda task: task.product.client_id,
)
