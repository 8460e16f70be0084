"""Products (with their barcodes) and lots. Client users read only their client's; admins and
managers create and change (inventory.change_master_data)."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from inventory import selectors
from inventory.models import Lot, Product
from inventory.schemas.products import (
    LotIn,
    LotOut,
    LotQuery,
    ProductBulkIn,
    ProductBulkOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    ProductQuery,
)
from inventory.selectors import References
from inventory.services import master
from wms.api_common import IdempotencyKey, create_many_once, create_once, found, staff_user, user_of
from wms.pagination import Page
from wms.validation import IdParam

router = Router(tags=["master data"])
CHANGE = "inventory.change_master_data"


@router.get("/products", response=list[ProductOut], summary="Products you may see")
@paginate(Page)
def list_products(request: HttpRequest, filters: Query[ProductQuery]) -> Any:
    return selectors.search_products(user_of(request), **filters.filters())


@router.post("/products", response={201: ProductOut}, summary="Create a product")
def create_product(
    request: HttpRequest, payload: ProductIn, idempotency_key: IdempotencyKey = None
) -> Any:
    user = staff_user(request, CHANGE)
    refs = References(user)
    client = refs.client(payload.client)
    refs.check()
    assert client is not None
    product = create_once(
        request,
        key=idempotency_key,
        scope="api.product.create",
        payload=payload,
        model=Product,
        create=lambda: master.create_product(**payload.create_kwargs(client)),
    )
    return selectors.get_product_for_user(user, product.pk)


# Declared before /products/{pk}, so that "bulk" is never read as a product id.
@router.post(
    "/products/bulk",
    response={201: ProductBulkOut},
    summary="Create many products: all of them, or none",
)
def bulk_create_products(
    request: HttpRequest, payload: ProductBulkIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Checks every item (services.master.create_products). If any is invalid, nothing is
    created and the 422 names each problem as `items.<index>.<field>`."""
    user = staff_user(request, CHANGE)
    items: list[dict[str, Any]] = []
    refused: dict[int, dict[str, list[str]]] = {}
    for index, item in enumerate(payload.items):
        refs = References(user)
        client = refs.client(item.client)
        if client is None:
            refused[index] = refs.errors
        items.append(item.create_kwargs(client) if client is not None else {})
    pks = create_many_once(
        request,
        key=idempotency_key,
        scope="api.product.bulk_create",
        payload=payload,
        create=lambda: master.create_products(items, refused=refused),
    )
    return {"items": selectors.products_by_pks(user, pks), "count": len(pks)}


@router.get("/products/{pk}", response=ProductOut)
def get_product(request: HttpRequest, pk: IdParam) -> Any:
    return found(selectors.get_product_for_user(user_of(request), pk), f"No product {pk}.")


@router.patch("/products/{pk}", response=ProductOut, summary="Change a product")
def update_product(request: HttpRequest, pk: IdParam, payload: ProductPatch) -> Any:
    """A SKU cannot change once the product has stock or ledger history (409); `barcodes`, when
    given, replaces all of the product's barcodes."""
    user = staff_user(request, CHANGE)
    product = found(selectors.get_product_for_user(user, pk), f"No product {pk}.")
    master.update_product(product, barcodes=payload.barcode_specs(), **payload.product_changes())
    return selectors.get_product_for_user(user, pk)


@router.get("/lots", response=list[LotOut], summary="Lots of the products you may see")
@paginate(Page)
def list_lots(request: HttpRequest, filters: Query[LotQuery]) -> Any:
    return selectors.search_lots(
        user_of(request), product=filters.product_id, client_code=filters.client, sku=filters.sku
    )


@router.post("/lots", response={201: LotOut}, summary="Create a lot of a lot-tracked product")
def create_lot(request: HttpRequest, payload: LotIn, idempotency_key: IdempotencyKey = None) -> Any:
    refs = References(staff_user(request, CHANGE))
    product = refs.product(payload.product_id, payload.sku, payload.client)
    refs.check()
    assert product is not None
    return create_once(
        request,
        key=idempotency_key,
        scope="api.lot.create",
        payload=payload,
        model=Lot,
        create=lambda: master.create_lot(
            product=product, number=payload.number, expiry_date=payload.expiry_date
        ),
    )


@router.get("/lots/{pk}", response=LotOut)
def get_lot(request: HttpRequest, pk: IdParam) -> Any:
    return found(selectors.get_lot_for_user(user_of(request), pk), f"No lot {pk}.")
