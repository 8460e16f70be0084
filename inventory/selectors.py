"""Reads of master data, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from inventory.models import Client, Warehouse
from wms.accounts.models import Role
from wms.permissions import warehouse_ids_for


def warehouses_for_user(user: Any) -> QuerySet[Warehouse]:
    """Active warehouses the user works in: operators their assigned ones, others all."""
    warehouses = Warehouse.objects.filter(is_active=True)
    if user.role == Role.OPERATOR:
        warehouses = warehouses.filter(pk__in=warehouse_ids_for(user))
    return warehouses.order_by("code")


def get_warehouse_for_user(user: Any, pk: int) -> Warehouse | None:
    return warehouses_for_user(user).filter(pk=pk).first()


def find_warehouse_by_code(user: Any, code: str) -> Warehouse | None:
    return warehouses_for_user(user).filter(code__iexact=code.strip()).first()


def clients_for_user(user: Any, query: str = "") -> QuerySet[Client]:
    """Clients the user may see: a client user only their own."""
    clients = Client.objects.filter(is_active=True)
    if user.role == Role.CLIENT:
        clients = clients.filter(pk=user.client_id)
    if query:
        clients = clients.filter(Q(code__icontains=query) | Q(name__icontains=query))
    return clients.order_by("name")


def get_client_for_user(user: Any, pk: int) -> Client | None:
    return clients_for_user(user).filter(pk=pk).first()
