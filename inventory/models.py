"""Master data every other app stands on: clients (owners of stock) and warehouses."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name such as Europe/Berlin.")


class Client(models.Model):
    """The owner of stock inside a tenant. A 3PL has many; a brand has one default client."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Warehouse(models.Model):
    """A building. Operators are assigned warehouses (accounts.User.warehouses)."""

    code = models.CharField(max_length=16, unique=True, help_text="Printed on the wall; scannable.")
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
