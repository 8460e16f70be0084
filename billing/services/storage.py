"""Storage by night: each client's stock in each warehouse at the end of each local day,
computed from the ledger as of that midnight (the sum of every stock move before it), never from
today's balances. The task runs hourly: warehouses reach midnight at different times, and each
run records every night completed since the last one it recorded, so a missed night is filled
in later exactly as it would have been on time. Each snapshot is written with its
`storage.snapshot` event, which the rating job charges by the card's storage rules."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from billing.models import StorageDay, StorageSnapshot
from billing.rules import STORAGE_SNAPSHOT
from inventory.events import NewEvent, emit_many
from inventory.models import StockMove, Warehouse

# Per client: units, volume of the products with dimensions (as Product.volume_cm3), units of
# those without, pallets (LPNs of kind pallet holding its stock) and occupied locations per
# storage type; from the positions the ledger gives every (location, LPN, product) at `as_of`.
SNAPSHOT = """
WITH pos AS (
    SELECT f.loc, f.lpn, m.product_id, m.client_id, sum(f.q) AS units
      FROM inventory_stockmove m
     CROSS JOIN LATERAL (VALUES (m.to_location_id, m.to_lpn_id, m.quantity),
                                (m.from_location_id, m.from_lpn_id, -m.quantity)) f(loc, lpn, q)
     WHERE m.warehouse_id = %(warehouse)s AND m.created_at < %(as_of)s
     GROUP BY 1, 2, 3, 4
    HAVING sum(f.q) > 0
),
stock AS (
    SELECT pos.*, l.storage_type, lp.kind AS lpn_kind,
           CASE WHEN pr.length_mm > 0 AND pr.width_mm > 0 AND pr.height_mm > 0
                THEN GREATEST(1, pr.length_mm::bigint * pr.width_mm * pr.height_mm / 1000) END
               AS volume
      FROM pos
      JOIN inventory_location l ON l.id = pos.loc AND NOT l.is_virtual
      JOIN inventory_product pr ON pr.id = pos.product_id
      LEFT JOIN inventory_lpn lp ON lp.id = pos.lpn
),
totals AS (
    SELECT client_id, sum(units) AS units,
           COALESCE(sum(units * volume) FILTER (WHERE volume IS NOT NULL), 0) AS volume,
           count(DISTINCT lpn) FILTER (WHERE lpn_kind = 'pallet') AS pallets
      FROM stock GROUP BY client_id
),
places AS (
    SELECT client_id, jsonb_object_agg(storage_type, n) AS locations
      FROM (SELECT client_id, storage_type, count(DISTINCT loc) AS n
              FROM stock GROUP BY 1, 2) x
     GROUP BY client_id
),
unmeasured AS (
    SELECT client_id, jsonb_object_agg(product_id::text, n) AS products
      FROM (SELECT client_id, product_id, sum(units) AS n
              FROM stock WHERE volume IS NULL GROUP BY 1, 2) y
     GROUP BY client_id
)
INSERT INTO billing_storagesnapshot (warehouse_id, client_id, date, units, volume_cm3,
    undimensioned, pallets, locations, created_at)
SELECT %(warehouse)s, t.client_id, %(day)s, t.units, t.volume, COALESCE(u.products, '{}'),
       t.pallets, COALESCE(p.locations, '{}'), %(now)s
  FROM totals t
  LEFT JOIN places p USING (client_id)
  LEFT JOIN unmeasured u USING (client_id)
ON CONFLICT (warehouse_id, client_id, date) DO NOTHING
RETURNING id, client_id, units, volume_cm3, pallets, locations, undimensioned
"""


# A warehouse with no night recorded yet (billing switched on over an old ledger) starts at most
# this many days back, not at its first stock move of years ago.
FIRST_RUN_DAYS = 62


@dataclass
class StorageResult:
    nights: int = 0
    snapshots: int = 0


def end_of_day(day: dt.date, time_zone: str) -> dt.datetime:
    """The instant a local day ends: the next day's local midnight, whatever the UTC offset did
    in between (a daylight-saving day is 23 or 25 hours long)."""
    return dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time(0), tzinfo=zoneinfo.ZoneInfo(time_zone)
    )


def record_storage(*, now: dt.datetime | None = None) -> StorageResult:
    """Records, for every active warehouse, each night after its last recorded one up to its
    last completed local day (from its first stock move, at most FIRST_RUN_DAYS back, when none
    is recorded yet). One transaction per night. Safe to run twice at once: a night is recorded
    once."""
    now = now or timezone.now()
    result = StorageResult()
    for warehouse in Warehouse.objects.filter(is_active=True).order_by("pk"):
        for day in nights_to_record(warehouse, now):
            result.nights += 1
            result.snapshots += record_night(warehouse=warehouse, day=day, now=now)
    return result


def nights_to_record(warehouse: Warehouse, now: dt.datetime) -> list[dt.date]:
    zone = zoneinfo.ZoneInfo(warehouse.time_zone)
    last_complete = now.astimezone(zone).date() - dt.timedelta(days=1)
    last_recorded = StorageDay.objects.filter(warehouse=warehouse).aggregate(last=Max("date"))[
        "last"
    ]
    if last_recorded is not None:
        first = last_recorded + dt.timedelta(days=1)
    else:
        started = StockMove.objects.filter(warehouse=warehouse).aggregate(first=Min("created_at"))[
            "first"
        ]
        if started is None:
            return []
        first = max(
            started.astimezone(zone).date(), last_complete - dt.timedelta(days=FIRST_RUN_DAYS)
        )
    return [first + dt.timedelta(days=n) for n in range((last_complete - first).days + 1)]


@transaction.atomic
def record_night(*, warehouse: Warehouse, day: dt.date, now: dt.datetime | None = None) -> int:
    """Records one warehouse night: the day row (first, so a concurrent run stops here), each
    client's snapshot as of the day's local end, and their events. Returns the snapshots."""
    now = now or timezone.now()
    as_of = end_of_day(day, warehouse.time_zone)
    table = StorageDay._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (warehouse_id, date, as_of, recorded_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) ON CONFLICT (warehouse_id, date) DO NOTHING RETURNING id",
            [warehouse.pk, day, as_of, now],
        )
        if cursor.fetchone() is None:
            return 0
        cursor.execute(
            SNAPSHOT, {"warehouse": warehouse.pk, "as_of": as_of, "day": day, "now": now}
        )
        rows = cursor.fetchall()
    emit_many([_event(warehouse, day, row) for row in rows])
    return len(rows)


def _json(value: Any) -> dict[str, Any]:
    """A jsonb column from a raw cursor (Django's psycopg setup hands it over as text)."""
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def _event(warehouse: Warehouse, day: dt.date, row: tuple[Any, ...]) -> NewEvent:
    pk, client_id, units, volume, pallets, locations, undimensioned = row
    return NewEvent(
        type=STORAGE_SNAPSHOT,
        client_id=client_id,
        warehouse_id=warehouse.pk,
        payload={
            "snapshot_id": pk,
            "date": day.isoformat(),
            "warehouse": warehouse.code,
            "units": units,
            "volume_cm3": volume,
            "pallets": pallets,
            "locations": _json(locations),
            "undimensioned_products": len(_json(undimensioned)),
        },
    )


def snapshots_of(warehouse: Warehouse, day: dt.date) -> list[StorageSnapshot]:
    return list(StorageSnapshot.objects.filter(warehouse=warehouse, date=day).order_by("client_id"))
