"""Reorder points and the low-stock alerts they raise."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from inventory.models import (
    Client,
    Product,
    Warehouse,
)


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
