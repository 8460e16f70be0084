"""Master data and the stock ledger.

Stock lives in one place: `StockMove` rows (immutable; a trigger refuses UPDATE and DELETE) and
`Balance` rows, a cache of the moves per (location, product, lot, LPN, status) kept in the same
transaction by inventory.services and reconciled by `manage.py check_ledger`. Virtual locations
(supplier, customer, adjustment, scrap, in transit) keep no balance: what they hold is the ledger's
net flow, so per product the physical on-hand plus the virtual positions is always zero."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from wms.validation import validate_code


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name such as Europe/Berlin.")


class Client(models.Model):
    """The owner of stock inside a tenant. A 3PL has many; a brand has one default client."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)
    min_shelf_life_days = models.PositiveIntegerField(
        default=0,
        help_text="Lots expiring sooner than this many days from today are never allocated.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Warehouse(models.Model):
    """A building. Operators are assigned warehouses (UserScope.warehouses)."""

    code = models.CharField(
        max_length=16,
        unique=True,
        validators=[validate_code],
        help_text="Printed on the wall; scannable.",
    )
    name = models.CharField(max_length=120)
    address_line1 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, default="US")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def warehouse_id(self) -> int:
        """A warehouse is in its own scope (wms.permissions.in_scope reads warehouse_id)."""
        return int(self.pk)


class UserScope(models.Model):
    """Where a user may work: an operator's warehouses, a client user's client (the role says
    which applies). Kept here, beside what it names, so the user model (wms.accounts) points at
    nothing of inventory's; wms reads it through wms.scope, which inventory.apps registers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="scope"
    )
    client = models.ForeignKey(
        Client,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scopes",
        help_text="Client users see only this client's data.",
    )
    warehouses = models.ManyToManyField(
        Warehouse,
        blank=True,
        related_name="scopes",
        help_text="Operators work only in these warehouses.",
    )

    def __str__(self) -> str:
        return f"scope of user {self.user_id}"


class Zone(models.Model):
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="zones")
    code = models.CharField(max_length=16, validators=[validate_code])
    name = models.CharField(max_length=120, blank=True)
    storage_class = models.CharField(
        max_length=32, blank=True, help_text="e.g. ambient, chilled, hazmat, bulky"
    )

    class Meta:
        ordering = ["warehouse__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "code"], name="zone_code_per_warehouse")
        ]

    def __str__(self) -> str:
        return f"{self.warehouse.code}/{self.code}"


class LocationKind(models.TextChoices):
    DOCK = "dock", "Dock"
    STORAGE = "storage", "Storage"
    PICK_FACE = "pick_face", "Pick face"
    STAGING = "staging", "Staging"
    PACK_STATION = "pack_station", "Pack station"
    SHIP_DOCK = "ship_dock", "Ship dock"
    SUPPLIER = "supplier", "Supplier (virtual)"
    CUSTOMER = "customer", "Customer (virtual)"
    ADJUSTMENT = "adjustment", "Adjustment (virtual)"
    SCRAP = "scrap", "Scrap (virtual)"
    IN_TRANSIT = "in_transit", "In transit (virtual)"


VIRTUAL_KINDS = frozenset(
    {
        LocationKind.SUPPLIER,
        LocationKind.CUSTOMER,
        LocationKind.ADJUSTMENT,
        LocationKind.SCRAP,
        LocationKind.IN_TRANSIT,
    }
)


class StorageType(models.TextChoices):
    """What a location is as storage space, for billing by location-day (billing's rate cards
    price a bin, a shelf, a pallet position and a floor spot differently)."""

    BIN = "bin", "Bin"
    SHELF = "shelf", "Shelf"
    PALLET_POSITION = "pallet_position", "Pallet position"
    FLOOR = "floor", "Floor"


class Location(models.Model):
    """A place stock can be. Virtual locations (one of each kind per warehouse) hold no balance."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="locations")
    zone = models.ForeignKey(
        Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="locations"
    )
    code = models.CharField(max_length=32, validators=[validate_code])
    barcode = models.CharField(
        max_length=64, validators=[validate_code], help_text="What the bin label encodes."
    )
    kind = models.CharField(
        max_length=16, choices=LocationKind.choices, default=LocationKind.STORAGE
    )
    is_virtual = models.BooleanField(default=False, editable=False)
    storage_type = models.CharField(
        max_length=16,
        choices=StorageType.choices,
        default=StorageType.BIN,
        help_text="The kind of storage space, as rate cards price it per location-day.",
    )
    pick_sequence = models.PositiveIntegerField(default=0, help_text="Walking order for picking.")
    max_units = models.PositiveIntegerField(null=True, blank=True)
    max_volume_cm3 = models.PositiveBigIntegerField(null=True, blank=True)
    max_weight_g = models.PositiveBigIntegerField(null=True, blank=True)
    max_pallets = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Pallets this place holds; a pallet position holds one unless set here.",
    )
    is_pickable = models.BooleanField(default=False)
    is_blocked = models.BooleanField(default=False)
    blocked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["warehouse__code", "pick_sequence", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "code"], name="location_code_per_warehouse"
            ),
            models.UniqueConstraint(
                fields=["warehouse", "barcode"], name="location_barcode_per_warehouse"
            ),
            models.CheckConstraint(
                condition=Q(is_virtual=False) | Q(is_pickable=False),
                name="virtual_location_not_pickable",
            ),
        ]
        indexes = [models.Index(fields=["warehouse", "kind"])]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: object, **kwargs: object) -> None:
        # Derived from kind, stored so that queries can filter on it without a CASE.
        self.is_virtual = self.kind in VIRTUAL_KINDS
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Tracking(models.TextChoices):
    NONE = "none", "Not tracked"
    LOT = "lot", "Lot"
    LOT_EXPIRY = "lot_expiry", "Lot and expiry"


class Product(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="products")
    sku = models.CharField("SKU", max_length=64, validators=[validate_code])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    length_mm = models.PositiveIntegerField(null=True, blank=True)
    width_mm = models.PositiveIntegerField(null=True, blank=True)
    height_mm = models.PositiveIntegerField(null=True, blank=True)
    weight_g = models.PositiveIntegerField(null=True, blank=True)
    tracking = models.CharField(max_length=16, choices=Tracking.choices, default=Tracking.NONE)
    inner_qty = models.PositiveIntegerField(null=True, blank=True, help_text="Eaches per inner.")
    case_qty = models.PositiveIntegerField(null=True, blank=True, help_text="Eaches per case.")
    pallet_qty = models.PositiveIntegerField(null=True, blank=True, help_text="Eaches per pallet.")
    ships_in_own_container = models.BooleanField(
        default=False, help_text="Ships alone, in its own packaging (never packed with others)."
    )
    unit_cost = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        default=0,
        help_text="What one base unit is worth, for count variance by value.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["client__code", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["client", "sku"], name="sku_per_client"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def is_lot_tracked(self) -> bool:
        return self.tracking != Tracking.NONE

    @property
    def volume_cm3(self) -> int | None:
        if self.length_mm and self.width_mm and self.height_mm:
            return max(1, self.length_mm * self.width_mm * self.height_mm // 1000)
        return None


class ProductBarcode(models.Model):
    """A scannable code for a product: the each's UPC/EAN/GTIN, or a case code with its pack
    quantity. Unique per client (two clients may sell the same UPC in one building)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="barcodes")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", editable=False)
    barcode = models.CharField(max_length=64, validators=[validate_code])
    pack_quantity = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["barcode"]
        constraints = [
            models.UniqueConstraint(fields=["client", "barcode"], name="barcode_per_client"),
            models.CheckConstraint(
                condition=Q(pack_quantity__gte=1), name="pack_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.barcode

    def save(self, *args: object, **kwargs: object) -> None:
        self.client_id = self.product.client_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Lot(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots")
    number = models.CharField(max_length=64, validators=[validate_code])
    expiry_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["expiry_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="lot_number_per_product"),
        ]

    def __str__(self) -> str:
        return self.number


class LpnKind(models.TextChoices):
    PALLET = "pallet", "Pallet"
    CASE = "case", "Case"
    TOTE = "tote", "Tote"
    CARTON = "carton", "Carton"


class Lpn(models.Model):
    """A license plate: a labelled container of stock that sits at a location."""

    code = models.CharField(max_length=32, unique=True, validators=[validate_code])
    kind = models.CharField(max_length=16, choices=LpnKind.choices, default=LpnKind.PALLET)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="lpns")
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="lpns"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = "LPN"

    def __str__(self) -> str:
        return self.code


class InventoryStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    HOLD = "hold", "Hold"
    DAMAGED = "damaged", "Damaged"
    QUARANTINE = "quarantine", "Quarantine"


class Balance(models.Model):
    """On-hand and allocated for one balance key at a physical location. A cache of the ledger,
    written only by inventory.services under row locks (inventory.locks)."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="balances")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="balances")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lpn = models.ForeignKey(
        Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="balances"
    )
    status = models.CharField(
        max_length=16, choices=InventoryStatus.choices, default=InventoryStatus.AVAILABLE
    )
    # Copies of the location's and product's owners, so on-hand pages filter without joins.
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    on_hand = models.IntegerField(default=0)
    allocated = models.IntegerField(default=0)
    first_received_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "product", "lot", "lpn", "status"],
                name="one_balance_per_key",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="on_hand_not_negative"),
            models.CheckConstraint(condition=Q(allocated__gte=0), name="allocated_not_negative"),
            models.CheckConstraint(
                condition=Q(allocated__lte=F("on_hand")), name="allocated_within_on_hand"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "warehouse", "status"]),
            models.Index(fields=["client", "warehouse"]),
            models.Index(fields=["lpn"]),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.location_id}: {self.on_hand}"

    @property
    def available(self) -> int:
        return self.on_hand - self.allocated


class Reason(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    PUTAWAY = "putaway", "Putaway"
    MOVE = "move", "Move"
    PICK = "pick", "Pick"
    PACK = "pack", "Pack"
    SHIP = "ship", "Ship"
    ADJUST = "adjust", "Adjustment"
    COUNT = "count", "Count"
    STATUS_CHANGE = "status_change", "Status change"
    RETURN = "return", "Return"
    REPLENISH = "replenish", "Replenishment"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    TRANSFER_IN = "transfer_in", "Transfer in"
    SCRAP = "scrap", "Scrap"


class StockMove(models.Model):
    """One immutable ledger entry: `quantity` base units of one product (and lot) from one balance
    key to another. A correction is a new, reversing move."""

    # Every index is paid on every move. The composite indexes below serve the lookups by
    # product and by location, so those foreign keys get no index of their own; lot and user are
    # never looked up by themselves in bulk (deleting one is rare and may scan). LPNs keep theirs
    # for an LPN's history.
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="moves", db_index=False
    )
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    quantity = models.PositiveIntegerField()
    from_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    to_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    from_lpn = models.ForeignKey(
        Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_lpn = models.ForeignKey(
        Lpn, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=InventoryStatus.choices)
    to_status = models.CharField(max_length=16, choices=InventoryStatus.choices)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    reason_code = models.CharField(max_length=32, blank=True, help_text="Adjustment reason code.")
    reference_type = models.CharField(max_length=32, blank=True)
    reference_id = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=200, blank=True)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="move_quantity_positive"),
        ]
        indexes = [
            models.Index(fields=["product", "created_at"]),
            models.Index(fields=["from_location", "created_at"]),
            models.Index(fields=["to_location", "created_at"]),
            models.Index(fields=["reference_type", "reference_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.quantity} of product {self.product_id}"


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CONSUMED = "consumed", "Consumed"
    RELEASED = "released", "Released"


class Reservation(models.Model):
    """A quantity of one balance promised to one document line (an order line). It never moves
    stock; picking consumes it, cancelling or a short pick releases it."""

    balance = models.ForeignKey(Balance, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField(
        help_text="Still reserved (not yet consumed or released)."
    )
    original_quantity = models.PositiveIntegerField()
    reference_type = models.CharField(max_length=32)
    reference_id = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=ReservationStatus.choices, default=ReservationStatus.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["reference_type", "reference_id"]),
            models.Index(fields=["balance", "status"]),
        ]

    def __str__(self) -> str:
        ref = f"{self.reference_type} {self.reference_id}"
        return f"{self.quantity} of balance {self.balance_id} for {ref}"


class Event(models.Model):
    """The outbox: one row per fact, written in the transaction that committed the fact. Never
    changed afterwards; consumers record what they have processed."""

    type = models.CharField(max_length=64, db_index=True)
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payload = models.JSONField(default=dict)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"


class OutboxCursor(models.Model):
    """Where one consumer of the outbox has read to (inventory.outbox): the last event's
    transaction id and event id. One row per consumer name."""

    name = models.CharField(max_length=64, unique=True)
    last_txid = models.BigIntegerField(default=0)
    last_event_id = models.BigIntegerField(default=0)
    events_read = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at event {self.last_event_id}"


class OutboxEarly(models.Model):
    """An event handed to a consumer inside the transaction that wrote it, before its cursor
    may pass it (inventory.outbox): remembered so that it is not handed out again once it
    commits. Removed when the cursor passes it."""

    consumer = models.CharField(max_length=64)
    event_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consumer", "event_id"], name="outbox_early_once")
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} handed to {self.consumer}"


class CountRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    COUNTING = "counting", "Counting"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class CountRequest(models.Model):
    """A request to count one bin (optionally one product there), e.g. after a short pick found
    less than the ledger says. Cycle counting works these off."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=CountRequestStatus.choices, default=CountRequestStatus.REQUESTED
    )
    reason = models.CharField(max_length=200)
    reference_type = models.CharField(max_length=32, blank=True)
    reference_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return f"count {self.location_id} ({self.status})"


class LedgerCheck(models.Model):
    """One run of the ledger reconciliation (manage.py check_ledger, nightly task)."""

    ran_at = models.DateTimeField(default=timezone.now)
    balances_checked = models.PositiveIntegerField()
    drift_count = models.PositiveIntegerField()
    drift = models.JSONField(default=list)

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"ledger check {self.ran_at:%Y-%m-%d %H:%M}: {self.drift_count} drift"
