from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from inventory import selectors

router = Router(tags=["master data"])


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    time_zone: str


class ClientOut(Schema):
    id: int
    code: str
    name: str


@router.get("/warehouses", response=list[WarehouseOut], summary="Warehouses you work in")
def list_warehouses(request: HttpRequest) -> Any:
    return selectors.warehouses_for_user(request.auth)  # type: ignore[attr-defined]


@router.get("/warehouses/{pk}", response=WarehouseOut)
def get_warehouse(request: HttpRequest, pk: int) -> Any:
    warehouse = selectors.get_warehouse_for_user(request.auth, pk)  # type: ignore[attr-defined]
    if warehouse is None:
        raise Http404(f"No warehouse {pk}.")
    return warehouse


@router.get("/clients", response=list[ClientOut], summary="Clients you may see")
def list_clients(request: HttpRequest) -> Any:
    return selectors.clients_for_user(request.auth)  # type: ignore[attr-defined]


@router.get("/clients/{pk}", response=ClientOut)
def get_client(request: HttpRequest, pk: int) -> Any:
    client = selectors.get_client_for_user(request.auth, pk)  # type: ignore[attr-defined]
    if client is None:
        raise Http404(f"No client {pk}.")
    return client
