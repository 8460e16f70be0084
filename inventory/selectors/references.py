"""Turning the codes and ids in a request body into rows in the user's scope, with a field error
for each unknown one (the API's 422); every app's routes use it for warehouses, clients, zones,
products, locations, lots and LPNs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from inventory.models import Client, Location, Lot, Lpn, Product, Warehouse, Zone
from inventory.selectors.master import (
    find_client_by_code,
    find_location_for_user,
    find_lot,
    find_lpn_for_user,
    find_product_for_user,
    find_warehouse_by_code,
    find_zone_for_user,
    get_location_for_user,
    get_product_for_user,
)

if TYPE_CHECKING:
    from wms.accounts.models import User


class References:
    """Turns the codes and ids in a request body into objects in the user's scope, collecting one
    field error per unknown reference; `check()` raises them all at once (422)."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.errors: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def only_warehouse(self, code: str) -> Warehouse:
        """The warehouse a body names when it is the only reference: found, or 422 at once."""
        warehouse = self.warehouse(code)
        self.check()
        assert warehouse is not None
        return warehouse

    def warehouse(self, code: str, field: str = "warehouse") -> Warehouse | None:
        warehouse = find_warehouse_by_code(self.user, code)
        if warehouse is None:
            self.fail(field, f"No warehouse with code “{code}”.")
        return warehouse

    def client(self, code: str, field: str = "client") -> Client | None:
        client = find_client_by_code(self.user, code)
        if client is None:
            self.fail(field, f"No active client with code “{code}”.")
        return client

    def zone(self, warehouse: Warehouse, code: str, field: str = "zone") -> Zone | None:
        zone = find_zone_for_user(self.user, warehouse.pk, code)
        if zone is None:
            self.fail(field, f"No zone “{code}” in warehouse {warehouse.code}.")
        return zone

    def product(
        self, product_id: int | None, sku: str | None, client: str | None
    ) -> Product | None:
        """By id, or by SKU and client code (a SKU alone may name several clients' products)."""
        if product_id is not None:
            product = get_product_for_user(self.user, product_id)
            if product is None:
                self.fail("product_id", f"No product {product_id}.")
            return product
        if not sku or not client:
            self.fail("product_id", "Give product_id, or sku and client.")
            return None
        product = find_product_for_user(self.user, client, sku)
        if product is None:
            self.fail("sku", f"No product with SKU “{sku}” for client “{client}”.")
        return product

    def location(
        self, location_id: int | None, code: str | None, warehouse: str | None
    ) -> Location | None:
        """By id, or by location code and warehouse code."""
        if location_id is not None:
            location = get_location_for_user(self.user, location_id)
            if location is None:
                self.fail("location_id", f"No location {location_id}.")
            return location
        if not code or not warehouse:
            self.fail("location_id", "Give location_id, or location and warehouse.")
            return None
        location = find_location_for_user(self.user, warehouse, code)
        if location is None:
            self.fail("location", f"No location “{code}” in warehouse “{warehouse}”.")
        return location

    def lot(self, product: Product, number: str) -> Lot | None:
        lot = find_lot(product, number)
        if lot is None:
            self.fail("lot", f"No lot “{number}” of {product.sku}; create it first (POST /lots).")
        return lot

    def lpn(self, warehouse_id: int, code: str) -> Lpn | None:
        lpn = find_lpn_for_user(self.user, warehouse_id, code)
        if lpn is None:
            self.fail("lpn", f"No LPN “{code}” in this warehouse; create it first (POST /lpns).")
        return lpn
