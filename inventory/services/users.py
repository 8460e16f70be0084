"""People and where they work: inviting a user and changing their role together with their scope
(an operator's warehouses, a client user's client), in one transaction. The account itself
(e-mail, name, role, the invitation) is wms.accounts'; the scope rows are here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from inventory.models import Client, UserScope, Warehouse
from wms import scope
from wms.accounts import services as accounts
from wms.accounts.exceptions import AccountError
from wms.accounts.models import Role

if TYPE_CHECKING:
    from wms.accounts.models import User


def check_scope(role: str, client: Client | None, warehouses: Iterable[Warehouse]) -> None:
    """A client user belongs to exactly one client, nobody else to any; an operator works in at
    least one warehouse. Raises AccountError (nothing written) otherwise."""
    if role == Role.CLIENT and client is None:
        raise AccountError("A client user must belong to a client.")
    if role != Role.CLIENT and client is not None:
        raise AccountError("Only client users belong to a client.")
    if role == Role.OPERATOR and not list(warehouses):
        raise AccountError("Assign an operator at least one warehouse.")


def assign_scope(
    *, user: User, client: Client | None = None, warehouses: Iterable[Warehouse] = ()
) -> UserScope:
    """Sets where the user may work (replacing what was set before)."""
    row, _ = UserScope.objects.update_or_create(user=user, defaults={"client": client})
    row.warehouses.set(list(warehouses))
    scope.forget(user)
    return row


@transaction.atomic
def invite_user(
    *,
    by: User,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    warehouses: Iterable[Warehouse] = (),
    client: Client | None = None,
    is_client_admin: bool = False,
    base_url: str,
) -> User:
    """Invites a user (an e-mail with a link to set a password, sent after commit) and sets where
    they may work."""
    warehouses = list(warehouses)
    check_scope(role, client, warehouses)
    user = accounts.invite_user(
        by=by,
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        base_url=base_url,
        is_client_admin=is_client_admin,
    )
    assign_scope(user=user, client=client, warehouses=warehouses)
    return user


@transaction.atomic
def update_user(
    *,
    by: User,
    user: User,
    role: str,
    first_name: str,
    last_name: str,
    warehouses: Iterable[Warehouse],
    client: Client | None,
    is_client_admin: bool = False,
) -> User:
    """Changes a user's name, role and scope together."""
    warehouses = list(warehouses)
    check_scope(role, client, warehouses)
    accounts.update_user(
        by=by,
        user=user,
        role=role,
        first_name=first_name,
        last_name=last_name,
        is_client_admin=is_client_admin,
    )
    assign_scope(user=user, client=client, warehouses=warehouses)
    return user
