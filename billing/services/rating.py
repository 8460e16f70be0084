"""The rating job: every billable outbox event ends charged (one line per matching rule) or in
the unrated queue with the reason, exactly once.

`rate_pending` reads the outbox after the tenant's checkpoint in batches, one transaction per
batch: the checkpoint row is locked for the batch (a second run waits, then reads on from where
the first stopped), the batch is rated in set-based statements (billing.services.rating_sql) and
the checkpoint advances in the same transaction, so a worker killed mid-batch leaves nothing
and the next run rates the batch again. Even a run that did not see the checkpoint cannot charge
twice: (event, rule, sub_key) is unique in the table and an event has at most one open entry in
the queue. `rate_events` rates given events again (re-rating a draft, a fixed unrated entry)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from billing import rules
from billing.models import BillingPeriod, RateRule, RatingCheckpoint
from billing.selectors import billing_settings
from billing.services import rating_sql as sql
from billing.services.periods import PeriodResolver
from inventory import outbox

BATCH_SIZE = 50_000


@dataclass
class RatingResult:
    events_read: int = 0
    billable: int = 0
    lines: int = 0
    unrated: int = 0
    batches: int = 0

    def add(self, other: RatingResult) -> None:
        self.events_read += other.events_read
        self.billable += other.billable
        self.lines += other.lines
        self.unrated += other.unrated
        self.batches += other.batches


def rate_pending(*, batch_size: int = BATCH_SIZE, max_batches: int | None = None) -> RatingResult:
    """Rates the outbox from the checkpoint to the newest event whose transaction has ended,
    one transaction per batch. Safe to run at any time, twice at once included."""
    total = RatingResult()
    while max_batches is None or total.batches < max_batches:
        with transaction.atomic():
            batch, complete = _rate_next_batch(batch_size)
        total.add(batch)
        if complete:
            break
    return total


def rate_events(event_ids: Iterable[int], *, period: BillingPeriod | None = None) -> RatingResult:
    """Rates the given events now, in the caller's transaction, into `period` when given (a
    draft being rebuilt keeps its events). The caller removed their lines and open entries."""
    ids = sorted(set(event_ids))
    if not ids:
        return RatingResult()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.PREPARE)
        cursor.execute(sql.GIVEN_EVENTS, {"ids": ids})
        read, billable = _batch_size(cursor, None)[:2]
        result = _rate_batch(cursor, period)
        result.events_read, result.billable = read, billable
        return result


def _lock_checkpoint(cursor: Any) -> tuple[int, int]:
    table = RatingCheckpoint._meta.db_table
    cursor.execute(
        f"INSERT INTO {table} (id, last_txid, last_event_id, events_read, updated_at) "  # noqa: S608
        "VALUES (1, 0, 0, 0, %s) ON CONFLICT (id) DO NOTHING",
        [timezone.now()],
    )
    cursor.execute(
        f"SELECT last_txid, last_event_id FROM {table} WHERE id = 1 FOR UPDATE"  # noqa: S608
    )
    txid, event_id = cursor.fetchone()
    return int(txid), int(event_id)


def _batch_size(cursor: Any, horizon: int | None) -> tuple[int, int, int, int | None, int | None]:
    """The batch's events, billable events, events below the horizon and the last of those."""
    cursor.execute(
        sql.BATCH_END,
        {"billable": list(rules.BILLABLE_EVENTS), "horizon": horizon if horizon else 2**62},
    )
    read, billable, settled, txid, event_id = cursor.fetchone()
    return int(read), int(billable), int(settled), txid, event_id


def _rate_next_batch(size: int) -> tuple[RatingResult, bool]:
    """Rates the next batch; returns what it did and whether the outbox is read to its end."""
    with connection.cursor() as cursor:
        # The horizon first: every transaction older than it has ended, so no event below it
        # can still appear. This transaction's own events are read too (it sees them).
        horizon = str(outbox.horizon(cursor))
        cursor.execute("SELECT pg_current_xact_id_if_assigned()::text")
        (own,) = cursor.fetchone()
        last_txid, last_event_id = _lock_checkpoint(cursor)
        cursor.execute(sql.PREPARE)
        cursor.execute(
            sql.NEXT_BATCH,
            {
                "txid": str(last_txid),
                "event_id": last_event_id,
                "horizon": horizon,
                "own": own,
                "size": size,
            },
        )
        read, billable, settled, txid, event_id = _batch_size(cursor, int(horizon))
        if read == 0:
            return RatingResult(), True
        result = _rate_batch(cursor, None) if billable else RatingResult()
        result.events_read, result.billable, result.batches = read, billable, 1
        if settled:
            cursor.execute(
                f"UPDATE {RatingCheckpoint._meta.db_table} SET last_txid = %s, "  # noqa: S608
                "last_event_id = %s, events_read = events_read + %s, updated_at = %s "
                "WHERE id = 1",
                [txid, event_id, settled, timezone.now()],
            )
        return result, settled < size


def _rate_batch(cursor: Any, period: BillingPeriod | None) -> RatingResult:
    """Rates what billing_batch holds: the context per (client, day), the card-rated events'
    facts, then the charging and the crediting statements."""
    cursor.execute(sql.SKIP_RATED, {"billable": list(rules.BILLABLE_EVENTS)})
    cursor.execute(sql.PUTAWAY_CLIENTS, {"reference_type": rules.PUTAWAY_REFERENCE_TYPE})
    cursor.execute(sql.CLIENT_DAYS, {"billable": list(rules.BILLABLE_EVENTS)})
    pairs: list[tuple[int, dt.date]] = cursor.fetchall()
    versions = _fill_context(cursor, pairs, period)
    _fill_rules(cursor, versions)
    currency = billing_settings().currency
    cursor.execute(
        sql.FILL_EVENTS, {"rated_types": sorted(rules.RATED_BY_CARD), "currency": currency}
    )
    cursor.execute(sql.FILL_STORAGE, {})
    cursor.execute(sql.ANALYZE)
    now = timezone.now()
    cursor.execute(
        sql.CHARGE,
        {
            "kind_types": list(rules.EVENT_KINDS),
            "kinds": [str(kind) for kind in rules.EVENT_KINDS.values()],
            "rated_types": sorted(rules.RATED_BY_CARD),
            "cm3_per_ft3": rules.CM3_PER_CUBIC_FOOT,
            "cm3_per_m3": rules.CM3_PER_CUBIC_METRE,
            "now": now,
        },
    )
    lines, unrated = cursor.fetchone()
    credits, unrated_voids = _credit_voids(cursor, now)
    return RatingResult(lines=lines + credits, unrated=unrated + unrated_voids)


def _credit_voids(cursor: Any, now: dt.datetime) -> tuple[int, int]:
    """Credits the batch's voided labels, a round per void of one shipment (usually one)."""
    cursor.execute(sql.FILL_VOIDS)
    if not cursor.rowcount:
        return 0, 0
    credits = 0
    while True:
        cursor.execute(sql.VOID_ROUND, {"now": now})
        credited, matched = cursor.fetchone()
        credits += credited
        if not matched:
            break
    cursor.execute(sql.VOID_UNRATED, {"now": now})
    return credits, cursor.rowcount


def _fill_context(
    cursor: Any, pairs: list[tuple[int, dt.date]], period: BillingPeriod | None
) -> set[int]:
    """Each (client, day)'s period and version into billing_ctx; returns the versions used."""
    resolver = PeriodResolver()
    resolver.preload({client_id for client_id, _ in pairs})
    clients, days, periods, versions, modes = [], [], [], [], []
    for client_id, day in pairs:
        version = resolver.version(client_id, day)
        clients.append(client_id)
        days.append(day)
        periods.append(period.pk if period is not None else resolver.period(client_id, day).pk)
        versions.append(version.pk if version else None)
        modes.append(version.storage_mode if version else None)
    cursor.execute(
        sql.FILL_CTX,
        {
            "clients": clients,
            "days": days,
            "periods": periods,
            "versions": versions,
            "modes": modes,
        },
    )
    return {pk for pk in versions if pk is not None}


def _fill_rules(cursor: Any, versions: set[int]) -> None:
    """The versions' rules with the event types feeding them, their invoice text and unit."""
    found = list(RateRule.objects.filter(version_id__in=versions))
    cursor.execute(
        sql.FILL_RULES,
        {
            "feed_types": [event_type for event_type, _ in rules.FEEDS],
            "feed_bases": [str(basis) for _, basis in rules.FEEDS],
            "rules": [r.pk for r in found],
            "labels": [r.label for r in found],
            "units": [rules.UNITS.get(r.basis, "") for r in found],
        },
    )
