"""Writes to master data. Guards what the ledger depends on (a SKU with stock keeps its SKU)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from inventory.exceptions import MasterDataRefused
from inventory.models import Balance, LocationKind, Product, StockMove, Warehouse
from inventory.services.ledger import virtual_location


@transaction.atomic
def create_warehouse(**fields: Any) -> Warehouse:
    """Creates a warehouse with its virtual locations (supplier, customer, adjustment, scrap,
    in transit)."""
    warehouse = Warehouse.objects.create(**fields)
    ensure_virtual_locations(warehouse)
    return warehouse


def ensure_virtual_locations(warehouse: Warehouse) -> None:
    for kind in (
        LocationKind.SUPPLIER,
        LocationKind.CUSTOMER,
        LocationKind.ADJUSTMENT,
        LocationKind.SCRAP,
        LocationKind.IN_TRANSIT,
    ):
        virtual_location(warehouse.pk, kind)


def product_has_history(product: Product) -> bool:
    return (
        Balance.objects.filter(product=product, on_hand__gt=0).exists()
        or StockMove.objects.filter(product=product).exists()
    )


@transaction.atomic
def update_product(product: Product, **changes: Any) -> Product:
    """Saves changes to a product. Its SKU and client cannot change once it has stock or ledger
    history (every move and label names them); tracking cannot change while it has stock."""
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if "sku" in changes and changes["sku"] != locked.sku and product_has_history(locked):
        raise MasterDataRefused(
            f"{locked.sku} has stock or ledger history; its SKU cannot change. "
            "Create a new product instead."
        )
    if "client" in changes and changes["client"] != locked.client and product_has_history(locked):
        raise MasterDataRefused(
            f"{locked.sku} has stock or ledger history; its client cannot change."
        )
    if (
        "tracking" in changes
        and changes["tracking"] != locked.tracking
        and Balance.objects.filter(product=locked, on_hand__gt=0).exists()
    ):
        raise MasterDataRefused(f"{locked.sku} has stock; its lot tracking cannot change now.")
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    return locked
