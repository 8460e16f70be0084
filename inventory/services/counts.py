"""Count requests: ask the floor to count a bin, e.g. after a short pick found less than the
ledger says. Counting itself (variance review, approval) comes with cycle counting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from inventory.events import emit
from inventory.models import CountRequest, CountRequestStatus, Location, Product

if TYPE_CHECKING:
    from wms.accounts.models import User


@transaction.atomic
def request_count(
    *,
    location: Location,
    product: Product | None,
    reason: str,
    reference_type: str = "",
    reference_id: str = "",
    user: User | None = None,
) -> CountRequest:
    """Records a count request for the bin (and product); an open request for the same bin and
    product is reused, so repeated shorts do not pile up requests."""
    open_request = (
        CountRequest.objects.select_for_update()
        .filter(
            location=location,
            product=product,
            status__in=[CountRequestStatus.REQUESTED, CountRequestStatus.COUNTING],
        )
        .first()
    )
    if open_request is not None:
        return open_request
    request = CountRequest.objects.create(
        location=location,
        product=product,
        warehouse_id=location.warehouse_id,
        reason=reason[:200],
        reference_type=reference_type,
        reference_id=reference_id,
        requested_by=user if getattr(user, "pk", None) else None,
    )
    emit(
        "count.requested",
        client_id=product.client_id if product else None,
        warehouse_id=location.warehouse_id,
        payload={
            "count_request_id": request.pk,
            "location": location.code,
            "product_id": product.pk if product else None,
            "reason": request.reason,
            "reference": {"type": reference_type, "id": reference_id},
        },
        user=user,
    )
    return request
