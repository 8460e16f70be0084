"""Pieces the inventory routes use: reference lookups that answer with field errors, creates run
once per Idempotency-Key, and the staff check. (What every app's routes share is wms.api_common.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from ninja import Schema

from inventory import selectors
from inventory.models import Client, Location, Lot, Lpn, Product, Warehouse, Zone
from wms.api_common import IdempotencyKey as IdempotencyKey
from wms.api_common import Page as Page
from wms.api_common import found as found
from wms.api_common import user_of as user_of
from wms.idempotency.services import AS_JSON, model_codec, run_once
from wms.permissions import require

M = TypeVar("M", bound=models.Model)


def staff_user(request: HttpRequest, perm: str) -> Any:
    """The token's user, or 403 unless they hold `perm` (checked before anything is read)."""
    user = user_of(request)
    require(user, perm)
    return user


def create_once(
    request: HttpRequest,
    *,
    key: str | None,
    scope: str,
    payload: Schema,
    model: type[M],
    create: Callable[[], M],
) -> M:
    """Runs a create at most once per Idempotency-Key: a repeated request gets the object the
    first one made instead of a duplicate-code error."""
    return run_once(
        user=user_of(request),
        key=key,
        scope=scope,
        payload=payload.model_dump(mode="json"),
        action=create,
        result=model_codec(model),
    )


def create_many_once(
    request: HttpRequest,
    *,
    key: str | None,
    scope: str,
    payload: Schema,
    create: Callable[[], list[M]],
) -> list[int]:
    """Like create_once for a batch: the primary keys of the objects the first request made."""
    return run_once(
        user=user_of(request),
        key=key,
        scope=scope,
        payload=payload.model_dump(mode="json"),
        action=lambda: [obj.pk for obj in create()],
        result=AS_JSON,
    )


class References:
    """Turns the codes and ids in a request body into objects in the user's scope, collecting one
    field error per unknown reference; `check()` raises them all at once (422)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.errors: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def warehouse(self, code: str, field: str = "warehouse") -> Warehouse | None:
        warehouse = selectors.find_warehouse_by_code(self.user, code)
        if warehouse is None:
            self.fail(field, f"No warehouse with code “{code}”.")
        return warehouse

    def client(self, code: str, field: str = "client") -> Client | None:
        client = selectors.find_client_by_code(self.user, code)
        if client is None:
            self.fail(field, f"No active client with code “{code}”.")
        return client

    def zone(self, warehouse: Warehouse, code: str, field: str = "zone") -> Zone | None:
        zone = selectors.find_zone_for_user(self.user, warehouse.pk, code)
        if zone is None:
            self.fail(field, f"No zone “{code}” in warehouse {warehouse.code}.")
        return zone

    def product(
        self, product_id: int | None, sku: str | None, client: str | None
    ) -> Product | None:
        """By id, or by SKU and client code (a SKU alone may name several clients' products)."""
        if product_id is not None:
            product = selectors.get_product_for_user(self.user, product_id)
            if product is None:
                self.fail("product_id", f"No product {product_id}.")
            return product
        if not sku or not client:
            self.fail("product_id", "Give product_id, or sku and client.")
            return None
        product = selectors.find_product_for_user(self.user, client, sku)
        if product is None:
            self.fail("sku", f"No product with SKU “{sku}” for client “{client}”.")
        return product

    def location(
        self, location_id: int | None, code: str | None, warehouse: str | None
    ) -> Location | None:
        """By id, or by location code and warehouse code."""
        if location_id is not None:
            location = selectors.get_location_for_user(self.user, location_id)
            if location is None:
                self.fail("location_id", f"No location {location_id}.")
            return location
        if not code or not warehouse:
            self.fail("location_id", "Give location_id, or location and warehouse.")
            return None
        location = selectors.find_location_for_user(self.user, warehouse, code)
        if location is None:
            self.fail("location", f"No location “{code}” in warehouse “{warehouse}”.")
        return location

    def lot(self, product: Product, number: str) -> Lot | None:
        lot = selectors.find_lot(product, number)
        if lot is None:
            self.fail("lot", f"No lot “{number}” of {product.sku}; create it first (POST /lots).")
        return lot

    def lpn(self, warehouse_id: int, code: str) -> Lpn | None:
        lpn = selectors.find_lpn_for_user(self.user, warehouse_id, code)
        if lpn is None:
            self.fail("lpn", f"No LPN “{code}” in this warehouse; create it first (POST /lpns).")
        return lpn
