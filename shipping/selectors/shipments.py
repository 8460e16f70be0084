"""Reads of shipments and manifests for the desk pages, the ship dock and the API, scoped to the
user's warehouses (operators) and client (client users)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from inventory.models import Location, LocationKind
from shipping.models import Manifest, ManifestStatus, Shipment, ShipmentStatus
from wms.accounts.models import Role
from wms.permissions import client_id_of, warehouse_ids_for
from wms.validation import id_from

if TYPE_CHECKING:
    from wms.accounts.models import User


def _scoped(user: User, rows: QuerySet[Any]) -> QuerySet[Any]:
    if user.role == Role.OPERATOR:
        rows = rows.filter(warehouse_id__in=warehouse_ids_for(user))
    if user.role == Role.CLIENT:
        rows = (
            rows.filter(client_id=client_id_of(user))
            if hasattr(rows.model, "client")
            else rows.none()
        )
    return rows


def shipments_for_user(
    user: User,
    *,
    status: str = "",
    order: str = "",
    carrier: str = "",
    warehouse: str = "",
) -> QuerySet[Shipment]:
    """Shipments the user may see, those needing attention first, then newest. `order` is an
    order reference (or id); `warehouse` a warehouse code."""
    rows = _scoped(user, Shipment.objects.all()).select_related(
        "order", "carton", "warehouse", "client", "manifest"
    )
    if status:
        rows = rows.filter(status=status)
    if order:
        order = order.strip()
        order_id = id_from(order)
        rows = (
            rows.filter(order_id=order_id)
            if order_id
            else rows.filter(order__reference__iexact=order)
        )
    if carrier:
        rows = rows.filter(carrier__iexact=carrier.strip())
    if warehouse:
        rows = rows.filter(warehouse__code__iexact=warehouse.strip())
    attention_first = Case(
        When(status=ShipmentStatus.NEEDS_ATTENTION, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return rows.defer("label_pdf", "label_zpl").order_by(attention_first, "-created_at", "-pk")


def get_shipment_for_user(user: User, pk: int) -> Shipment | None:
    return (
        _scoped(user, Shipment.objects.select_related("order", "carton", "warehouse"))
        .filter(pk=pk)
        .first()
    )


def get_shipment_for_carton(user: User, carton_id: int) -> Shipment | None:
    return (
        _scoped(user, Shipment.objects.select_related("order", "carton"))
        .filter(carton_id=carton_id)
        .first()
    )


def shipment_carriers(user: User) -> list[str]:
    rows = _scoped(user, Shipment.objects.exclude(carrier="")).values_list("carrier", flat=True)
    return sorted(set(rows.distinct()))


def manifests_for_user(
    user: User, *, status: str = "", carrier: str = "", warehouse: str = ""
) -> QuerySet[Manifest]:
    """Manifests in the user's scope, newest first; `status` one of ManifestStatus, `carrier`
    and `warehouse` (a code) matched whole, ignoring case."""
    rows = Manifest.objects.select_related("warehouse", "created_by").defer("form_pdf")
    if user.role == Role.OPERATOR:
        rows = rows.filter(warehouse_id__in=warehouse_ids_for(user))
    elif user.role == Role.CLIENT:
        rows = rows.none()
    if status:
        rows = rows.filter(status=status)
    if carrier:
        rows = rows.filter(carrier__iexact=carrier.strip())
    if warehouse:
        rows = rows.filter(warehouse__code__iexact=warehouse.strip())
    return rows.order_by("-date", "carrier", "-pk")


def manifest_carriers(user: User) -> list[str]:
    """The carriers the user's manifests name (for the list's filter)."""
    return sorted(set(manifests_for_user(user).values_list("carrier", flat=True).distinct()))


def manifest_is_ready(pk: int | None) -> bool:
    """Whether the manifest's scan form PDF is stored (without loading the PDF)."""
    if pk is None:
        return False
    return Manifest.objects.filter(pk=pk, status=ManifestStatus.READY).exists()


def get_manifest_for_user(user: User, pk: int) -> Manifest | None:
    return manifests_for_user(user).defer(None).filter(pk=pk).first()


def ship_docks_for_user(user: User) -> QuerySet[Location]:
    rows = Location.objects.filter(kind=LocationKind.SHIP_DOCK, is_blocked=False)
    if user.role == Role.OPERATOR:
        rows = rows.filter(warehouse_id__in=warehouse_ids_for(user))
    elif user.role == Role.CLIENT:
        rows = rows.none()
    return rows.select_related("warehouse").order_by("warehouse__code", "code")
