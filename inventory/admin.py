"""Raw data for admins, read-only: every write to inventory goes through its services (the
ledger's invariants and the master-data guards live there, not in the admin)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from inventory import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "reason",
        "product",
        "quantity",
        "from_location",
        "to_location",
        "user",
    ]
    list_filter = ["reason", "warehouse"]
    search_fields = ["product__sku", "reference_id"]
    list_select_related = ["product", "from_location", "to_location", "user"]


@admin.register(models.Balance)
class BalanceAdmin(ReadOnlyAdmin):
    list_display = ["location", "product", "lot", "lpn", "status", "on_hand", "allocated"]
    list_filter = ["status", "warehouse"]
    search_fields = ["product__sku", "location__code"]
    list_select_related = ["location", "product", "lot", "lpn"]


@admin.register(models.Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["pk", "type", "client", "warehouse", "created_at"]
    list_filter = ["type"]


for model in (
    models.Client,
    models.Warehouse,
    models.Zone,
    models.Location,
    models.Product,
    models.ProductBarcode,
    models.Lot,
    models.Lpn,
    models.Reservation,
    models.LedgerCheck,
    models.UserScope,
):
    admin.site.register(model, ReadOnlyAdmin)
