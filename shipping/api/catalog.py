"""The shipping REST routes under /api/v1/ (mounted by wms.api by dotted path): the box type
catalog. Everyone with API access reads (a client user only the boxes their client may use);
admins and managers create and change (shipping.manage_catalog, 403 otherwise, nothing written).
Client references are codes; an unknown one is a field error on `clients`."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from inventory.models import Client
from inventory.selectors import References
from shipping import selectors
from shipping.models import BoxType
from shipping.schemas.catalog import BoxTypeIn, BoxTypeOut, BoxTypePatch, BoxTypeQuery
from shipping.services import catalog
from wms.accounts.models import User
from wms.api_common import IdempotencyKey, create_once, found, staff_user, user_of
from wms.pagination import Page
from wms.validation import IdParam

router = Router(tags=["shipping"])
MANAGE = "shipping.manage_catalog"


def _clients(user: User, codes: list[str]) -> list[Client]:
    references = References(user)
    clients = [references.client(code, field="clients") for code in codes]
    references.check()
    return [client for client in clients if client is not None]


@router.get("/box-types", response=list[BoxTypeOut], summary="Box types")
@paginate(Page)
def list_box_types(request: HttpRequest, filters: Query[BoxTypeQuery]) -> Any:
    user = user_of(request)
    client = None
    if filters.client:
        client = found(_clients(user, [filters.client])[0], "No such client.")
    return selectors.search_box_types(
        user, query=filters.search.strip(), active=filters.active, client=client
    )


@router.post("/box-types", response={201: BoxTypeOut}, summary="Create a box type")
def create_box_type(
    request: HttpRequest, payload: BoxTypeIn, idempotency_key: IdempotencyKey = None
) -> Any:
    user = staff_user(request, MANAGE)
    fields = payload.model_dump(exclude={"clients"})
    clients = _clients(user, payload.clients)
    return create_once(
        request,
        key=idempotency_key,
        scope="api.box_type.create",
        payload=payload,
        model=BoxType,
        create=lambda: catalog.create_box_type(clients=clients, **fields),
    )


@router.get("/box-types/{pk}", response=BoxTypeOut, summary="One box type")
def get_box_type(request: HttpRequest, pk: IdParam) -> Any:
    return found(selectors.get_box_type_for_user(user_of(request), pk), f"No box type {pk}.")


@router.patch("/box-types/{pk}", response=BoxTypeOut, summary="Change a box type")
def update_box_type(request: HttpRequest, pk: IdParam, payload: BoxTypePatch) -> Any:
    """Changes only the fields sent; `clients` replaces the list; `is_active: false`
    deactivates it."""
    user = staff_user(request, MANAGE)
    box = found(selectors.get_box_type_for_user(user, pk), f"No box type {pk}.")
    changes = payload.changes()
    codes = changes.pop("clients", None)
    clients = _clients(user, codes) if codes is not None else None
    return catalog.update_box_type(box, clients=clients, **changes)
