"""Shipping: the master data (the boxes cartons are packed in, the packaging materials that go
with them, the carrier accounts labels are bought on, each client's shipping policy) and the
documents of the last floor process: cartons packed at a pack station, the carrier shipment of
each carton, and the end-of-day manifest per carrier.

Stock is never stored here: a carton's contents are ledger balances inside the carton's LPN,
and `CartonLine` records which order line each packed unit belongs to.

Invariants the database holds as well as the forms: inner dimensions and the weight limit are
positive, the tare is below the weight limit, costs are not negative."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from inventory.lifecycle import Lifecycle
from inventory.models import Client, Location, Lot, Lpn, Product, Warehouse
from picking.models import Order, OrderLine

CURRENCY = RegexValidator(r"^[A-Z]{3}$", "A three-letter ISO currency code, such as USD.")
CODE = RegexValidator(r"^[-A-Za-z0-9_.]+$", "Letters, digits, dots, dashes and underscores only.")
POSITIVE = MinValueValidator(1, "Must be at least 1.")
NOT_NEGATIVE = MinValueValidator(Decimal("0"), "Must not be negative.")


class BoxType(models.Model):
    """A carton size. With no clients it is everyone's; with clients, only theirs."""

    code = models.CharField(max_length=32, unique=True, validators=[CODE])
    name = models.CharField(max_length=120)
    inner_length_mm = models.PositiveIntegerField(validators=[POSITIVE])
    inner_width_mm = models.PositiveIntegerField(validators=[POSITIVE])
    inner_height_mm = models.PositiveIntegerField(validators=[POSITIVE])
    max_weight_g = models.PositiveIntegerField(
        validators=[POSITIVE], help_text="Gross: contents plus the box itself."
    )
    tare_weight_g = models.PositiveIntegerField(help_text="The empty box.")
    cost = models.DecimalField(max_digits=10, decimal_places=2, validators=[NOT_NEGATIVE])
    currency = models.CharField(max_length=3, default="USD", validators=[CURRENCY])
    is_active = models.BooleanField(default=True)
    clients = models.ManyToManyField(
        "inventory.Client",
        blank=True,
        related_name="box_types",
        help_text="Leave empty so that every client may use it.",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inner_length_mm__gt=0, inner_width_mm__gt=0, inner_height_mm__gt=0),
                name="box_type_positive_dimensions",
            ),
            models.CheckConstraint(
                condition=Q(tare_weight_g__lt=F("max_weight_g")), name="box_type_tare_below_max"
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="box_type_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if (
            self.tare_weight_g is not None
            and self.max_weight_g is not None
            and self.tare_weight_g >= self.max_weight_g
        ):
            raise ValidationError(
                {
                    "tare_weight_g": (
                        f"The empty box ({self.tare_weight_g} g) must weigh less than its "
                        f"maximum gross weight ({self.max_weight_g} g)."
                    )
                }
            )

    @property
    def inner_volume_cm3(self) -> int:
        return self.inner_length_mm * self.inner_width_mm * self.inner_height_mm // 1000


class PackagingMaterial(models.Model):
    """Void fill, tape, bubble wrap: what a packer adds, priced for billing."""

    code = models.CharField(max_length=32, unique=True, validators=[CODE])
    name = models.CharField(max_length=120)
    cost = models.DecimalField(max_digits=10, decimal_places=2, validators=[NOT_NEGATIVE])
    currency = models.CharField(max_length=3, default="USD", validators=[CURRENCY])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="material_cost_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CarrierAccount(models.Model):
    """A carrier account connected in EasyPost (its id starts ca_); rates are asked on these."""

    carrier = models.CharField(max_length=32, help_text="As EasyPost names it: USPS, UPS, FedEx…")
    easypost_id = models.CharField(
        "EasyPost account id",
        max_length=64,
        unique=True,
        validators=[RegexValidator(r"^ca_[A-Za-z0-9_]+$", "An EasyPost id such as ca_1a2b3c.")],
    )
    description = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["carrier", "easypost_id"]

    def __str__(self) -> str:
        return f"{self.carrier} {self.easypost_id}"


class RateRule(models.TextChoices):
    CHEAPEST = "cheapest", "Cheapest"
    ARRIVES_BY = "arrives_by", "Cheapest that arrives by the promised date"
    PREFERRED_CARRIER = "preferred_carrier", "Preferred carrier first, then cheapest"


class ShippingPolicy(models.Model):
    """How a client's parcels are rated and checked. A client without a row gets the defaults:
    the cheapest rate, and a closed carton may weigh 10% off its expected weight."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, primary_key=True, related_name="shipping_policy"
    )
    rate_rule = models.CharField(max_length=20, choices=RateRule.choices, default=RateRule.CHEAPEST)
    preferred_carriers = models.CharField(
        max_length=200, blank=True, help_text="Comma-separated, in order, e.g. “UPS, USPS”."
    )
    weight_tolerance_percent = models.PositiveSmallIntegerField(default=10)
    branding_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="Printed on packing slips; the client's name if empty.",
    )
    returns_note = models.CharField(
        max_length=300,
        blank=True,
        default="Returns within 30 days: keep this slip and contact us for a return label.",
    )

    def __str__(self) -> str:
        return f"shipping policy of {self.client_id}"

    @property
    def carriers(self) -> list[str]:
        return [c.strip() for c in self.preferred_carriers.split(",") if c.strip()]


class CartonStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    SHIPPED = "shipped", "Shipped"
    DISCARDED = "discarded", "Discarded"


# A carton is packed while open, closed on its weight (`carton.packed`, what billing charges for
# packing), and shipped when it is loaded at the ship dock. An open carton may instead be
# unpacked (its units back where they were packed from) or, empty, thrown away: discarded.
CARTON_TRANSITIONS: dict[str, frozenset[str]] = {
    CartonStatus.OPEN: frozenset({CartonStatus.CLOSED, CartonStatus.DISCARDED}),
    CartonStatus.CLOSED: frozenset({CartonStatus.SHIPPED}),
    CartonStatus.SHIPPED: frozenset(),
    CartonStatus.DISCARDED: frozenset(),
}


class Carton(models.Model):
    """A box packed for one order at a pack station, labelled by its LPN (an SSCC)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="cartons")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    lpn = models.OneToOneField(Lpn, on_delete=models.PROTECT, related_name="carton")
    number = models.PositiveSmallIntegerField(help_text="1, 2, 3… within the order.")
    box_type = models.ForeignKey(
        BoxType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The box as it was at packing, so later catalog edits never rewrite a shipped carton.
    length_mm = models.PositiveIntegerField()
    width_mm = models.PositiveIntegerField()
    height_mm = models.PositiveIntegerField()
    tare_weight_g = models.PositiveIntegerField(default=0)
    pack_station = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=CartonStatus.choices, default=CartonStatus.OPEN
    )
    weight_g = models.PositiveIntegerField(null=True, blank=True, help_text="Weighed at close.")
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "number"]
        constraints = [
            # A discarded carton gives its number to the next one, so the order's cartons
            # stay "1 of n" to "n of n" on labels.
            models.UniqueConstraint(
                fields=["order", "number"],
                condition=~Q(status="discarded"),
                name="carton_number_per_order",
            )
        ]
        indexes = [models.Index(fields=["warehouse", "status"])]

    def __str__(self) -> str:
        return f"carton {self.number} of order {self.order_id}"


CARTON_LIFECYCLE = Lifecycle(
    model=Carton,
    transitions=CARTON_TRANSITIONS,
    event_prefix="carton",
    event_types={CartonStatus.CLOSED: "carton.packed"},
    describe=lambda carton: f"Carton {carton.number}",
    payload=lambda carton: {"carton_id": carton.pk, "order_id": carton.order_id},
    stamps={CartonStatus.CLOSED: "closed_at", CartonStatus.SHIPPED: "shipped_at"},
    touch=None,
)


class CartonLine(models.Model):
    """Units of one order line (and lot) in a carton."""

    carton = models.ForeignKey(Carton, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["carton", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["carton", "order_line", "lot"],
                name="one_carton_line_per_order_line_lot",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="carton_line_quantity_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id} in carton {self.carton_id}"


class ShipmentStatus(models.TextChoices):
    RATING = "rating", "Rating"
    RATED = "rated", "Rated"
    LABEL_PURCHASED = "label_purchased", "Label purchased"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    SHIPPED = "shipped", "Shipped"
    VOIDED = "voided", "Voided"


# The one table of shipment status changes. A manager fixes a shipment that needs attention (an
# address, a box) and sends it back to rating; a voided label (refunded) can be rated again.
SHIPMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    ShipmentStatus.RATING: frozenset(
        {ShipmentStatus.RATED, ShipmentStatus.LABEL_PURCHASED, ShipmentStatus.NEEDS_ATTENTION}
    ),
    ShipmentStatus.RATED: frozenset(
        {ShipmentStatus.LABEL_PURCHASED, ShipmentStatus.NEEDS_ATTENTION}
    ),
    ShipmentStatus.NEEDS_ATTENTION: frozenset({ShipmentStatus.RATING}),
    ShipmentStatus.LABEL_PURCHASED: frozenset({ShipmentStatus.SHIPPED, ShipmentStatus.VOIDED}),
    ShipmentStatus.SHIPPED: frozenset(),
    ShipmentStatus.VOIDED: frozenset({ShipmentStatus.RATING}),
}


class Shipment(models.Model):
    """The carrier side of one carton: the rates asked, the rate chosen, the label bought, the
    tracking. `easypost_id` is stored before anything is bought, so a task that runs again after
    a crash finds the purchase instead of buying twice."""

    carton = models.OneToOneField(Carton, on_delete=models.PROTECT, related_name="shipment")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shipments")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.RATING
    )
    easypost_id = models.CharField(max_length=64, blank=True, db_index=True)
    rates = models.JSONField(default=list, blank=True)
    rate_messages = models.JSONField(default=list, blank=True)
    rate_id = models.CharField(max_length=64, blank=True)
    carrier = models.CharField(max_length=32, blank=True)
    service = models.CharField(max_length=64, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    delivery_days = models.PositiveSmallIntegerField(null=True, blank=True)
    tracking_code = models.CharField(max_length=64, blank=True, db_index=True)
    tracking_status = models.CharField(max_length=32, blank=True)
    label_pdf = models.BinaryField(null=True, blank=True)
    label_zpl = models.TextField(blank=True)
    attention_message = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    refund_status = models.CharField(max_length=16, blank=True)
    manifest = models.ForeignKey(
        "Manifest", null=True, blank=True, on_delete=models.PROTECT, related_name="shipments"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The last time a task or a manager worked on it, and when a retry is due: the reconcile
    # sweep leaves a shipment alone until both are SHIPPING_STUCK_MINUTES old.
    updated_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    purchased_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["warehouse", "status"]),
            models.Index(fields=["status", "updated_at"], name="shipment_status_updated"),
        ]

    def __str__(self) -> str:
        return f"shipment of carton {self.carton_id} ({self.status})"


SHIPMENT_LIFECYCLE = Lifecycle(
    model=Shipment,
    transitions=SHIPMENT_TRANSITIONS,
    event_prefix="shipment",
    describe=lambda shipment: f"Shipment {shipment.pk}",
    payload=lambda shipment: {"shipment_id": shipment.pk, "order_id": shipment.order_id},
)


class ManifestStatus(models.TextChoices):
    # The shipments are claimed for it; EasyPost has not answered the scan form request yet.
    REQUESTED = "requested", "Requested"
    # EasyPost has the scan form but is still creating its PDF (its status "creating").
    CREATING = "creating", "Waiting for the carrier"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


MANIFEST_TRANSITIONS: dict[str, frozenset[str]] = {
    ManifestStatus.REQUESTED: frozenset(
        {ManifestStatus.CREATING, ManifestStatus.READY, ManifestStatus.FAILED}
    ),
    ManifestStatus.CREATING: frozenset({ManifestStatus.READY, ManifestStatus.FAILED}),
    ManifestStatus.READY: frozenset(),
    ManifestStatus.FAILED: frozenset(),
}


class Manifest(models.Model):
    """End of day per carrier and warehouse: the EasyPost scan form of the day's shipments. The
    row and its shipments are committed before EasyPost is asked, so a crash in between leaves a
    requested manifest that the reconcile sweep completes, never shipments on an unknown form."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    carrier = models.CharField(max_length=32)
    date = models.DateField()
    status = models.CharField(
        max_length=16, choices=ManifestStatus.choices, default=ManifestStatus.REQUESTED
    )
    easypost_id = models.CharField(max_length=64, blank=True)
    form_pdf = models.BinaryField(null=True, blank=True)
    message = models.TextField(blank=True, help_text="Why EasyPost failed to make the form.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "carrier"]

    def __str__(self) -> str:
        return f"{self.carrier} manifest {self.date}"


MANIFEST_LIFECYCLE = Lifecycle(
    model=Manifest,
    transitions=MANIFEST_TRANSITIONS,
    event_prefix="manifest",
    describe=lambda manifest: f"Manifest {manifest.pk}",
    payload=lambda manifest: {"manifest_id": manifest.pk, "scan_form": manifest.easypost_id},
)


class TrackingEvent(models.Model):
    """A tracking update received at the EasyPost webhook (kept as received)."""

    shipment = models.ForeignKey(
        Shipment, null=True, blank=True, on_delete=models.PROTECT, related_name="tracking_events"
    )
    easypost_event_id = models.CharField(max_length=64, unique=True)
    tracking_code = models.CharField(max_length=64)
    status = models.CharField(max_length=32)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.tracking_code}: {self.status}"


class CarrierSettings(models.Model):
    """The tenant's EasyPost settings that belong to no carrier account: the secret EasyPost signs
    its webhook deliveries with. One row (pk 1) per tenant schema: EasyPost keys the signature by
    the webhook (one URL, this tenant's /webhooks/easypost/), not by carrier account, so one
    secret per tenant is what EasyPost has. After a rotation the previous secret is accepted until
    `previous_secret_expires_at`, while the new one is entered at EasyPost."""

    webhook_secret = models.CharField(max_length=200, blank=True)
    webhook_secret_set_at = models.DateTimeField(null=True, blank=True)
    webhook_secret_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous_webhook_secret = models.CharField(max_length=200, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "carrier settings"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="carrier_settings_one_row")]

    def __str__(self) -> str:
        return "carrier settings"

    @property
    def masked_secret(self) -> str:
        """The secret as a page may show it: its last four characters."""
        secret = self.webhook_secret
        return f"{'•' * 8}{secret[-4:]}" if len(secret) >= 12 else ("•" * 8 if secret else "")
