"""Return to stock: units an order cancelled after picking left in a tote or at staging. The
order's app asks for the tasks (picking's cancel_order); an operator takes one from the work
queue, scans where the units are and the bin they go to (their own bin, or any other), and
they move back through the ledger (reason return)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from control.exceptions import ReturnRefused
from control.models import RETURN_LIFECYCLE, ReturnStatus, ReturnTask
from inventory.events import emit
from inventory.lifecycle import transition
from inventory.models import Location, Lot, Lpn, Product, Reason
from inventory.services import ledger

if TYPE_CHECKING:
    from wms.accounts.models import User


@dataclass(frozen=True)
class ReturnItem:
    product: Product
    lot: Lot | None
    quantity: int
    from_location: Location
    from_lpn: Lpn | None
    to_location: Location | None


def request_returns(
    *,
    items: Sequence[ReturnItem],
    reference_type: str,
    reference_id: str,
    user: User | None,
) -> list[ReturnTask]:
    """One return task per item, in the caller's transaction; emits `return_to_stock.requested`
    per task."""
    now = timezone.now()
    tasks = ReturnTask.objects.bulk_create(
        [
            ReturnTask(
                warehouse_id=item.from_location.warehouse_id,
                product=item.product,
                lot=item.lot,
                quantity=item.quantity,
                from_location=item.from_location,
                from_lpn=item.from_lpn,
                to_location=item.to_location,
                reference_type=reference_type,
                reference_id=reference_id,
                created_at=now,
                updated_at=now,
            )
            for item in items
            if item.quantity > 0
        ]
    )
    for task in tasks:
        emit(
            "return_to_stock.requested",
            client_id=task.product.client_id,
            warehouse_id=task.warehouse_id,
            payload={
                "return_task_id": task.pk,
                "sku": task.product.sku,
                "quantity": task.quantity,
                "from": task.from_location.code,
                "to": task.to_location.code if task.to_location else None,
                "reference": {"type": reference_type, "id": reference_id},
            },
            user=user,
        )
    return tasks


def _matches(scanned: str, *codes: str) -> bool:
    return scanned.strip().upper() in {code.upper() for code in codes if code}


@transaction.atomic
def complete_return(*, task: ReturnTask, user: User, from_code: str, to_code: str) -> ReturnTask:
    """The operator scanned where the units are (the bin or the tote) and the bin they go to;
    the units move through the ledger and the task is done. A wrong scan writes nothing."""
    task = (
        ReturnTask.objects.select_for_update(of=("self",))
        .select_related("from_location", "from_lpn", "to_location", "product", "lot")
        .get(pk=task.pk)
    )
    if task.status == ReturnStatus.DONE:
        RETURN_LIFECYCLE.check(task, ReturnStatus.DONE)
    if task.assigned_to_id not in (None, user.pk):
        raise ReturnRefused(f"Return task {task.pk} is someone else's.")
    source = task.from_location
    lpn_code = task.from_lpn.code if task.from_lpn else ""
    if not _matches(from_code, source.code, source.barcode, lpn_code):
        raise ReturnRefused(
            f"The units are at {source.code}"
            + (f" in {lpn_code}" if lpn_code else "")
            + f"; you scanned “{from_code.strip()}”.",
            code="wrong_bin",
        )
    target = (
        Location.objects.filter(warehouse_id=task.warehouse_id, is_virtual=False)
        .filter(code__iexact=to_code.strip())
        .first()
    ) or (
        Location.objects.filter(warehouse_id=task.warehouse_id, is_virtual=False)
        .filter(barcode__iexact=to_code.strip())
        .first()
    )
    if target is None or target.pk == source.pk:
        raise ReturnRefused(f"Scan the bin the units go back to, not “{to_code.strip()}”.")
    ledger.move(
        user=user,
        product=task.product,
        quantity=task.quantity,
        from_location=source,
        to_location=target,
        lot=task.lot,
        from_lpn=task.from_lpn,
        reason=Reason.RETURN,
        reference_type="return_task",
        reference_id=str(task.pk),
    )
    return transition(
        RETURN_LIFECYCLE,
        task,
        ReturnStatus.DONE,
        user=user,
        changes={"assigned_to": user, "to_location": target},
        payload={"to": target.code},
    )
