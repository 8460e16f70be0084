"""Reads of shipping's master data, for the pages, the API and (later) packing. The catalog is
tenant-wide; a client user sees only the box types their client may use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shipping import cartonize
from shipping.models import BoxType, CarrierAccount, CarrierSettings, PackagingMaterial
from wms.accounts.models import Role
from wms.permissions import client_id_of

if TYPE_CHECKING:
    from wms.accounts.models import User


def box_types_for_client(client_id: int) -> QuerySet[BoxType]:
    """Active box types a client's orders may be packed in: those open to every client (no
    clients named) and those naming this client."""
    return (
        BoxType.objects.filter(is_active=True)
        .filter(Q(clients__isnull=True) | Q(clients__pk=client_id))
        .distinct()
        .order_by("code")
    )


def cartonize_box_types(box_types: Iterable[BoxType]) -> list[cartonize.BoxType]:
    """The rows as the cartonization engine's plain box types."""
    return [
        cartonize.BoxType(
            code=box.code,
            inner_length_mm=box.inner_length_mm,
            inner_width_mm=box.inner_width_mm,
            inner_height_mm=box.inner_height_mm,
            max_weight_g=box.max_weight_g,
            tare_weight_g=box.tare_weight_g,
            cost=box.cost,
        )
        for box in box_types
    ]


def search_box_types(
    user: User,
    *,
    query: str = "",
    active: bool | None = None,
    client: Any = None,
) -> QuerySet[BoxType]:
    """Box types by code or name, active or not (so they can be reactivated); `client` (an
    object or id) keeps those that client may use. A client user sees only their client's."""
    rows = BoxType.objects.prefetch_related("clients")
    if user.role == Role.CLIENT:
        rows = rows.filter(pk__in=box_types_for_client(client_id_of(user)).values("pk"))
    if query:
        rows = rows.filter(Q(code__icontains=query) | Q(name__icontains=query))
    if active is not None:
        rows = rows.filter(is_active=active)
    if client is not None:
        client_id = getattr(client, "pk", client)
        rows = rows.filter(Q(clients__isnull=True) | Q(clients__pk=client_id)).distinct()
    return rows.order_by("code")


def get_box_type_for_user(user: User, pk: int) -> BoxType | None:
    return search_box_types(user).filter(pk=pk).first()


def search_packaging_materials(
    *, query: str = "", active: bool | None = None
) -> QuerySet[PackagingMaterial]:
    rows = PackagingMaterial.objects.all()
    if query:
        rows = rows.filter(Q(code__icontains=query) | Q(name__icontains=query))
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("code")


def search_carrier_accounts(
    *, query: str = "", active: bool | None = None
) -> QuerySet[CarrierAccount]:
    rows = CarrierAccount.objects.all()
    if query:
        rows = rows.filter(
            Q(carrier__icontains=query)
            | Q(easypost_id__icontains=query)
            | Q(description__icontains=query)
        )
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows.order_by("carrier", "easypost_id")


def active_carrier_account_ids() -> list[str]:
    """The EasyPost ids to rate on."""
    return list(
        CarrierAccount.objects.filter(is_active=True)
        .order_by("carrier", "easypost_id")
        .values_list("easypost_id", flat=True)
    )


def carrier_settings() -> CarrierSettings:
    """This tenant's carrier settings row (unsaved and empty when none was ever set)."""
    return CarrierSettings.objects.filter(pk=1).first() or CarrierSettings(pk=1)


def webhook_secrets() -> list[str]:
    """The secrets this tenant's EasyPost webhook accepts: the current one, and the previous one
    until its grace period after a rotation ends. Empty: every delivery is refused."""
    row = carrier_settings()
    accepted = [row.webhook_secret] if row.webhook_secret else []
    expires = row.previous_secret_expires_at
    if row.previous_webhook_secret and expires is not None and expires > timezone.now():
        accepted.append(row.previous_webhook_secret)
    return accepted
