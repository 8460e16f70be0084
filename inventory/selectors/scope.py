"""A user's scope as wms.scope reads it (registered by inventory.apps), and the rows behind it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from inventory.models import Client, UserScope, Warehouse
from wms.accounts.models import User
from wms.scope import Scope


def read_scope(user: User) -> Scope:
    """The user's client and warehouses, in one query (an empty scope without a row)."""
    rows = list(
        UserScope.objects.filter(user_id=user.pk).values_list("client_id", "warehouses__pk")
    )
    if not rows:
        return Scope()
    return Scope(
        client_id=rows[0][0],
        warehouse_ids=frozenset(pk for _, pk in rows if pk is not None),
    )


def client_of(user: User) -> Client | None:
    """The client a client user belongs to (None for everyone else)."""
    return Client.objects.filter(scopes__user_id=user.pk).first()


def assigned_warehouses(user: User) -> QuerySet[Warehouse]:
    """The warehouses an operator is assigned to (whoever else: none)."""
    return Warehouse.objects.filter(scopes__user_id=user.pk).order_by("code")


def users_with_scope(query: str = "") -> QuerySet[User]:
    """Every user of the tenant (by e-mail or name), with their client and warehouses."""
    users = User.objects.select_related("scope__client").prefetch_related("scope__warehouses")
    if query:
        users = users.filter(
            Q(email__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    return users.order_by("email")
