"""Where a user may work, as every permission check and selector reads it: an operator's
warehouses, a client user's client. The rows live in inventory (`inventory.UserScope`, beside the
warehouses and clients they name), which registers its reader when the app loads; wms knows only
this shape, so the user model points at nothing of inventory's and no import goes up the layers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wms.accounts.models import User


@dataclass(frozen=True)
class Scope:
    client_id: int | None = None
    warehouse_ids: frozenset[int] = frozenset()


NO_SCOPE = Scope()
_reader: Callable[[User], Scope] | None = None
CACHE_ATTRIBUTE = "_wms_scope"


def register_reader(reader: Callable[[User], Scope]) -> None:
    """Called once by the app that keeps the scope rows (inventory.apps)."""
    global _reader
    _reader = reader


def scope_of(user: User) -> Scope:
    """The user's scope, read once per user object (a request's user, a token's user)."""
    cached: Scope | None = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    if _reader is None or not getattr(user, "pk", None):
        return NO_SCOPE
    scope = _reader(user)
    setattr(user, CACHE_ATTRIBUTE, scope)
    return scope


def forget(user: User) -> None:
    """Drops the cached scope after it changed (the next read loads it again)."""
    if hasattr(user, CACHE_ATTRIBUTE):
        delattr(user, CACHE_ATTRIBUTE)
