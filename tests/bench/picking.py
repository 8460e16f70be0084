"""Picking benchmark.

1. Allocate and release one wave of 10,000 order lines (5,000 orders of two lines) over 5,000
   products stocked in 20,000 locations: time and query count of `create_wave` (allocation) and
   `release_wave` (pick lists), each and together. Goal: under 5 s. Odoo's published figure for
   10,000 moves before its optimisation was 79.8 s. Allocation is set-based, so the query count
   must not grow with the line count.
2. Pick confirmations per second: worker threads, one connection each, take lists through
   `next_pick_list` and confirm every line through `confirm_pick` (with an idempotency key, as a
   scanner sends) for a fixed time, beside pgbench's TPC-B with as many clients for as long on
   the same server, in the same run.

The stock is seeded as receipts (moves from the supplier) plus the balances those moves add up
to, written in bulk; `check_ledger` at the end proves the ledger and the cache still agree."""

from __future__ import annotations

import datetime as dt
import io
import random
import threading
import time
import uuid
from typing import Any

from django.core.management import call_command
from django.db import connection as _connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.bench.ledger import _pgbench_tps

connection: Any = _connection

SLUG = "pick-bench"
PRODUCTS = 5_000
LOCATIONS = 20_000  # 5,000 pick faces (one per product) and 15,000 pickable bulk bins
ZONES = 10
ORDERS = 5_000
LINES_PER_ORDER = 2
FEFO_EVERY = 5  # every fifth product is lot- and expiry-tracked
WORKERS = 4
SECONDS = 10
GOAL_SECONDS = 5.0
ODOO_SECONDS = 79.8
SEED = 20250601


def _setup_tenant() -> Any:
    from tenants import services
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None:
        tenant = services.register_tenant(
            name="Pick bench", slug=SLUG, admin_email="p@bench.test", password="bench-pass-123"
        )
        tenant = services.provision_tenant(tenant.pk)
    return tenant


def _seed() -> dict[str, Any]:
    """Locations, products, lots, stock (moves and their balances), orders and users, in bulk."""
    from inventory.models import (
        Balance,
        Client,
        Location,
        LocationKind,
        Lot,
        Product,
        StockMove,
        Tracking,
        Zone,
    )
    from inventory.services.master import create_warehouse
    from inventory.services.posting import virtual_location
    from picking.models import Order, OrderLine
    from wms.accounts.models import User

    rng = random.Random(SEED)
    warehouse = create_warehouse(code="PICK", name="Pick bench DC")
    client = Client.objects.create(code="pick", name="Pick bench client", min_shelf_life_days=30)
    zones = Zone.objects.bulk_create(
        Zone(warehouse=warehouse, code=f"Z{n:02d}") for n in range(ZONES)
    )
    per_zone = LOCATIONS // ZONES
    locations = Location.objects.bulk_create(
        Location(
            warehouse=warehouse,
            zone=zones[n // per_zone],
            code=f"L{n:05d}",
            barcode=f"L{n:05d}",
            kind=LocationKind.PICK_FACE if n % 4 == 0 else LocationKind.STORAGE,
            is_pickable=True,
            pick_sequence=n,
        )
        for n in range(LOCATIONS)
    )
    staging = Location.objects.create(
        warehouse=warehouse, code="STAGE", barcode="STAGE", kind=LocationKind.STAGING
    )
    products = Product.objects.bulk_create(
        Product(
            client=client,
            sku=f"P{n:05d}",
            name=f"Bench product {n}",
            tracking=Tracking.LOT_EXPIRY if n % FEFO_EVERY == 0 else Tracking.NONE,
        )
        for n in range(PRODUCTS)
    )
    today = timezone.localdate()
    lots = {
        (p.pk, k): lot
        for lot, (p, k) in zip(
            Lot.objects.bulk_create(
                Lot(product=p, number=f"{p.sku}-{k}", expiry_date=today + dt.timedelta(90 * k))
                for p in products
                if p.tracking == Tracking.LOT_EXPIRY
                for k in (1, 2)
            ),
            [(p, k) for p in products if p.tracking == Tracking.LOT_EXPIRY for k in (1, 2)],
            strict=True,
        )
    }
    supplier = virtual_location(warehouse.pk, LocationKind.SUPPLIER)
    manager = User.objects.create_user("manager@pick.bench", role="manager")
    now = timezone.now()
    moves: list[StockMove] = []
    balances: list[Balance] = []
    # Product n: its pick face is location 4n, three bulk bins 4n+1..4n+3 (one product each).
    for n, product in enumerate(products):
        for k in range(4):
            location = locations[4 * n + k]
            quantity = 12 if k == 0 else 40
            lot = lots[(product.pk, 1 + k % 2)] if product.tracking == Tracking.LOT_EXPIRY else None
            received = now - dt.timedelta(days=rng.randint(1, 60))
            moves.append(
                StockMove(
                    product=product,
                    lot=lot,
                    quantity=quantity,
                    from_location=supplier,
                    to_location=location,
                    from_status="available",
                    to_status="available",
                    reason="receipt",
                    reference_type="bench",
                    reference_id=f"{n}-{k}",
                    warehouse=warehouse,
                    client=client,
                    user=manager,
                    created_at=received,
                )
            )
            balances.append(
                Balance(
                    location=location,
                    product=product,
                    lot=lot,
                    status="available",
                    warehouse=warehouse,
                    client=client,
                    on_hand=quantity,
                    first_received_at=received,
                    updated_at=now,
                )
            )
    StockMove.objects.bulk_create(moves, batch_size=5000)
    Balance.objects.bulk_create(balances, batch_size=5000)
    orders = Order.objects.bulk_create(
        Order(
            client=client,
            warehouse=warehouse,
            reference=f"SO-{n:05d}",
            ship_to_name="Bench customer",
            ship_to_street1="1 Bench Road",
            ship_to_city="Boston",
            ship_to_postal_code="02110",
            priority=rng.randint(1, 9),
            line_count=LINES_PER_ORDER,
            content_digest="bench",
        )
        for n in range(ORDERS)
    )
    lines = [
        OrderLine(
            order=order,
            line_number=k + 1,
            # The two lines of order n take products n and n + 2,500: every product is on two
            # orders, so allocation meets each product's stock twice.
            product=products[(n + k * PRODUCTS // 2) % PRODUCTS],
            quantity=rng.randint(1, 8),
        )
        for n, order in enumerate(orders)
        for k in range(LINES_PER_ORDER)
    ]
    OrderLine.objects.bulk_create(lines, batch_size=5000)
    for n, order in enumerate(orders):
        order.total_units = sum(
            line.quantity for line in lines[n * LINES_PER_ORDER : (n + 1) * LINES_PER_ORDER]
        )
    Order.objects.bulk_update(orders, ["total_units"], batch_size=5000)
    operators = []
    for n in range(WORKERS):
        operator = User.objects.create_user(f"picker{n}@pick.bench", role="operator")
        operator.warehouses.set([warehouse])
        operators.append(operator.pk)
    with connection.cursor() as cursor:
        for table in ("inventory_balance", "inventory_stockmove", "inventory_location"):
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("ANALYZE picking_order")
        cursor.execute("ANALYZE picking_orderline")
    return {
        "warehouse": warehouse,
        "staging": staging,
        "manager": manager,
        "order_ids": [o.pk for o in orders],
        "operators": operators,
        "lines": len(lines),
    }


def _allocate_and_release(data: dict[str, Any]) -> tuple[Any, Any]:
    from picking.services.waves import create_wave, release_wave

    with CaptureQueriesContext(connection) as allocate_queries:
        started = time.perf_counter()
        created = create_wave(
            warehouse=data["warehouse"], order_ids=data["order_ids"], user=data["manager"]
        )
        allocate_seconds = time.perf_counter() - started
    with CaptureQueriesContext(connection) as release_queries:
        started = time.perf_counter()
        released = release_wave(created.wave, data["manager"], staging_location=data["staging"])
        release_seconds = time.perf_counter() - started
    total = allocate_seconds + release_seconds
    print(
        f"\nWave allocation and release ({data['lines']:,} order lines, {ORDERS:,} orders, "
        f"{PRODUCTS:,} products, {LOCATIONS:,} locations)"
    )
    print(
        f"  create_wave (allocation): {allocate_seconds:6.2f} s, "
        f"{len(allocate_queries.captured_queries)} queries; {created.allocation.summary}"
    )
    print(
        f"  release_wave (discrete):  {release_seconds:6.2f} s, "
        f"{len(release_queries.captured_queries)} queries; {len(released.pick_lists):,} pick "
        f"lists, {released.released_orders:,} orders released, {len(released.held_back)} held back"
    )
    verdict = "met" if total < GOAL_SECONDS else "MISSED"
    print(
        f"  together: {total:.2f} s (goal < {GOAL_SECONDS:.0f} s: {verdict}; Odoo's published "
        f"pre-optimisation figure for 10,000 moves: {ODOO_SECONDS} s)"
    )
    return created, released


def _picker(
    tenant: Any,
    user_id: int,
    warehouse_id: int,
    ready: threading.Barrier,
    deadline: list[float],
    counts: list[int],
    errors: list[str],
) -> None:
    from picking.models import PickLineStatus
    from picking.services.picks import confirm_pick, next_pick_list
    from wms.accounts.models import User

    connection.set_tenant(tenant)
    done = 0
    try:
        user = User.objects.get(pk=user_id)
        ready.wait()
        while time.time() < deadline[0]:
            pick_list = next_pick_list(user, [warehouse_id])
            if pick_list is None:
                break
            lines = pick_list.lines.filter(status=PickLineStatus.OPEN).select_related(
                "location", "product", "lot"
            )
            for line in lines:
                if time.time() >= deadline[0]:
                    break
                confirm_pick(
                    user=user,
                    pick_line_id=line.pk,
                    location_code=line.location.barcode,
                    item_code=line.product.sku,
                    lot_number=line.lot.number if line.lot else "",
                    idempotency_key=uuid.uuid4().hex,
                )
                done += 1
    except Exception as exc:  # a failure of the services under load: report it, do not hide it
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        counts.append(done)
        connection.close()


def _picks_per_second(tenant: Any, data: dict[str, Any]) -> float:
    ready = threading.Barrier(WORKERS + 1)
    deadline = [0.0]
    counts: list[int] = []
    errors: list[str] = []
    threads = [
        threading.Thread(
            target=_picker,
            args=(tenant, user_id, data["warehouse"].pk, ready, deadline, counts, errors),
        )
        for user_id in data["operators"]
    ]
    for thread in threads:
        thread.start()
    deadline[0] = time.time() + SECONDS
    ready.wait()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    if errors:
        print(f"  ERRORS in pick workers: {errors[:3]}")
    return sum(counts) / SECONDS


def run() -> None:
    from django.conf import settings

    settings.TENANT_LIMIT_SET_CALLS = True  # as in production (the test settings turn it off)
    tenant = _setup_tenant()
    connection.set_tenant(tenant)
    started = time.perf_counter()
    data = _seed()
    print(f"\nPicking: data set seeded in {time.perf_counter() - started:.1f} s")
    _allocate_and_release(data)
    connection.set_schema_to_public()
    connection.close()
    print(
        f"\nPick confirmations ({WORKERS} threads, one connection each, {SECONDS} s, "
        "next_pick_list + confirm_pick)"
    )
    picks = _picks_per_second(tenant, data)
    tps = _pgbench_tps(clients=WORKERS, seconds=SECONDS)
    print(f"  confirm_pick: {picks:.0f} picks/s")
    if tps:
        print(f"  pgbench TPC-B, {WORKERS} clients, same server: {tps:.0f} tps")
        print(f"  ratio picks/TPC-B: {picks / tps:.3f}")
    connection.set_schema_to_public()
    out = io.StringIO()
    try:
        call_command("check_ledger", tenant=SLUG, stdout=out)
        drifted = 0
    except Exception:  # CommandError: the command found drift and printed it
        drifted = out.getvalue().count("\n  ")
    connection.set_tenant(tenant)
    from inventory.reconcile import find_drift

    drift = find_drift()
    print(
        f"  check_ledger after the run: {len(drift)} drifted balances "
        f"({'clean' if not drifted else 'DRIFT'}: {out.getvalue().strip().splitlines()[0]})"
    )
    connection.set_schema_to_public()
