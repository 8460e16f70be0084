"""Shipping's master data: the boxes cartons are packed in, the packaging materials that go
with them, and the carrier accounts labels are bought on. Cartons and shipments come with the
packing issue (they need picking's orders).

Invariants the database holds as well as the forms: inner dimensions and the weight limit are
positive, the tare is below the weight limit, costs are not negative."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

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
