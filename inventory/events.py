"""The outbox. `emit` must be called inside the transaction that commits the fact."""

from __future__ import annotations

from typing import Any

from inventory.models import Event


def emit(
    event_type: str,
    *,
    client_id: int | None,
    warehouse_id: int | None,
    payload: dict[str, Any],
    user: Any = None,
) -> Event:
    return Event.objects.create(
        type=event_type,
        client_id=client_id,
        warehouse_id=warehouse_id,
        payload=payload,
        user=user if getattr(user, "pk", None) else None,
    )
