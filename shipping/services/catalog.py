"""Writes to shipping's master data: box types, packaging materials, carrier accounts.

Each function is the outermost transaction of its write and validates the whole row (the model's
field validators and `clean`) before saving. A refusal raises Django's ValidationError with
field errors, or CatalogRefused when two people save the same code at once; either way nothing
is written. Rows are deactivated, never deleted: cartons and charges will point at them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

from inventory.models import Client
from shipping.exceptions import CatalogRefused
from shipping.models import BoxType, CarrierAccount, PackagingMaterial

M = TypeVar("M", bound=models.Model)


def _save(instance: M, changes: dict[str, Any]) -> M:
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        # The form's uniqueness check passed for both of two concurrent saves.
        raise CatalogRefused(
            f"{instance} clashes with a row saved a moment ago.",
            field_errors={"code": ["This code was taken a moment ago."]},
        ) from exc
    return instance


def _locked(model: type[M], pk: int) -> M:
    return model._default_manager.select_for_update().get(pk=pk)


# --- Box types ---------------------------------------------------------------------------------


@transaction.atomic
def create_box_type(*, clients: Iterable[Client] = (), **fields: Any) -> BoxType:
    """Creates a box type; `clients` limits it to those clients (none: every client)."""
    box = _save(BoxType(), fields)
    box.clients.set(list(clients))
    return box


@transaction.atomic
def update_box_type(
    box: BoxType, *, clients: Iterable[Client] | None = None, **changes: Any
) -> BoxType:
    """Saves changes under the row lock; `clients`, when given, replaces the client list."""
    locked = _save(_locked(BoxType, box.pk), changes)
    if clients is not None:
        locked.clients.set(list(clients))
    return locked


@transaction.atomic
def set_box_type_active(box: BoxType, active: bool) -> BoxType:
    """Deactivates (no longer proposed or packed into) or reactivates a box type."""
    return _save(_locked(BoxType, box.pk), {"is_active": active})


# --- Packaging materials -----------------------------------------------------------------------


@transaction.atomic
def create_packaging_material(**fields: Any) -> PackagingMaterial:
    return _save(PackagingMaterial(), fields)


@transaction.atomic
def update_packaging_material(material: PackagingMaterial, **changes: Any) -> PackagingMaterial:
    return _save(_locked(PackagingMaterial, material.pk), changes)


@transaction.atomic
def set_packaging_material_active(material: PackagingMaterial, active: bool) -> PackagingMaterial:
    return _save(_locked(PackagingMaterial, material.pk), {"is_active": active})


# --- Carrier accounts --------------------------------------------------------------------------


@transaction.atomic
def create_carrier_account(**fields: Any) -> CarrierAccount:
    return _save(CarrierAccount(), fields)


@transaction.atomic
def update_carrier_account(account: CarrierAccount, **changes: Any) -> CarrierAccount:
    return _save(_locked(CarrierAccount, account.pk), changes)


@transaction.atomic
def set_carrier_account_active(account: CarrierAccount, active: bool) -> CarrierAccount:
    """An inactive account is not rated on; labels bought on it stay valid."""
    return _save(_locked(CarrierAccount, account.pk), {"is_active": active})
