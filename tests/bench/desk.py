"""Morning dashboard benchmark: the managers' home over 30 days of history.

Two warehouses, 200 operators, 2,000 orders a day for 30 days (most shipped; today's still
open), 10,000 ledger moves a day (receipts, picks, packs and ships across every hour), 1,000
putaway tasks a day and a shipment per order shipped (carton and LPN each), all in SQL-free
bulk inserts except the ledger (SQL, as the billing bench). Then `/dashboard/` is rendered
through the test client, signed in as a manager: all warehouses, then one, each the median of
ten renders, against the goal of 300 ms server time. Beside it, in the same run, the order
list's first page (a plain paginated list) as a baseline.

`make bench` runs it; `python -m tests.bench desk` alone. DESK_BENCH_DAYS scales it down."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from typing import Any

from django.db import connection as _connection

connection: Any = _connection

SLUG = "desk-bench"
DAYS = int(os.environ.get("DESK_BENCH_DAYS", "30"))
OPERATORS = 200
ORDERS_PER_DAY = 2_000
MOVES_PER_DAY = 10_000
PUTAWAYS_PER_DAY = 1_000
SHIPMENTS_PER_DAY = 1_000
GOAL_MS = 300
RENDERS = 10

MOVES_SQL = """
INSERT INTO inventory_stockmove (product_id, lot_id, quantity, from_location_id,
    to_location_id, from_lpn_id, to_lpn_id, from_status, to_status, reason, reason_code,
    reference_type, reference_id, note, warehouse_id, client_id, user_id, created_at)
SELECT (%(product_ids)s::bigint[])[1 + n %% %(products)s], NULL, 1 + n %% 12,
       %(from_location)s, %(to_location)s, NULL, NULL, 'available', 'available',
       (ARRAY['receipt', 'pick', 'pack', 'ship'])[1 + n %% 4], '', 'bench', n::text, '',
       %(warehouse)s, %(client)s, (%(user_ids)s::bigint[])[1 + n %% %(users)s],
       %(end)s::timestamptz - (n::float / %(per_day)s) * interval '1 day'
  FROM generate_series(0, %(moves)s - 1) n
"""


def _setup_tenant() -> Any:
    from tenants import services
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None:
        tenant = services.register_tenant(
            name="Desk bench", slug=SLUG, admin_email="d@bench.test", password="bench-pass-123"
        )
        tenant = services.provision_tenant(tenant.pk)
    return tenant


def _seed(tenant: Any, now: dt.datetime) -> Any:
    from inventory.models import Client, Location, LocationKind, Lpn, LpnKind, Product
    from inventory.services.master import create_warehouse
    from picking.models import Order, OrderStatus, Wave, WaveStatus
    from receiving.models import PutawayStatus, PutawayTask
    from shipping.models import Carton, CartonStatus, Shipment, ShipmentStatus
    from wms.accounts.models import User

    connection.set_tenant(tenant)
    manager = User.objects.create_user("manager@desk.bench", role="manager")
    User.objects.bulk_create(
        User(email=f"op{n:03d}@desk.bench", role="operator", password="!") for n in range(OPERATORS)
    )
    user_ids = list(User.objects.filter(role="operator").values_list("pk", flat=True))
    warehouses = [
        create_warehouse(code="NORTH", name="North DC", time_zone="America/New_York"),
        create_warehouse(code="SOUTH", name="South DC", time_zone="America/New_York"),
    ]
    client = Client.objects.create(code="bench", name="Bench client")
    products = Product.objects.bulk_create(
        Product(client=client, sku=f"SKU-{n:04d}", name=f"Product {n}") for n in range(500)
    )
    today = now.date()
    for warehouse in warehouses:
        dock = Location.objects.create(
            warehouse=warehouse, code="DOCK", barcode=f"{warehouse.code}-DOCK",
            kind=LocationKind.DOCK,
        )  # fmt: skip
        shelf = Location.objects.create(
            warehouse=warehouse, code="A-01", barcode=f"{warehouse.code}-A-01",
            kind=LocationKind.STORAGE,
        )  # fmt: skip
        pack = Location.objects.create(
            warehouse=warehouse, code="PACK", barcode=f"{warehouse.code}-PACK",
            kind=LocationKind.PACK_STATION,
        )  # fmt: skip
        statuses = [OrderStatus.SHIPPED] * 8 + [OrderStatus.CANCELLED]
        open_statuses = [
            OrderStatus.NEW,
            OrderStatus.ALLOCATED,
            OrderStatus.BACKORDERED,
            OrderStatus.PICKING,
            OrderStatus.PACKED,
        ]
        carriers = ["UPS Ground", "USPS Priority", "FedEx Home", ""]
        for day in range(DAYS):
            ship_by = today - dt.timedelta(days=day)
            created = now - dt.timedelta(days=day, hours=6)
            wave = Wave.objects.create(
                warehouse=warehouse,
                number=f"{warehouse.code}-{day:03d}",
                status=WaveStatus.DONE,
                released_at=created + dt.timedelta(hours=1),
            )
            orders = Order.objects.bulk_create(
                Order(
                    client=client,
                    warehouse=warehouse,
                    reference=f"{warehouse.code}-{day:03d}-{n:05d}",
                    status=(open_statuses if day == 0 else statuses)[n % (5 if day == 0 else 9)],
                    ship_by=ship_by,
                    carrier_service=carriers[n % 4],
                    wave=wave,
                    created_at=created,
                    updated_at=created,
                    ship_to_name="Ada Lovelace",
                    ship_to_street1="1 Analytical Way",
                    ship_to_city="Boston",
                    ship_to_postal_code="02110",
                )
                for n in range(ORDERS_PER_DAY // len(warehouses))
            )
            PutawayTask.objects.bulk_create(
                PutawayTask(
                    warehouse=warehouse,
                    product=products[n % len(products)],
                    quantity=1,
                    from_location=dock,
                    status=PutawayStatus.DONE if day or n % 10 else PutawayStatus.OPEN,
                    created_at=created + dt.timedelta(minutes=n % 300),
                    done_at=created + dt.timedelta(minutes=n % 300 + 5 + n % 90),
                )
                for n in range(PUTAWAYS_PER_DAY // len(warehouses))
            )
            shipped = [o for o in orders if o.status == OrderStatus.SHIPPED][
                : SHIPMENTS_PER_DAY // len(warehouses)
            ]
            lpns = Lpn.objects.bulk_create(
                Lpn(code=f"C{warehouse.code}{day:03d}{n:05d}", kind=LpnKind.CARTON,
                    warehouse=warehouse, location=pack)
                for n in range(len(shipped))
            )  # fmt: skip
            cartons = Carton.objects.bulk_create(
                Carton(order=o, warehouse=warehouse, client=client, lpn=lpn, number=1,
                       length_mm=300, width_mm=200, height_mm=100, pack_station=pack,
                       status=CartonStatus.SHIPPED)
                for o, lpn in zip(shipped, lpns, strict=True)
            )  # fmt: skip
            Shipment.objects.bulk_create(
                Shipment(carton=c, order=c.order, warehouse=warehouse, client=client,
                         status=ShipmentStatus.SHIPPED, carrier="UPS",
                         tracking_code=f"1Z{c.lpn.code}",
                         shipped_at=created + dt.timedelta(hours=3, minutes=n % 240))
                for n, c in enumerate(cartons)
            )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(
                MOVES_SQL,
                {
                    "product_ids": [p.pk for p in products],
                    "products": len(products),
                    "from_location": dock.pk,
                    "to_location": shelf.pk,
                    "warehouse": warehouse.pk,
                    "client": client.pk,
                    "user_ids": user_ids,
                    "users": len(user_ids),
                    "end": now,
                    "per_day": MOVES_PER_DAY // len(warehouses),
                    "moves": MOVES_PER_DAY // len(warehouses) * DAYS,
                },
            )
    with connection.cursor() as cursor:
        for table in (
            "picking_order",
            "inventory_stockmove",
            "receiving_putawaytask",
            "shipping_shipment",
        ):
            cursor.execute(f"ANALYZE {table}")
    return manager


def _median_ms(client: Any, path: str) -> float:
    timings = []
    for _ in range(RENDERS):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings)


def run() -> None:
    from django.test import Client as HttpClient
    from django.utils import timezone

    tenant = _setup_tenant()
    now = timezone.now()
    started = time.perf_counter()
    manager = _seed(tenant, now)
    print(
        f"\nDesk: {DAYS} days, {OPERATORS} operators, {ORDERS_PER_DAY:,} orders, "
        f"{MOVES_PER_DAY:,} ledger moves, {PUTAWAYS_PER_DAY:,} putaways and "
        f"{SHIPMENTS_PER_DAY:,} shipments a day seeded in {time.perf_counter() - started:.1f} s"
    )
    client = HttpClient(HTTP_HOST=f"{SLUG}.localhost")
    connection.set_tenant(tenant)
    client.force_login(manager)
    for label, path in (
        ("all warehouses", "/dashboard/"),
        ("one warehouse", "/dashboard/?warehouse=NORTH"),
        ("baseline: the order list's first page", "/outbound/orders/"),
    ):
        client.get(path)  # warm
        median = _median_ms(client, path)
        verdict = (
            ""
            if "baseline" in label
            else (" (goal < 300 ms: " + ("met)" if median < GOAL_MS else "NOT met)"))
        )
        print(f"  {label}: median {median:.0f} ms of {RENDERS} renders{verdict}")
