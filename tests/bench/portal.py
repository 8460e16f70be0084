"""The portal's inventory page for a client with 10,000 SKUs and a million ledger rows: p95 of
server time (the page's selector, its first 50 rows and its count), beside the managers' on-hand
page (inventory.selectors.balances for the same client) measured in the same run. Goal: p95
under 150 ms. The ledger is filled with generated receipts in SQL and the balance cache rebuilt
from it, as in the ledger benchmark; a tenth of the SKUs are inbound on an open ASN."""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.db import connection as _connection

connection: Any = _connection

SKUS = 10_000
LOCATIONS = 2_000
MOVES = 1_000_000
ROUNDS = 40


def _setup_tenant() -> Any:
    from tenants import services
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug="portal-bench").first()
    if tenant is None:
        tenant = services.register_tenant(
            name="Portal bench",
            slug="portal-bench",
            admin_email="p@bench.test",
            password="bench-pass-123",
        )
        tenant = services.provision_tenant(tenant.pk)
    return tenant


def _seed() -> tuple[Any, Any]:
    from inventory.models import Client, Location, Product
    from inventory.services.master import create_warehouse
    from inventory.services.users import assign_scope
    from receiving.models import Asn, AsnLine, AsnStatus
    from wms.accounts.models import User

    warehouse = create_warehouse(code="PB", name="Portal bench DC")
    client = Client.objects.create(code="portal-bench", name="Portal bench client")
    other = Client.objects.create(code="other-bench", name="Another client")
    Location.objects.bulk_create(
        Location(warehouse=warehouse, code=f"P{n:05d}", barcode=f"P{n:05d}", kind="storage")
        for n in range(LOCATIONS)
    )
    for owner, count in ((client, SKUS), (other, SKUS // 10)):
        Product.objects.bulk_create(
            (
                Product(client=owner, sku=f"{owner.code[:2].upper()}{n:05d}", name=f"Item {n}")
                for n in range(count)
            ),
            batch_size=2_000,
        )
    asn = Asn.objects.create(
        client=client, warehouse=warehouse, reference="PO-BENCH", status=AsnStatus.EXPECTED
    )
    AsnLine.objects.bulk_create(
        AsnLine(asn=asn, product=product, expected_qty=12)
        for product in Product.objects.filter(client=client).order_by("pk")[: SKUS // 10]
    )
    manager = User.objects.create_user("manager@portal-bench.test", role="manager")
    client_user = User.objects.create_user("client@portal-bench.test", role="client")
    assign_scope(user=client_user, client=client)
    return manager, client_user


def _fill_ledger() -> None:
    """A million receipts spread over every product and location (arrays, not OFFSET scans),
    then the balance cache rebuilt from them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH p AS (SELECT array_agg(id ORDER BY id) AS ids,
                              array_agg(client_id ORDER BY id) AS clients FROM inventory_product),
                 l AS (SELECT array_agg(id ORDER BY id) AS ids, min(warehouse_id) AS wh
                         FROM inventory_location WHERE NOT is_virtual),
                 s AS (SELECT id FROM inventory_location WHERE code = '~SUPPLIER')
            INSERT INTO inventory_stockmove (product_id, lot_id, quantity, from_location_id,
                to_location_id, from_lpn_id, to_lpn_id, from_status, to_status, reason,
                reason_code, reference_type, reference_id, note, warehouse_id, client_id,
                user_id, created_at)
            SELECT p.ids[1 + g %% cardinality(p.ids)], NULL, 1 + (g %% 7), s.id,
                   l.ids[1 + (g * 7) %% cardinality(l.ids)], NULL, NULL, 'available',
                   'available', 'receipt', '', 'bench', g::text, '', l.wh,
                   p.clients[1 + g %% cardinality(p.ids)], NULL,
                   now() - make_interval(secs => %s - g)
              FROM generate_series(1, %s) g, p, l, s
            """,
            [MOVES, MOVES],
        )
        cursor.execute("TRUNCATE inventory_balance RESTART IDENTITY CASCADE")
        cursor.execute(
            """
            INSERT INTO inventory_balance (location_id, product_id, lot_id, lpn_id, status,
                warehouse_id, client_id, on_hand, allocated, first_received_at, updated_at)
            SELECT m.to_location_id, m.product_id, NULL, NULL, 'available', m.warehouse_id,
                   m.client_id, SUM(m.quantity), 0, min(m.created_at), now()
              FROM inventory_stockmove m
             GROUP BY m.to_location_id, m.product_id, m.warehouse_id, m.client_id
            """
        )
        cursor.execute("ANALYZE")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] * 1000


def _time(manager: Any, client_user: Any) -> dict[str, float]:
    from inventory import selectors as inventory_selectors
    from portal import selectors

    client_id = client_user.scope.client_id
    timings: dict[str, list[float]] = {
        "portal inventory, by SKU": [],
        "portal inventory, most on hand": [],
        "managers' on-hand page": [],
    }
    for _ in range(ROUNDS):
        for name, sort in (
            ("portal inventory, by SKU", "sku"),
            ("portal inventory, most on hand", "-on_hand"),
        ):
            started = time.perf_counter()
            rows = selectors.sku_inventory(client_user, sort=sort)
            list(rows[:50])
            rows.count()
            timings[name].append(time.perf_counter() - started)
        started = time.perf_counter()
        balances = inventory_selectors.balances(
            manager, inventory_selectors.BalanceFilters(client_id=client_id)
        )
        list(balances[:50])
        balances.count()
        inventory_selectors.totals(balances)
        timings["managers' on-hand page"].append(time.perf_counter() - started)
    return {name: _p95(values) for name, values in timings.items()}


def run() -> None:
    tenant = _setup_tenant()
    connection.set_tenant(tenant)
    started = time.perf_counter()
    manager, client_user = _seed()
    _fill_ledger()
    print(
        f"\nPortal inventory ({SKUS:,} SKUs, {MOVES:,} ledger rows; filled in "
        f"{time.perf_counter() - started:.0f} s): p95 of {ROUNDS}, ms"
    )
    results = _time(manager, client_user)
    for name, p95 in results.items():
        verdict = "met" if p95 < 150 else "MISSED"
        print(f"  {name:32s} {p95:7.1f}   (goal < 150 ms: {verdict})")
    connection.set_schema_to_public()
