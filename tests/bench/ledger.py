"""Ledger benchmarks.

1. Throughput: N processes call the move service (each its own connection and transaction per
   move) for a fixed time, beside pgbench's TPC-B with the same client count and time on the same
   server, in the same run. Reported as a ratio (goal: >= 0.5).
2. On-hand reads at 10 thousand and at 1 million moves (goal: flat, under 50 ms). The ledger is
   filled with generated receipts in SQL (the service would take many minutes for a million),
   then the balance cache is rebuilt from it, exactly as the service would have left it."""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import time
from typing import Any
from urllib.parse import urlsplit

from django.db import connection as _connection

connection: Any = _connection

WORKERS = 8
SECONDS = 10
PRODUCTS = 200
LOCATIONS = 400
SCHEMA = "ledger_bench"


def _setup_tenant() -> Any:
    from tenants import services
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug="ledger-bench").first()
    if tenant is None:
        tenant = services.register_tenant(
            name="Ledger bench",
            slug="ledger-bench",
            admin_email="b@bench.test",
            password="bench-pass-123",
        )
        tenant = services.provision_tenant(tenant.pk)
    return tenant


def _seed(tenant: Any) -> None:
    from inventory.models import Client, Location, Product
    from inventory.services import ledger
    from inventory.services.master import create_warehouse
    from wms.accounts.models import User

    connection.set_tenant(tenant)
    warehouse = create_warehouse(code="BENCH", name="Bench DC")
    client = Client.objects.create(code="bench", name="Bench client")
    Location.objects.bulk_create(
        Location(
            warehouse=warehouse,
            code=f"L{n:04d}",
            barcode=f"L{n:04d}",
            kind="storage",
            pick_sequence=n,
        )
        for n in range(LOCATIONS)
    )
    Product.objects.bulk_create(
        Product(client=client, sku=f"B{n:05d}", name=f"Bench {n}") for n in range(PRODUCTS)
    )
    user = User.objects.create_user("bench@bench.test", role="manager")
    locations = list(Location.objects.filter(warehouse=warehouse, is_virtual=False).order_by("pk"))
    for n, product in enumerate(Product.objects.order_by("pk")):
        for location in (locations[(2 * n) % LOCATIONS], locations[(2 * n + 1) % LOCATIONS]):
            ledger.receive(user=user, product=product, quantity=1_000_000, location=location)


def _mover(seed: int, ready: Any, go: Any, deadline: Any, results: Any) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection as conn

    from inventory.models import Balance, Location, Product
    from inventory.services import ledger
    from tenants.models import Tenant
    from wms.accounts.models import User

    settings.TENANT_LIMIT_SET_CALLS = True  # as in production (the test settings turn it off)
    c: Any = conn
    c.set_tenant(Tenant.objects.get(slug="ledger-bench"))
    rng = random.Random(seed)
    user = User.objects.get(email="bench@bench.test")
    pairs: dict[int, list[int]] = {}
    for product_id, location_id in Balance.objects.values_list("product_id", "location_id"):
        pairs.setdefault(product_id, []).append(location_id)
    products = {p.pk: p for p in Product.objects.filter(pk__in=pairs)}
    locations = {loc.pk: loc for loc in Location.objects.all()}
    keys = list(pairs)
    ready.put(seed)
    go.wait()
    done = 0
    while time.time() < deadline.value:
        product_id = rng.choice(keys)
        source, dest = rng.sample(pairs[product_id], 2)
        ledger.move(
            user=user,
            product=products[product_id],
            quantity=1,
            from_location=locations[source],
            to_location=locations[dest],
        )
        done += 1
    results.put(done)


def _moves_per_second() -> float:
    """Starts the workers, waits until every one has set up Django and loaded its data, then
    opens one timed window for all of them."""
    connection.close()
    ctx = multiprocessing.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    deadline = ctx.Value("d", 0.0)
    processes = [
        ctx.Process(target=_mover, args=(n, ready, go, deadline, results)) for n in range(WORKERS)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=120)
    deadline.value = time.time() + SECONDS
    go.set()
    total = sum(results.get(timeout=SECONDS + 60) for _ in processes)
    for process in processes:
        process.join()
    return total / SECONDS


def _pgbench_tps(clients: int = WORKERS, seconds: int = SECONDS) -> float | None:
    """pgbench TPC-B with `clients` clients for `seconds` on the bench database (the baseline
    other benchmarks in this run compare against too)."""
    if shutil.which("pgbench") is None:
        print("  pgbench not found (Debian package postgresql-client): no baseline")
        return None
    url = urlsplit(os.environ["DATABASE_URL"])
    host = url.hostname or ""
    if not host and "host=" in (url.query or ""):
        host = url.query.split("host=", 1)[1].split("&", 1)[0]
    args = [
        "-h",
        host or "127.0.0.1",
        "-p",
        str(url.port or 5432),
        "-U",
        url.username or "postgres",
    ]
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    dbname = url.path.lstrip("/")
    subprocess.run(
        ["pgbench", "-i", "-q", "-s", str(clients), *args, dbname],
        check=True,
        env=env,
        capture_output=True,
    )
    result = subprocess.run(
        ["pgbench", "-c", str(clients), "-j", "2", "-T", str(seconds), "-n", *args, dbname],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout)
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS public.pgbench_accounts, public.pgbench_branches, "
            "public.pgbench_tellers, public.pgbench_history"
        )
    return float(match.group(1)) if match else None


def _generate_moves(total: int) -> None:
    """Appends generated receipts until the ledger holds `total` moves, then rebuilds the balance
    cache from the ledger (the same sums check_ledger verifies)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM inventory_stockmove")
        have = cursor.fetchone()[0]
        need = total - have
        if need > 0:
            cursor.execute(
                """
                INSERT INTO inventory_stockmove (product_id, lot_id, quantity, from_location_id,
                    to_location_id, from_lpn_id, to_lpn_id, from_status, to_status, reason, reason_code,
                    reference_type, reference_id, note, warehouse_id, client_id, user_id, created_at)
                SELECT p.id, NULL, 1 + (g %% 7), s.id, l.id, NULL, NULL, 'available', 'available',
                       'receipt', '', 'bench', g::text, '', l.warehouse_id, p.client_id, NULL,
                       now() - make_interval(secs => %s - g)
                  FROM generate_series(1, %s) g
                  JOIN LATERAL (SELECT id, client_id FROM inventory_product
                                 ORDER BY id OFFSET (g %% %s) LIMIT 1) p ON true
                  JOIN LATERAL (SELECT id, warehouse_id FROM inventory_location WHERE NOT is_virtual
                                 ORDER BY id OFFSET ((g * 7) %% %s) LIMIT 1) l ON true
                  JOIN inventory_location s ON s.code = '~SUPPLIER' AND s.warehouse_id = l.warehouse_id
                """,
                [need, need, PRODUCTS, LOCATIONS],
            )
        cursor.execute("DELETE FROM inventory_reservation")
        cursor.execute("TRUNCATE inventory_balance RESTART IDENTITY CASCADE")
        cursor.execute(
            """
            INSERT INTO inventory_balance (location_id, product_id, lot_id, lpn_id, status,
                warehouse_id, client_id, on_hand, allocated, first_received_at, updated_at)
            SELECT m.location_id, m.product_id, NULL, NULL, 'available', l.warehouse_id,
                   p.client_id, SUM(m.q), 0, min(m.at), now()
              FROM (SELECT to_location_id AS location_id, product_id, quantity AS q, created_at AS at
                      FROM inventory_stockmove
                    UNION ALL
                    SELECT from_location_id, product_id, -quantity, created_at FROM inventory_stockmove) m
              JOIN inventory_location l ON l.id = m.location_id AND NOT l.is_virtual
              JOIN inventory_product p ON p.id = m.product_id
             GROUP BY 1, 2, 6, 7
            """
        )
        cursor.execute("ANALYZE inventory_stockmove")
        cursor.execute("ANALYZE inventory_balance")


def _time_reads(rounds: int = 25) -> dict[str, float]:
    from inventory import selectors
    from inventory.models import Client, Product, Warehouse
    from wms.accounts.models import User

    user = User.objects.get(email="bench@bench.test")
    warehouse = Warehouse.objects.get(code="BENCH")
    client = Client.objects.get(code="bench")
    product = Product.objects.order_by("pk")[PRODUCTS // 2]
    timings: dict[str, list[float]] = {
        "on-hand page": [],
        "product summary": [],
        "product history page": [],
    }
    for _ in range(rounds):
        started = time.perf_counter()
        rows = selectors.balances(
            user, selectors.BalanceFilters(warehouse_id=warehouse.pk, client_id=client.pk)
        )
        list(rows[:50])
        rows.count()
        selectors.totals(rows)
        timings["on-hand page"].append(time.perf_counter() - started)
        started = time.perf_counter()
        selectors.stock_summary(product)
        timings["product summary"].append(time.perf_counter() - started)
        started = time.perf_counter()
        selectors.with_running_on_hand(list(selectors.move_history(product)[:50]), product)
        timings["product history page"].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1000 for name, values in timings.items()}


def run() -> None:
    tenant = _setup_tenant()
    connection.set_tenant(tenant)
    _seed(tenant)
    connection.set_schema_to_public()
    print(
        f"\nLedger throughput ({WORKERS} processes, {SECONDS} s each, 1-unit moves over {PRODUCTS} products)"
    )
    moves = _moves_per_second()
    tps = _pgbench_tps()
    print(f"  move service: {moves:.0f} moves/s")
    if tps:
        print(f"  pgbench TPC-B, {WORKERS} clients, same server: {tps:.0f} tps")
        print(f"  ratio moves/TPC-B: {moves / tps:.2f} (goal >= 0.5)")
    connection.set_tenant(tenant)
    from inventory.reconcile import find_drift

    drift = find_drift()
    print(f"  check_ledger after the run: {len(drift)} drifted balances")
    print("\nOn-hand reads (median of 25, ms)")
    results = {}
    for size in (10_000, 1_000_000):
        started = time.perf_counter()
        _generate_moves(size)
        print(f"  ledger filled to {size:,} moves in {time.perf_counter() - started:.1f} s")
        results[size] = _time_reads()
    for name in results[10_000]:
        small, large = results[10_000][name], results[1_000_000][name]
        verdict = "met" if large < 50 else "MISSED"
        print(f"  {name:22s} 10k: {small:6.1f}   1M: {large:6.1f}   (goal < 50 ms: {verdict})")
    connection.set_schema_to_public()
