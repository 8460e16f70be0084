"""Clients, warehouses, zones and locations. Everyone reads what is in their scope; admins and
managers create and change (inventory.change_master_data)."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
from typing import Any

from django.db import connection
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from inventory import selectors
from inventory.models import Client, Location, Warehouse, Zone
from inventory.schemas.master import (
    ClientIn,
    ClientOut,
    ClientPatch,
    LocationIn,
    LocationOut,
    LocationPatch,
    LocationQuery,
    WarehouseIn,
    WarehouseOut,
    WarehousePatch,
    ZoneIn,
    ZoneOut,
    ZonePatch,
    ZoneQuery,
)
from inventory.selectors import References
from inventory.services import master
from wms.api_common import IdempotencyKey, create_once, found, staff_user, user_of
from wms.pagination import Page
from wms.validation import IdParam, Text

router = Router(tags=["master data"])
CHANGE = "inventory.change_master_data"


# Warehouses and clients are few per tenant and were published as plain lists; they stay lists.
class MeOut(Schema):
    email: str
    name: str
    role: str
    tenant: str
    warehouses: list[str]
    client: str | None


@router.get("/me", response=MeOut, tags=["account"], summary="Who this token acts as")
def me(request: HttpRequest) -> dict[str, Any]:
    user = user_of(request)
    client = selectors.client_of(user)
    return {
        "email": user.email,
        "name": user.get_full_name(),
        "role": user.role,
        "tenant": connection.tenant.slug,  # type: ignore[attr-defined]
        "warehouses": [w.code for w in selectors.assigned_warehouses(user)],
        "client": client.code if client else None,
    }


@router.get("/warehouses", response=list[WarehouseOut], summary="Warehouses you work in")
def list_warehouses(request: HttpRequest) -> Any:
    return selectors.warehouses_for_user(user_of(request))


@router.post("/warehouses", response={201: WarehouseOut}, summary="Create a warehouse")
def create_warehouse(
    request: HttpRequest, payload: WarehouseIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Creates the warehouse with its virtual locations (supplier, customer, adjustment, scrap,
    in transit)."""
    staff_user(request, CHANGE)
    return create_once(
        request,
        key=idempotency_key,
        scope="api.warehouse.create",
        payload=payload,
        model=Warehouse,
        create=lambda: master.create_warehouse(**payload.model_dump()),
    )


@router.get("/warehouses/{pk}", response=WarehouseOut)
def get_warehouse(request: HttpRequest, pk: IdParam) -> Any:
    return found(selectors.get_warehouse_for_user(user_of(request), pk), f"No warehouse {pk}.")


@router.patch("/warehouses/{pk}", response=WarehouseOut, summary="Change a warehouse")
def update_warehouse(request: HttpRequest, pk: IdParam, payload: WarehousePatch) -> Any:
    user = staff_user(request, CHANGE)
    warehouse = found(
        selectors.search_warehouses(user).filter(pk=pk).first(), f"No warehouse {pk}."
    )
    return master.update_warehouse(warehouse, **payload.changes())


@router.get("/clients", response=list[ClientOut], summary="Clients you may see")
def list_clients(request: HttpRequest, search: Text = "") -> Any:
    return selectors.clients_for_user(user_of(request), search)


@router.post("/clients", response={201: ClientOut}, summary="Create a client (a stock owner)")
def create_client(
    request: HttpRequest, payload: ClientIn, idempotency_key: IdempotencyKey = None
) -> Any:
    staff_user(request, CHANGE)
    return create_once(
        request,
        key=idempotency_key,
        scope="api.client.create",
        payload=payload,
        model=Client,
        create=lambda: master.create_client(code=payload.code, name=payload.name),
    )


@router.get("/clients/{pk}", response=ClientOut)
def get_client(request: HttpRequest, pk: IdParam) -> Any:
    return found(selectors.get_client_for_user(user_of(request), pk), f"No client {pk}.")


@router.patch("/clients/{pk}", response=ClientOut, summary="Change a client")
def update_client(request: HttpRequest, pk: IdParam, payload: ClientPatch) -> Any:
    user = staff_user(request, CHANGE)
    client = found(selectors.search_clients(user).filter(pk=pk).first(), f"No client {pk}.")
    return master.update_client(client, **payload.changes())


@router.get("/zones", response=list[ZoneOut], summary="Zones of the warehouses you work in")
@paginate(Page)
def list_zones(request: HttpRequest, filters: Query[ZoneQuery]) -> Any:
    return selectors.search_zones(
        user_of(request), warehouse=filters.warehouse_id, warehouse_code=filters.warehouse
    )


@router.post("/zones", response={201: ZoneOut}, summary="Create a zone")
def create_zone(
    request: HttpRequest, payload: ZoneIn, idempotency_key: IdempotencyKey = None
) -> Any:
    warehouse = References(staff_user(request, CHANGE)).only_warehouse(payload.warehouse)
    return create_once(
        request,
        key=idempotency_key,
        scope="api.zone.create",
        payload=payload,
        model=Zone,
        create=lambda: master.create_zone(
            warehouse=warehouse,
            code=payload.code,
            name=payload.name,
            storage_class=payload.storage_class,
        ),
    )


@router.get("/zones/{pk}", response=ZoneOut)
def get_zone(request: HttpRequest, pk: IdParam) -> Any:
    return found(selectors.get_zone_for_user(user_of(request), pk), f"No zone {pk}.")


@router.patch("/zones/{pk}", response=ZoneOut, summary="Change a zone")
def update_zone(request: HttpRequest, pk: IdParam, payload: ZonePatch) -> Any:
    user = staff_user(request, CHANGE)
    zone = found(selectors.get_zone_for_user(user, pk), f"No zone {pk}.")
    return master.update_zone(zone, **payload.changes())


@router.get("/locations", response=list[LocationOut], summary="Locations you work in")
@paginate(Page)
def list_locations(request: HttpRequest, filters: Query[LocationQuery]) -> Any:
    return selectors.search_locations(user_of(request), **filters.filters())


@router.post("/locations", response={201: LocationOut}, summary="Create a physical location")
def create_location(
    request: HttpRequest, payload: LocationIn, idempotency_key: IdempotencyKey = None
) -> Any:
    refs = References(staff_user(request, CHANGE))
    warehouse = refs.warehouse(payload.warehouse)
    zone = refs.zone(warehouse, payload.zone) if warehouse and payload.zone else None
    refs.check()
    assert warehouse is not None
    return create_once(
        request,
        key=idempotency_key,
        scope="api.location.create",
        payload=payload,
        model=Location,
        create=lambda: master.create_location(
            warehouse=warehouse, zone=zone, code=payload.code, **payload.fields()
        ),
    )


@router.get("/locations/{pk}", response=LocationOut)
def get_location(request: HttpRequest, pk: IdParam) -> Any:
    return found(selectors.get_location_for_user(user_of(request), pk), f"No location {pk}.")


@router.patch("/locations/{pk}", response=LocationOut, summary="Change a physical location")
def update_location(request: HttpRequest, pk: IdParam, payload: LocationPatch) -> Any:
    user = staff_user(request, CHANGE)
    location = found(selectors.get_location_for_user(user, pk), f"No location {pk}.")
    changes = payload.changes()
    if "zone" in changes:
        refs = References(user)
        code = changes["zone"]
        changes["zone"] = refs.zone(location.warehouse, code) if code else None
        refs.check()
    return master.update_location(location, **changes)
