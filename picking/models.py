"""Outbound documents: orders and their lines, waves, pick lists and pick lines.

Stock is never stored here. An order line's allocation is a set of inventory reservations
(reference "order_line", the line's pk); a pick line is the work to take one reservation off
its shelf; a confirmed pick is a ledger move written by inventory.services. The counters on
`OrderLine` (allocated, picked, short) and `PickLine` are caches changed only by
picking.services under the document's row lock."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from inventory.lifecycle import Lifecycle
from inventory.models import Client, Location, Lot, Lpn, Product, Reservation, Warehouse, Zone
from wms.validation import validate_code

# The reference inventory reservations and stock moves carry for an order line / pick line.
ORDER_LINE_REF = "order_line"
PICK_LINE_REF = "pick_line"


class OrderStatus(models.TextChoices):
    NEW = "new", "New"
    BACKORDERED = "backordered", "Backordered"
    PARTIALLY_ALLOCATED = "partially_allocated", "Partially allocated"
    ALLOCATED = "allocated", "Allocated"
    RELEASED = "released", "Released"
    PICKING = "picking", "Picking"
    PICKED = "picked", "Picked"
    PACKED = "packed", "Packed"
    SHIPPED = "shipped", "Shipped"
    CANCELLED = "cancelled", "Cancelled"


_ALLOCATION_STATES = frozenset(
    {
        OrderStatus.BACKORDERED,
        OrderStatus.PARTIALLY_ALLOCATED,
        OrderStatus.ALLOCATED,
    }
)

# The one table of allowed order status changes. Allocation may be retried (a backorder becomes
# allocated when stock arrives); a release takes only fully allocated orders; a short pick can
# send a picking order back to released (re-allocated lines wait on the list) and picked orders
# with shorts stay picked. Cancel is refused once the order is packed: the goods are in a box.
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.NEW: _ALLOCATION_STATES | {OrderStatus.CANCELLED},
    OrderStatus.BACKORDERED: _ALLOCATION_STATES | {OrderStatus.CANCELLED},
    OrderStatus.PARTIALLY_ALLOCATED: _ALLOCATION_STATES | {OrderStatus.CANCELLED},
    OrderStatus.ALLOCATED: _ALLOCATION_STATES | {OrderStatus.RELEASED, OrderStatus.CANCELLED},
    OrderStatus.RELEASED: frozenset(
        {OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.CANCELLED}
    ),
    OrderStatus.PICKING: frozenset({OrderStatus.PICKED, OrderStatus.CANCELLED}),
    OrderStatus.PICKED: frozenset({OrderStatus.PACKED, OrderStatus.CANCELLED}),
    OrderStatus.PACKED: frozenset({OrderStatus.SHIPPED}),
    OrderStatus.SHIPPED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}

# Orders a manager can still (re)allocate or put into a wave.
OPEN_FOR_ALLOCATION = frozenset({OrderStatus.NEW} | _ALLOCATION_STATES)


class ServiceLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPEDITED = "expedited", "Expedited (2-3 days)"
    OVERNIGHT = "overnight", "Overnight"


class Order(models.Model):
    """A client's outbound order: what leaves one warehouse for one ship-to address."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="orders")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="orders")
    reference = models.CharField(
        max_length=64, validators=[validate_code], help_text="The client's order number."
    )
    status = models.CharField(max_length=24, choices=OrderStatus.choices, default=OrderStatus.NEW)
    ship_to_name = models.CharField(max_length=120)
    ship_to_company = models.CharField(max_length=120, blank=True)
    ship_to_street1 = models.CharField(max_length=200)
    ship_to_street2 = models.CharField(max_length=200, blank=True)
    ship_to_city = models.CharField(max_length=100)
    ship_to_state = models.CharField(max_length=50, blank=True)
    ship_to_postal_code = models.CharField(max_length=20)
    ship_to_country = models.CharField(max_length=2, default="US")
    ship_to_phone = models.CharField(max_length=40, blank=True)
    ship_to_email = models.EmailField(blank=True)
    carrier_service = models.CharField(
        max_length=64, blank=True, help_text="Requested carrier and service, e.g. “UPS Ground”."
    )
    service_level = models.CharField(
        max_length=16, choices=ServiceLevel.choices, default=ServiceLevel.STANDARD
    )
    priority = models.PositiveSmallIntegerField(default=5, help_text="1 is most urgent.")
    ship_by = models.DateField(null=True, blank=True)
    deliver_by = models.DateField(null=True, blank=True, help_text="Promised delivery date.")
    # Units over all lines, stored so wave planning can filter single-unit orders cheaply.
    total_units = models.PositiveIntegerField(default=0)
    line_count = models.PositiveIntegerField(default=0)
    # A digest of the lines as first submitted: a repeat with other lines is refused.
    content_digest = models.CharField(max_length=64, blank=True)
    wave = models.ForeignKey(
        "Wave", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["priority", "ship_by", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "reference"], name="order_reference_per_client"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1) & Q(priority__lte=9), name="order_priority_1_to_9"
            ),
        ]
        indexes = [
            models.Index(fields=["warehouse", "status"]),
            models.Index(fields=["status", "ship_by"]),
        ]

    def __str__(self) -> str:
        return f"Order {self.reference}"


ORDER_LIFECYCLE = Lifecycle(
    model=Order,
    transitions=ORDER_TRANSITIONS,
    event_prefix="order",
    # A partial allocation is reported as an allocation (its payload says what is missing).
    event_types={
        OrderStatus.PARTIALLY_ALLOCATED: "order.allocated",
        OrderStatus.PICKING: "order.picking_started",
    },
    describe=lambda order: f"Order {order.reference}",
    payload=lambda order: {
        "order_id": order.pk,
        "reference": order.reference,
        "status": order.status,
    },
)


class OrderLine(models.Model):
    """One product and quantity on an order. allocated + short never exceed quantity; picked
    never exceeds allocated's history (it is what was taken off the shelves)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    # Still reserved for the line (not yet picked or released).
    allocated_qty = models.PositiveIntegerField(default=0)
    picked_qty = models.PositiveIntegerField(default=0)
    short_qty = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_number"], name="order_line_number"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_pos"),
            models.CheckConstraint(
                condition=Q(quantity__gte=F("allocated_qty") + F("picked_qty") + F("short_qty")),
                name="order_line_within_quantity",
            ),
        ]
        indexes = [models.Index(fields=["product"])]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_number}: {self.quantity} x {self.product_id}"

    @property
    def open_qty(self) -> int:
        """Neither reserved, picked nor given up as short: what allocation still has to find."""
        return self.quantity - self.allocated_qty - self.picked_qty - self.short_qty


class PickMethod(models.TextChoices):
    DISCRETE = "discrete", "Discrete (one order at a time)"
    CLUSTER = "cluster", "Batch / cluster (several orders on one cart, a tote each)"
    ZONE = "zone", "Zone (one list per zone, orders meet at staging)"


class WaveStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    RELEASED = "released", "Released"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


WAVE_TRANSITIONS: dict[str, frozenset[str]] = {
    WaveStatus.PLANNED: frozenset({WaveStatus.RELEASED, WaveStatus.CANCELLED}),
    WaveStatus.RELEASED: frozenset({WaveStatus.IN_PROGRESS, WaveStatus.DONE}),
    WaveStatus.IN_PROGRESS: frozenset({WaveStatus.DONE}),
    WaveStatus.DONE: frozenset(),
    WaveStatus.CANCELLED: frozenset(),
}


class WaveRule(models.Model):
    """Saved filters that create (and optionally release) a wave on a schedule."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    filters = models.JSONField(default=dict, blank=True)
    pick_method = models.CharField(
        max_length=16, choices=PickMethod.choices, default=PickMethod.DISCRETE
    )
    release_immediately = models.BooleanField(default=False)
    max_orders = models.PositiveIntegerField(default=200)
    interval_minutes = models.PositiveIntegerField(default=60)
    is_active = models.BooleanField(default=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["warehouse", "name"]

    def __str__(self) -> str:
        return self.name


class Wave(models.Model):
    """A group of orders released to the floor together with one pick method."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="waves")
    number = models.CharField(max_length=32, unique=True)
    status = models.CharField(max_length=16, choices=WaveStatus.choices, default=WaveStatus.PLANNED)
    pick_method = models.CharField(
        max_length=16, choices=PickMethod.choices, default=PickMethod.DISCRETE
    )
    orders_per_cart = models.PositiveSmallIntegerField(default=6)
    staging_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filters = models.JSONField(default=dict, blank=True)
    rule = models.ForeignKey(
        WaveRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="waves"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return f"Wave {self.number}"


WAVE_LIFECYCLE = Lifecycle(
    model=Wave,
    transitions=WAVE_TRANSITIONS,
    event_prefix="wave",
    describe=lambda wave: f"Wave {wave.number}",
    payload=lambda wave: {"wave_id": wave.pk, "number": wave.number},
    stamps={WaveStatus.RELEASED: "released_at", WaveStatus.DONE: "finished_at"},
    touch=None,
)


class PickListStatus(models.TextChoices):
    RELEASED = "released", "Waiting for a picker"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


# A released list waits for a picker; the picker who takes it works it to the end (short picks
# re-allocate onto the same list while it is in progress). A list nobody took can be cancelled.
PICK_LIST_TRANSITIONS: dict[str, frozenset[str]] = {
    PickListStatus.RELEASED: frozenset({PickListStatus.IN_PROGRESS, PickListStatus.CANCELLED}),
    PickListStatus.IN_PROGRESS: frozenset({PickListStatus.DONE}),
    PickListStatus.DONE: frozenset(),
    PickListStatus.CANCELLED: frozenset(),
}


class PickList(models.Model):
    """One picker's task list: lines in walking order. Assigned to one operator at a time."""

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="pick_lists")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.PROTECT)
    method = models.CharField(max_length=16, choices=PickMethod.choices)
    number = models.CharField(max_length=40, unique=True)
    status = models.CharField(
        max_length=16, choices=PickListStatus.choices, default=PickListStatus.RELEASED
    )
    staging_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(default=5)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["priority", "created_at", "pk"]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return f"Pick list {self.number}"

    @property
    def uses_totes(self) -> bool:
        return self.method == PickMethod.CLUSTER


PICK_LIST_LIFECYCLE = Lifecycle(
    model=PickList,
    transitions=PICK_LIST_TRANSITIONS,
    event_prefix="picklist",
    event_types={PickListStatus.IN_PROGRESS: "picklist.assigned"},
    describe=lambda pick_list: f"Pick list {pick_list.number}",
    payload=lambda pick_list: {"pick_list_id": pick_list.pk, "number": pick_list.number},
    stamps={PickListStatus.IN_PROGRESS: "started_at", PickListStatus.DONE: "finished_at"},
    touch=None,
)


class PickListOrder(models.Model):
    """An order's slot on a pick list; on a cluster cart, the tote its picks go into (bound when
    the operator scans an empty tote for the order's first pick)."""

    pick_list = models.ForeignKey(PickList, on_delete=models.CASCADE, related_name="slots")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    slot = models.PositiveSmallIntegerField()
    tote = models.ForeignKey(Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pick_list", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["pick_list", "order"], name="one_slot_per_order"),
            models.UniqueConstraint(fields=["pick_list", "slot"], name="slot_number_per_list"),
        ]

    def __str__(self) -> str:
        return f"slot {self.slot} of {self.pick_list_id}"

    @property
    def slot_letter(self) -> str:
        return chr(ord("A") + (self.slot - 1) % 26)


class PickLineStatus(models.TextChoices):
    OPEN = "open", "Open"
    PICKED = "picked", "Picked"
    SHORT = "short", "Short"
    CANCELLED = "cancelled", "Cancelled"


class PickLine(models.Model):
    """Take `quantity` of one reservation (one bin, product, lot, LPN) for one order line."""

    pick_list = models.ForeignKey(PickList, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="pick_lines")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="pick_lines")
    reservation = models.ForeignKey(Reservation, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lpn = models.ForeignKey(Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveIntegerField(help_text="Walking order on the list.")
    quantity = models.PositiveIntegerField()
    picked_qty = models.PositiveIntegerField(default=0)
    short_qty = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=PickLineStatus.choices, default=PickLineStatus.OPEN
    )
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    picked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pick_list", "sequence", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="pick_line_quantity_pos"),
            models.CheckConstraint(
                condition=Q(quantity__gte=F("picked_qty") + F("short_qty")),
                name="pick_line_within_quantity",
            ),
        ]
        indexes = [
            models.Index(fields=["pick_list", "status"]),
            models.Index(fields=["picked_by", "picked_at"]),
        ]

    def __str__(self) -> str:
        return f"pick {self.quantity} x {self.product_id} at {self.location_id}"

    @property
    def remaining(self) -> int:
        return self.quantity - self.picked_qty - self.short_qty


class WaveDefaults(models.Model):
    """How a warehouse usually picks: the wave planner starts from this method and cart size,
    and proposes cluster picking when every order in the wave is small (at most
    `cluster_max_units` units; 0 turns that off)."""

    warehouse = models.OneToOneField(Warehouse, on_delete=models.CASCADE, related_name="+")
    pick_method = models.CharField(
        max_length=16, choices=PickMethod.choices, default=PickMethod.DISCRETE
    )
    orders_per_cart = models.PositiveSmallIntegerField(default=6)
    cluster_max_units = models.PositiveIntegerField(
        default=0,
        help_text="Propose cluster picking when no order has more units than this (0: never).",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(orders_per_cart__gte=1, orders_per_cart__lte=26),
                name="wave_defaults_cart_size",
            ),
        ]

    def __str__(self) -> str:
        return f"Wave defaults of warehouse {self.warehouse_id}"
