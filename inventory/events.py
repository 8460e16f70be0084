"""The outbox. `emit` must be called inside the transaction that commits the fact."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from django.db import connection
from django.utils import timezone

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


class EventRow(NamedTuple):
    type: str
    client_id: int | None
    warehouse_id: int | None
    payload: dict[str, Any]


def emit_many(rows: list[EventRow], *, user: Any = None) -> None:
    """Writes several events in one statement (the ledger emits one per move)."""
    if not rows:
        return
    user_id = user.pk if getattr(user, "pk", None) else None
    now = timezone.now()
    params: list[Any] = []
    for row in rows:
        params += [row.type, row.client_id, row.warehouse_id, json.dumps(row.payload), user_id, now]
    values = ", ".join(["(%s, %s, %s, %s::jsonb, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Event._meta.db_table} "  # noqa: S608
            f"(type, client_id, warehouse_id, payload, user_id, created_at) VALUES {values}",
            params,
        )
