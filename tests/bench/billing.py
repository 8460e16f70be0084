"""Billing benchmark.

1. Rating: a month of 1,000,000 outbox events for 50 clients (receipts, ASN closes, putaways,
   picks, packs, cartons with materials and boxes, labels and some voids, in the payload shapes
   the floor writes), each client's card with rules of every kind, rated by `rate_pending` (its
   batches, its checkpoint, its unique index) from an empty checkpoint. Beside it, in the same
   run on the same server: a plain `INSERT … SELECT` of as many rows into a table of the charge
   line's columns with no index or constraint. The ratio baseline time / rating time is the
   figure (goal >= 0.25).
2. Storage: a month of nightly snapshots for 200,000 balances (100 clients, 20,000 locations,
   positions received on the 1st plus moves every day), `record_storage` filling every night of
   the month from the ledger. Beside it: 30 plain `INSERT … SELECT`s of the 200,000 balance rows
   (the positions the nights read). Ratio baseline / storage.

The events and the ledger are generated in SQL (a million service calls would take hours);
`make bench` runs it, `python -m tests.bench billing` alone. BILLING_BENCH_EVENTS and
BILLING_BENCH_BALANCES scale it down for a quick look."""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from django.db import connection as _connection
from django.db import transaction

connection: Any = _connection

SLUG = "billing-bench"
EVENTS = int(os.environ.get("BILLING_BENCH_EVENTS", "1000000"))
CLIENTS = 50
BALANCES = int(os.environ.get("BILLING_BENCH_BALANCES", "200000"))
STORAGE_CLIENTS = 100
LOCATIONS = 20_000
MOVES_PER_DAY = 2_000
MONTH = dt.date(2026, 3, 1)
DAYS = 31
GOAL = 0.25


def _setup_tenant() -> Any:
    from tenants import services
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None:
        tenant = services.register_tenant(
            name="Billing bench", slug=SLUG, admin_email="b@bench.test", password="bench-pass-123"
        )
        tenant = services.provision_tenant(tenant.pk)
    return tenant


def _cards(clients: list[Any], user: Any) -> None:
    from decimal import Decimal as D

    from billing.services.cards import RuleSpec, create_rate_card, create_version

    def r(kind: str, basis: str, price: str = "0", **extra: Any) -> RuleSpec:
        return RuleSpec(kind=kind, basis=basis, unit_price=D(price), **extra)

    rules = [
        r("storage", "unit_day", "0.002"),
        r("storage", "pallet_day", "0.45"),
        r("storage", "location_day", "0.30", storage_type="bin"),
        r("storage", "cubic_foot_day", "0.02"),
        r("receiving", "per_asn", "25"),
        r("receiving", "per_receipt_line", "1.50"),
        r("receiving", "per_unit_received", "0.035"),
        r("receiving", "per_case_received", "0.40"),
        r("receiving", "per_pallet_received", "8"),
        r("receiving", "putaway_per_lpn", "2.25"),
        r("picking", "pick_first_unit", "0.95"),
        r("picking", "pick_additional_unit", "0.30"),
        r("picking", "pick_per_line", "0.10"),
        r("picking", "pick_unit_range", "0.25", tier_from=2, tier_to=10),
        r("picking", "pick_unit_range", "0.15", tier_from=11),
        r("packing", "pack_per_order", "0.75"),
        r("packing", "pack_per_carton", "0.50"),
        RuleSpec(kind="packing", basis="materials", markup_percent=D("15")),
        RuleSpec(kind="packing", basis="boxes", markup_percent=D("10"), markup_flat=D("0.05")),
        RuleSpec(kind="shipping", basis="label", markup_percent=D("8"), markup_flat=D("0.25")),
        r("minimum", "period_minimum", "500"),
    ]
    for client in clients:
        card = create_rate_card(user=user, client=client, name=f"{client.code} card")
        create_version(user=user, card=card, effective_from=MONTH, rules=rules)


# One month of events, round-robin over the clients, spread evenly over the month (New York
# time), in the floor's payload shapes. n is the row number; n % 20 picks the kind of event.
EVENTS_SQL = """
INSERT INTO inventory_event (type, client_id, warehouse_id, payload, user_id, created_at)
SELECT CASE WHEN k < 6 THEN 'stock.received'
            WHEN k = 6 THEN 'putaway.done'
            WHEN k = 7 THEN 'asn.closed'
            WHEN k < 12 THEN 'order.picked'
            WHEN k < 14 THEN 'order.packed'
            WHEN k < 17 THEN 'carton.packed'
            WHEN k < 19 THEN 'shipment.label_purchased'
            ELSE 'shipment.voided' END,
       -- A void is of the label two events before it: the same client's.
       %(first_client)s + (CASE WHEN k = 19 THEN n - 2 ELSE n END %% %(clients)s), %(warehouse)s,
       CASE WHEN k < 6 THEN jsonb_build_object('sku', 'SKU-' || (n %% 997), 'quantity', 1 + n %% 40,
                'reference', jsonb_build_object('type', 'asn_line', 'id', n::text),
                'receipt', jsonb_build_object('uom', CASE WHEN n %% 3 = 0 THEN 'case' ELSE 'each' END,
                    'packs', 1 + n %% 4, 'pack_quantity', 12, 'asn', 'ASN-' || (n / 200)))
            WHEN k = 6 THEN jsonb_build_object('task', n, 'what', 'LPN L' || n, 'lpn', 'L' || n)
            WHEN k = 7 THEN jsonb_build_object('asn', n, 'reference', 'ASN-' || n, 'lines',
                jsonb_build_array(jsonb_build_object('sku', 'A', 'received', 10),
                                  jsonb_build_object('sku', 'B', 'received', 0),
                                  jsonb_build_object('sku', 'C', 'received', 5)))
            WHEN k < 12 THEN jsonb_build_object('order_id', n, 'reference', 'ORD-' || n,
                'status', 'picked', 'picked_units', 1 + n %% 15, 'short_units', 0,
                'picked_lines', 1 + n %% 3)
            WHEN k < 14 THEN jsonb_build_object('order_id', n, 'reference', 'ORD-' || n,
                'status', 'packed', 'cartons', 1, 'units', 3)
            WHEN k < 17 THEN jsonb_build_object('carton_id', n, 'order_id', n, 'order', 'ORD-' || n,
                'sscc', lpad(n::text, 18, '0'), 'box_type', 'M', 'box_cost', '0.85',
                'box_currency', 'USD', 'materials', jsonb_build_array(
                    jsonb_build_object('code', 'TAPE', 'quantity', 1, 'cost', '0.10', 'currency', 'USD'),
                    jsonb_build_object('code', 'FILL', 'quantity', 2, 'cost', '0.05', 'currency', 'USD')))
            WHEN k < 19 THEN jsonb_build_object('shipment_id', n, 'order_id', n, 'order', 'ORD-' || n,
                'tracking_code', 'TRK' || n, 'carrier', 'USPS', 'service', 'Priority',
                'amount', (5 + n %% 7)::text || '.07', 'currency', 'USD', 'status', 'label_purchased')
            ELSE jsonb_build_object('shipment_id', n - 2, 'order_id', n - 2, 'tracking_code',
                'TRK' || (n - 2), 'refund_status', 'submitted', 'status', 'voided') END,
       NULL,
       %(start)s::timestamptz + (n::float8 / %(events)s) * %(days)s * interval '1 day'
  FROM (SELECT n, n %% 20 AS k FROM generate_series(1, %(events)s) n) g
"""


def _seed_events(tenant: Any) -> Any:
    from billing.models import BillingSettings
    from inventory.models import Client
    from inventory.services.master import create_warehouse
    from wms.accounts.models import User

    connection.set_tenant(tenant)
    user = User.objects.create_user("manager@billing.bench", role="manager")
    warehouse = create_warehouse(code="BILL", name="Billing bench DC", time_zone="America/New_York")
    clients = Client.objects.bulk_create(
        Client(code=f"c{n:02d}", name=f"Client {n}") for n in range(CLIENTS)
    )
    BillingSettings.objects.create(pk=1, company_name="Bench 3PL")
    _cards(clients, user)
    start = dt.datetime.combine(MONTH, dt.time(0, 30), tzinfo=dt.UTC) + dt.timedelta(hours=5)
    with connection.cursor() as cursor:
        cursor.execute(
            EVENTS_SQL,
            {
                "first_client": clients[0].pk,
                "clients": CLIENTS,
                "warehouse": warehouse.pk,
                "events": EVENTS,
                "days": DAYS - 1,
                "start": start,
            },
        )
        cursor.execute("ANALYZE inventory_event")
    return warehouse


# Two baselines: a bare table of the charge line's columns (no index, no constraint), and one
# of the same shape as billing_chargeline (its primary key, unique and partial indexes): the
# cost of writing the same number of such rows with no rating at all.
BARE_TABLE = "CREATE TABLE bench_plain_lines AS SELECT * FROM billing_chargeline WITH NO DATA"
SAME_SHAPE_TABLE = "CREATE TABLE bench_plain_lines (LIKE billing_chargeline INCLUDING ALL)"
BASELINE = """
INSERT INTO bench_plain_lines (id, client_id, period_id, version_id, rule_id, kind, basis,
    description, activity_date, quantity, unit, unit_price, amount, event_id, event_type, sub_key,
    snapshot_id, credits_event_id, shipment_id, order_reference, asn_reference, carton_sscc,
    tracking_code, sku, note, invoice_id, created_by_id, created_at)
SELECT nextval('billing_chargeline_id_seq'), e.client_id, 1, 1, r, 'picking', 'pick_per_unit', 'Per unit picked',
       e.created_at::date, 1, 'unit', 0.035, 0.04, e.id, e.type, '', NULL, NULL, NULL,
       COALESCE(e.payload->>'reference', ''), '', '', '', '', '', NULL, NULL, now()
  FROM inventory_event e CROSS JOIN generate_series(1, 4) r
 LIMIT %(rows)s
"""


def _rating(tenant: Any) -> None:
    from billing.models import ChargeLine, UnratedActivity
    from billing.services.rating import rate_pending

    started = time.perf_counter()
    _seed_events(tenant)
    print(
        f"\nBilling: {EVENTS:,} events for {CLIENTS} clients over {DAYS} days seeded in "
        f"{time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    result = rate_pending()
    rating = time.perf_counter() - started
    lines, unrated = ChargeLine.objects.count(), UnratedActivity.objects.count()
    print(
        f"  rate_pending: {result.events_read:,} events in {result.batches} batches, "
        f"{lines:,} charge lines and {unrated:,} unrated entries in {rating:.1f} s "
        f"({result.events_read / rating:,.0f} events/s, {lines / rating:,.0f} lines/s)"
    )
    again = time.perf_counter()
    second = rate_pending()
    print(
        f"  second run: {second.events_read} events read, "
        f"{ChargeLine.objects.count() - lines} lines added ({time.perf_counter() - again:.2f} s)"
    )
    for label, create in (("bare table", BARE_TABLE), ("same indexes", SAME_SHAPE_TABLE)):
        baseline = _baseline(create, lines)
        verdict = "met" if baseline / rating >= GOAL else "NOT met"
        print(
            f"  plain INSERT … SELECT of {lines:,} rows ({label}), same server: {baseline:.1f} s;"
            f" ratio baseline/rating {baseline / rating:.2f} (goal >= {GOAL}: {verdict})"
        )


def _baseline(create: str, rows: int) -> float:
    with connection.cursor() as cursor:
        cursor.execute(create)
        started = time.perf_counter()
        with transaction.atomic():
            cursor.execute(BASELINE, {"rows": rows})
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_plain_lines")
    return elapsed


# Nightly storage: 200,000 balances as positions received on the 1st, plus daily moves.
STOCK_SQL = """
INSERT INTO inventory_stockmove (product_id, lot_id, quantity, from_location_id,
    to_location_id, from_lpn_id, to_lpn_id, from_status, to_status, reason, reason_code,
    reference_type, reference_id, note, warehouse_id, client_id, user_id, created_at)
SELECT p.id, NULL, 10 + n %% 90, %(supplier)s, (%(location_ids)s::bigint[])[1 + n %% %(locations)s],
       NULL, NULL, 'available', 'available', 'receipt', '', 'bench', n::text, '', %(warehouse)s,
       p.client_id, NULL, %(start)s::timestamptz + (n %% 3600) * interval '1 second'
  FROM generate_series(0, %(balances)s - 1) n
  JOIN inventory_product p
    ON p.id = (%(product_ids)s::bigint[])[1 + (n / %(locations)s) * 200 + n %% 200]
"""

# Every day some stock moves between locations (and some leaves), so the nights differ.
DAILY_MOVES_SQL = """
INSERT INTO inventory_stockmove (product_id, lot_id, quantity, from_location_id,
    to_location_id, from_lpn_id, to_lpn_id, from_status, to_status, reason, reason_code,
    reference_type, reference_id, note, warehouse_id, client_id, user_id, created_at)
SELECT m.product_id, NULL, 1, m.to_location_id,
       CASE WHEN g %% 5 = 0 THEN %(customer)s
            ELSE (%(location_ids)s::bigint[])[1 + (g * 7) %% %(locations)s] END,
       NULL, NULL, 'available', 'available', 'move', '', 'bench', g::text, '', %(warehouse)s,
       m.client_id, NULL,
       %(start)s::timestamptz + (1 + g / %(per_day)s) * interval '1 day' + interval '3 hours'
  FROM generate_series(0, %(per_day)s * %(days)s - 1) g
  JOIN inventory_stockmove m ON m.id = %(first_move)s + (g * 37) %% %(balances)s
"""


def _seed_stock(tenant: Any) -> Any:
    from inventory.models import Client, Location, LocationKind, Product, StockMove
    from inventory.services.master import create_warehouse
    from inventory.services.posting import virtual_location

    connection.set_tenant(tenant)
    warehouse = create_warehouse(code="STOR", name="Storage bench DC", time_zone="Asia/Tokyo")
    clients = Client.objects.bulk_create(
        Client(code=f"s{n:03d}", name=f"Storage client {n}") for n in range(STORAGE_CLIENTS)
    )
    products = Product.objects.bulk_create(
        Product(
            client=clients[n % STORAGE_CLIENTS],
            sku=f"S{n:05d}",
            name=f"Stored {n}",
            length_mm=100 + n % 50,
            width_mm=80,
            height_mm=60,
        )
        for n in range(2_000)
    )
    locations = Location.objects.bulk_create(
        Location(
            warehouse=warehouse,
            code=f"S{n:05d}",
            barcode=f"S{n:05d}",
            kind=LocationKind.STORAGE,
            storage_type=("bin", "shelf", "pallet_position", "floor")[n % 4],
        )
        for n in range(LOCATIONS)
    )
    supplier = virtual_location(warehouse.pk, LocationKind.SUPPLIER)
    customer = virtual_location(warehouse.pk, LocationKind.CUSTOMER)
    start = dt.datetime.combine(MONTH, dt.time(9), tzinfo=dt.UTC)
    params = {
        "supplier": supplier.pk,
        "customer": customer.pk,
        "location_ids": [loc.pk for loc in locations],
        "locations": LOCATIONS,
        "warehouse": warehouse.pk,
        "product_ids": [p.pk for p in products],
        "balances": BALANCES,
        "start": start,
        "per_day": MOVES_PER_DAY,
        "days": DAYS - 1,
    }
    with connection.cursor() as cursor:
        cursor.execute(STOCK_SQL, params)
        params["first_move"] = StockMove.objects.filter(warehouse=warehouse).order_by("pk")[0].pk
        cursor.execute(DAILY_MOVES_SQL, params)
        cursor.execute("ANALYZE inventory_stockmove")
        cursor.execute(
            "SELECT count(*) FROM (SELECT to_location_id, product_id FROM inventory_stockmove "
            "WHERE warehouse_id = %s AND reason = 'receipt' GROUP BY 1, 2) x",
            [warehouse.pk],
        )
        positions = cursor.fetchone()[0]
    return warehouse, positions


def _storage(tenant: Any) -> None:
    from billing.models import StorageSnapshot
    from billing.services.storage import record_storage

    started = time.perf_counter()
    warehouse, positions = _seed_stock(tenant)
    print(
        f"\nStorage: {positions:,} balances in {LOCATIONS:,} locations for {STORAGE_CLIENTS} "
        f"clients, {MOVES_PER_DAY:,} moves a day, seeded in {time.perf_counter() - started:.1f} s"
    )
    # Nothing recorded yet: the first run records every night from the first move to the last
    # completed local day (Tokyo) of the month.
    now = dt.datetime.combine(MONTH + dt.timedelta(days=DAYS), dt.time(1), tzinfo=dt.UTC)
    from inventory.models import Warehouse

    Warehouse.objects.exclude(pk=warehouse.pk).update(is_active=False)
    started = time.perf_counter()
    result = record_storage(now=now)
    storage = time.perf_counter() - started
    snapshots = StorageSnapshot.objects.filter(warehouse=warehouse).count()
    print(
        f"  record_storage: {result.nights} nights, {snapshots:,} snapshots in {storage:.1f} s "
        f"({storage / max(result.nights, 1):.2f} s a night)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_positions AS SELECT * FROM inventory_balance WITH NO DATA"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_source AS SELECT m.to_location_id AS location_id, "
            "m.product_id, m.client_id, m.warehouse_id, sum(m.quantity) AS on_hand "
            "FROM inventory_stockmove m WHERE m.warehouse_id = %s AND m.reason = 'receipt' "
            "GROUP BY 1, 2, 3, 4",
            [warehouse.pk],
        )
        started = time.perf_counter()
        for _ in range(result.nights):
            cursor.execute(
                "INSERT INTO bench_positions (id, location_id, product_id, lot_id, lpn_id, "
                "status, warehouse_id, client_id, on_hand, allocated, first_received_at, "
                "updated_at) SELECT row_number() OVER (), location_id, product_id, NULL, NULL, "
                "'available', warehouse_id, client_id, on_hand, 0, now(), now() "
                "FROM bench_source"
            )
        baseline = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_positions, bench_source")
    print(
        f"  plain INSERT … SELECT of {positions:,} rows x {result.nights} nights, same server: "
        f"{baseline:.1f} s"
    )
    print(f"  ratio baseline/storage: {baseline / storage:.2f}")


def run() -> None:
    from django.conf import settings

    settings.TENANT_LIMIT_SET_CALLS = True  # as in production (the test settings turn it off)
    tenant = _setup_tenant()
    _rating(tenant)
    _storage(tenant)
    connection.set_schema_to_public()
