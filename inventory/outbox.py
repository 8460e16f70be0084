"""Reading the outbox in order, each event once per consumer: the one way a consumer (webhook
delivery, channel and ERP sync, replenishment triggers) learns what the floor committed.

A consumer keeps its place in an `OutboxCursor` row named after it, by (txid, id): the id of the
transaction that wrote the event, then the event's id. Event ids are handed out before commit, so
a reader that kept its place by id alone could pass an event that commits later with a smaller id;
reading only the events of transactions older than every transaction still running in this
database (`horizon`) closes that gap, because that set never grows behind the reader. A rolled-back
action's events never appear. (Billing's rating reads the same way, set-based, in
billing/services/rating.py.)

`take_next` runs inside the caller's transaction: it locks the cursor row (a second reader of the
same name waits, then reads on from where the first stopped), returns the next events, and moves
the cursor past them. Events the caller's own transaction wrote are handed out too (a consumer
run inside the writing transaction, as in tests, sees them) and remembered until the cursor
passes them, so they are not handed out a second time. The caller records what it makes of
them (deliveries to send, documents to sync) in the same transaction, so the events and the
cursor move together or not at all. Network calls come after, from what was recorded, never
inside this transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from inventory.models import Event, OutboxCursor, OutboxEarly


@dataclass(frozen=True)
class OutboxEvent:
    """One committed event as a consumer reads it."""

    pk: int
    type: str
    client_id: int | None
    warehouse_id: int | None
    payload: dict[str, Any]
    user_id: int | None
    created_at: dt.datetime


def horizon(cursor: Any) -> int:
    """A transaction id below which every transaction that could write an event has ended: the
    oldest transaction with an id still running in this database, or, when none is, the next
    id to be handed out. The outbox is read below it.

    Not PostgreSQL's `pg_snapshot_xmin`, which counts every database of the server: a long
    transaction in another database (a report, another test run) would stall every reader
    here. Transactions of other databases cannot write our events. The snapshot's xmax is
    taken first, then the running transactions: one that got its id before that xmax and is
    still running is listed; one that gets it later has a larger id. pg_stat_activity is cached
    per transaction, so the cache is dropped first."""
    cursor.execute("SELECT pg_stat_clear_snapshot()")
    cursor.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
    (xmax,) = cursor.fetchone()
    cursor.execute(
        "SELECT min(backend_xid::text::bigint) FROM pg_stat_activity "
        "WHERE datname = current_database() AND backend_xid IS NOT NULL"
    )
    (oldest,) = cursor.fetchone()
    return int(min(xmax, oldest) if oldest is not None else xmax)


def _lock_cursor(cursor: Any, consumer: str, *, from_now: bool) -> tuple[int, int]:
    table = OutboxCursor._meta.db_table
    if from_now:
        # A new consumer starts after what is already committed (a new webhook relay does not
        # replay the tenant's whole history); an existing one keeps its place.
        cursor.execute(
            f"INSERT INTO {table} (name, last_txid, last_event_id, events_read, updated_at) "  # noqa: S608
            "SELECT %s, COALESCE(max(txid::text::bigint), 0), COALESCE(max(id), 0), 0, %s "
            f"FROM {Event._meta.db_table} WHERE txid < %s::text::xid8 "
            "ON CONFLICT (name) DO NOTHING",
            [consumer, timezone.now(), str(horizon(cursor))],
        )
    else:
        cursor.execute(
            f"INSERT INTO {table} (name, last_txid, last_event_id, events_read, updated_at) "  # noqa: S608
            "VALUES (%s, 0, 0, 0, %s) ON CONFLICT (name) DO NOTHING",
            [consumer, timezone.now()],
        )
    cursor.execute(
        f"SELECT last_txid, last_event_id FROM {table} WHERE name = %s FOR UPDATE",  # noqa: S608
        [consumer],
    )
    txid, event_id = cursor.fetchone()
    return int(txid), int(event_id)


_COLUMNS = "id, txid::text::bigint, type, client_id, warehouse_id, payload, user_id, created_at"


def take_next(
    consumer: str,
    *,
    types: Collection[str] | None = None,
    limit: int = 500,
    from_now: bool = False,
) -> list[OutboxEvent]:
    """The consumer's next events (of `types`, when given), oldest first, at most `limit` of
    committed transactions, then any the caller's own transaction wrote; the cursor moves past
    the committed ones when the caller's transaction commits. Each event is handed to a consumer
    once. Must run inside a transaction (the caller's record of what it does with them belongs
    to it)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_next must run inside the consumer's transaction")
    event_table = Event._meta.db_table
    early_table = OutboxEarly._meta.db_table
    type_filter = "AND type = ANY(%(types)s)" if types is not None else ""
    params: dict[str, Any] = {"consumer": consumer, "types": list(types or ()), "limit": limit}
    with connection.cursor() as cursor:
        last_txid, last_event_id = _lock_cursor(cursor, consumer, from_now=from_now)
        below = horizon(cursor)
        cursor.execute(
            f"SELECT {_COLUMNS} FROM {event_table} "  # noqa: S608
            "WHERE (txid, id) > (%(txid)s::text::xid8, %(event_id)s) "
            "AND txid < %(horizon)s::text::xid8 "
            f"{type_filter} ORDER BY txid, id LIMIT %(limit)s",
            {**params, "txid": str(last_txid), "event_id": last_event_id, "horizon": str(below)},
        )
        settled = cursor.fetchall()
        if settled:
            cursor.execute(
                f"UPDATE {OutboxCursor._meta.db_table} SET last_txid = %s, "  # noqa: S608
                "last_event_id = %s, events_read = events_read + %s, updated_at = %s "
                "WHERE name = %s",
                [settled[-1][1], settled[-1][0], len(settled), timezone.now(), consumer],
            )
            cursor.execute(
                f"DELETE FROM {early_table} WHERE consumer = %s "  # noqa: S608
                "AND event_id = ANY(%s) RETURNING event_id",
                [consumer, [row[0] for row in settled]],
            )
            handed_out = {event_id for (event_id,) in cursor.fetchall()}
            settled = [row for row in settled if row[0] not in handed_out]
        # The caller's own transaction's events: not committed, so the cursor cannot pass them
        # yet; handed out now (they commit or vanish with the caller's record of them) and
        # remembered, so that reading them again once committed does not hand them out twice.
        cursor.execute(
            f"SELECT {_COLUMNS} FROM {event_table} e "  # noqa: S608
            "WHERE txid = pg_current_xact_id_if_assigned() "
            f"{type_filter} AND NOT EXISTS (SELECT 1 FROM {early_table} x "
            "WHERE x.consumer = %(consumer)s AND x.event_id = e.id) "
            "ORDER BY id LIMIT %(limit)s",
            params,
        )
        own = cursor.fetchall()[: max(limit - len(settled), 0)]
        if own:
            cursor.execute(
                f"INSERT INTO {early_table} (consumer, event_id) SELECT %s, unnest(%s::bigint[])",
                [consumer, [row[0] for row in own]],
            )
    return [_event(row) for row in [*settled, *own]]


def _event(row: tuple[Any, ...]) -> OutboxEvent:
    pk, _txid, event_type, client_id, warehouse_id, payload, user_id, created_at = row
    return OutboxEvent(
        pk=pk,
        type=event_type,
        client_id=client_id,
        warehouse_id=warehouse_id,
        # Django's connection leaves jsonb as text (its JSONField decodes it); so do we.
        payload=json.loads(payload) if isinstance(payload, str) else payload,
        user_id=user_id,
        created_at=created_at,
    )


def backlog(consumer: str) -> int:
    """How many committed events the consumer has not read yet (for pages and health checks)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT last_txid, last_event_id FROM {OutboxCursor._meta.db_table} "  # noqa: S608
            "WHERE name = %s",
            [consumer],
        )
        row = cursor.fetchone()
        txid, event_id = (int(row[0]), int(row[1])) if row else (0, 0)
        cursor.execute(
            f"SELECT count(*) FROM {Event._meta.db_table} "  # noqa: S608
            "WHERE (txid, id) > (%s::text::xid8, %s) AND txid < %s::text::xid8",
            [str(txid), event_id, str(horizon(cursor))],
        )
        return int(cursor.fetchone()[0])
