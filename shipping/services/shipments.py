"""Carrier shipments: one per closed carton. `open_shipment` writes the row and sends the rating
task after commit; the task (shipping.tasks.rate_shipment) asks EasyPost for rates, chooses by
the client's rule and buys the label. Status changes go through SHIPMENT_TRANSITIONS."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from celery import current_app
from django.db import connection, transaction

from inventory import lifecycle
from inventory.events import emit
from shipping.models import SHIPMENT_LIFECYCLE, Carton, Shipment

if TYPE_CHECKING:
    from wms.accounts.models import User

# Sent by name: shipping.tasks imports this module.
RATE_TASK = "shipping.rate_shipment"


def send_task(name: str, args: list[Any], headers: dict[str, Any], **options: Any) -> None:
    """Sends a task by name. Under CELERY_TASK_ALWAYS_EAGER (`make run` without Redis, the tests)
    it runs here and now, which Celery's own `send_task` never does (it warns and publishes)."""
    current_app.signature(name, args=args).apply_async(headers=headers, **options)


def send_after_commit(name: str, args: list[Any], **options: Any) -> None:
    """Sends a task once the caller's transaction commits, to this tenant's schema (captured
    now: an on_commit callback would read whatever schema is current at commit). Robust: the
    commit stands even if the broker is unreachable; the reconcile sweep finds the shipment or
    manifest that waits and sends its task again."""
    schema = connection.schema_name  # type: ignore[attr-defined]
    transaction.on_commit(
        lambda: send_task(name, args, {"_schema_name": schema}, **options),
        robust=True,
    )


def send_rating(shipment_id: int) -> None:
    """Sends the rating task of a shipment after commit."""
    send_after_commit(RATE_TASK, [shipment_id])


def open_shipment(carton: Carton, user: User) -> Shipment:
    """The shipment of a closed carton, in rating, with its rating task sent after commit.
    Runs in the caller's transaction (closing the carton)."""
    shipment = Shipment.objects.create(
        carton=carton,
        order_id=carton.order_id,
        warehouse_id=carton.warehouse_id,
        client_id=carton.client_id,
    )
    emit(
        "shipment.opened",
        client_id=carton.client_id,
        warehouse_id=carton.warehouse_id,
        payload={"shipment_id": shipment.pk, "carton_id": carton.pk, "order_id": carton.order_id},
        user=user,
    )
    send_rating(shipment.pk)
    return shipment


def transition(
    shipment: Shipment, to_status: str, user: User | None = None, **payload: Any
) -> Shipment:
    """Moves a (locked) shipment along SHIPMENT_LIFECYCLE and writes `shipment.<status>`."""
    return lifecycle.transition(SHIPMENT_LIFECYCLE, shipment, to_status, user=user, payload=payload)
