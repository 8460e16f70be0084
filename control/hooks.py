"""How inventory control gives back reservations that belong to the apps above it. A hold
takes reserved stock away from the orders it was promised to; the app that made a reservation
(picking: order lines) registers an owner for its reference type here, from its AppConfig.ready,
and is asked to withdraw its reservations before the stock is held and to find other stock for
them afterwards. Control never imports the apps above it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from inventory.models import Reservation
    from wms.accounts.models import User


class ReservationOwner(Protocol):
    def withdraw(self, reservations: Sequence[Reservation], user: User | None) -> Any:
        """Releases the reservations through the ledger and updates the owner's documents;
        returns what `reallocate` needs."""

    def reallocate(self, withdrawn: Any, user: User | None) -> None:
        """Finds other stock for what was withdrawn (called once the stock is held)."""


_owners: dict[str, ReservationOwner] = {}


def register_reservation_owner(reference_type: str, owner: ReservationOwner) -> None:
    _owners[reference_type] = owner


def owner_of(reference_type: str) -> ReservationOwner | None:
    return _owners.get(reference_type)
