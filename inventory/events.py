"""The outbox. Every fact a service commits is written here, in the same transaction, through
`emit` (one event) or `emit_many` (any number, in one statement). Nothing else inserts events,
but for the ledger's posting function (inventory/sql/post_leg.sql), which writes a move and its
`stock.*` event in the one round trip it takes per leg."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from inventory.models import Event
from wms.sqlarrays import int_array

if TYPE_CHECKING:
    from wms.accounts.models import User


@dataclass(frozen=True)
class NewEvent:
    """One fact to record: its type (`<thing>.<happened>`), whose it is, and what happened."""

    type: str
    client_id: int | None
    warehouse_id: int | None
    payload: dict[str, Any] = field(default_factory=dict)


def _user_id(user: User | None) -> int | None:
    return user.pk if user is not None and getattr(user, "pk", None) else None


def emit(
    event_type: str,
    *,
    client_id: int | None,
    warehouse_id: int | None,
    payload: dict[str, Any],
    user: User | None = None,
) -> Event:
    """Writes one event row in the caller's transaction."""
    return Event.objects.create(
        type=event_type,
        client_id=client_id,
        warehouse_id=warehouse_id,
        payload=payload,
        user_id=_user_id(user),
    )


def emit_many(events: Sequence[NewEvent], *, user: User | None = None) -> int:
    """Writes any number of event rows in one INSERT, in the given order (their ids ascend with
    it), in the caller's transaction. Returns how many were written. Set-based services (a wave's
    thousands of orders) use this rather than one `emit` per row."""
    if not events:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Event._meta.db_table} "  # noqa: S608
            "(type, client_id, warehouse_id, payload, user_id, created_at) "
            "SELECT e.type, e.client_id, e.warehouse_id, e.payload, %s, %s "
            "FROM unnest(%s::text[], %s::bigint[], %s::bigint[], %s::jsonb[]) "
            "WITH ORDINALITY AS e(type, client_id, warehouse_id, payload, n) ORDER BY e.n",
            [
                _user_id(user),
                timezone.now(),
                [e.type for e in events],
                int_array(e.client_id for e in events),
                int_array(e.warehouse_id for e in events),
                [json.dumps(e.payload) for e in events],
            ],
        )
        return cursor.rowcount
