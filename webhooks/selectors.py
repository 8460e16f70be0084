"""Webhooks' reads for pages and the API, scoped to the user: a client user sees their client's
endpoints and deliveries only; managers and admins see all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from webhooks.models import Delivery, Endpoint
from wms.accounts.models import Role
from wms.scope import scope_of

if TYPE_CHECKING:
    from wms.accounts.models import User


def endpoints_for_user(user: User) -> QuerySet[Endpoint]:
    rows = Endpoint.objects.select_related("client").order_by("pk")
    if user.role == Role.CLIENT:
        own = scope_of(user).client_id
        return rows.filter(client_id=own) if own is not None else rows.none()
    return rows


def get_endpoint_for_user(user: User, pk: int) -> Endpoint | None:
    return endpoints_for_user(user).filter(pk=pk).first()


@dataclass(frozen=True)
class DeliveryFilters:
    endpoint_id: int | None = None
    state: str = ""
    topic: str = ""


def deliveries_for_user(
    user: User, filters: DeliveryFilters = DeliveryFilters()
) -> QuerySet[Delivery]:
    rows = Delivery.objects.filter(
        endpoint__in=endpoints_for_user(user).values("pk")
    ).select_related("endpoint")
    if filters.endpoint_id:
        rows = rows.filter(endpoint_id=filters.endpoint_id)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.topic:
        rows = rows.filter(topic=filters.topic)
    return rows.order_by("-created_at", "-pk")


def get_delivery_for_user(user: User, pk: int) -> Delivery | None:
    return deliveries_for_user(user).filter(pk=pk).first()
