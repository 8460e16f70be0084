"""Work-queue benchmark: "Get work" (control.queue.next_work) with 5,000 open tasks of all kinds
(1,250 each of replenishment, pick lists, putaway and counts) and 50 operators asking at once,
each on its own connection, released together by a barrier. Four rounds, one per kind first in
the warehouse's order (a manager's rule), each with 50 fresh operators (none holds work yet).

Baseline, in the same run on the same rows: 50 threads each running the plain claim the queue
is built on, `SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1` on open count tasks plus the UPDATE
that assigns it, in one transaction. Reported: wall time for all 50 to have their task, the
median and worst per-ask latency, that no two got the same task, and the ratio to the
baseline. Threads share the GIL, as do the baseline's: the ratio compares like with like."""

from __future__ import annotations

import statistics
import threading
import time
from typing import Any

from django.db import connection as _connection
from django.urls import reverse
from django.utils import timezone

connection: Any = _connection

SLUG = "work-bench"
PER_KIND = 1_250
OPERATORS = 50


def _setup_tenant() -> Any:
    from tenants import services
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None:
        tenant = services.register_tenant(
            name="Work bench", slug=SLUG, admin_email="w@bench.test", password="bench-pass-123"
        )
        tenant = services.provision_tenant(tenant.pk)
    return tenant


def _seed() -> dict[str, Any]:
    from control.models import CountTask, PlanKind, ReplenishmentTask
    from inventory.models import Client, Location, LocationKind, Product
    from inventory.services.master import create_warehouse
    from picking.models import PickList, PickListStatus, Wave, WaveStatus
    from receiving.models import PutawayTask

    warehouse = create_warehouse(code="WORK", name="Work bench DC")
    client = Client.objects.create(code="work", name="Work bench client")
    products = Product.objects.bulk_create(
        Product(client=client, sku=f"W{n:05d}", name=f"Work product {n}") for n in range(PER_KIND)
    )
    faces = Location.objects.bulk_create(
        Location(
            warehouse=warehouse,
            code=f"F{n:05d}",
            barcode=f"F{n:05d}",
            kind=LocationKind.PICK_FACE,
            is_pickable=True,
            pick_sequence=n,
        )
        for n in range(PER_KIND)
    )
    bins = Location.objects.bulk_create(
        Location(warehouse=warehouse, code=f"B{n:05d}", barcode=f"B{n:05d}", pick_sequence=n)
        for n in range(PER_KIND)
    )
    dock = Location.objects.create(
        warehouse=warehouse, code="DOCK", barcode="DOCK", kind=LocationKind.DOCK
    )
    staging = Location.objects.create(
        warehouse=warehouse, code="STAGE", barcode="STAGE", kind=LocationKind.STAGING
    )
    now = timezone.now()
    ReplenishmentTask.objects.bulk_create(
        ReplenishmentTask(
            warehouse=warehouse,
            location=face,
            product=product,
            from_location=bins[n],
            quantity=10,
            trigger="sweep",
            created_at=now,
            updated_at=now,
        )
        for n, (face, product) in enumerate(zip(faces, products, strict=True))
    )
    CountTask.objects.bulk_create(
        CountTask(warehouse=warehouse, location=b, source=PlanKind.ZONE, created_at=now)
        for b in bins
    )
    PutawayTask.objects.bulk_create(
        PutawayTask(
            warehouse=warehouse, product=product, quantity=5, from_location=dock, created_at=now
        )
        for product in products
    )
    wave = Wave.objects.create(
        warehouse=warehouse, number="WB-1", status=WaveStatus.RELEASED, staging_location=staging
    )
    PickList.objects.bulk_create(
        PickList(
            wave=wave,
            warehouse=warehouse,
            number=f"PL-{n:05d}",
            method="discrete",
            status=PickListStatus.RELEASED,
            staging_location=staging,
            created_at=now,
        )
        for n in range(PER_KIND)
    )
    with connection.cursor() as cursor:
        for table in (
            "control_replenishmenttask",
            "control_counttask",
            "receiving_putawaytask",
            "picking_picklist",
            "inventory_location",
        ):
            cursor.execute(f"ANALYZE {table}")
    return {"warehouse": warehouse}


def _operators(warehouse: Any, round_name: str) -> list[int]:
    from tests.factories import give_scope
    from wms.accounts.models import User

    users = []
    for n in range(OPERATORS):
        user = User.objects.create_user(f"{round_name}-{n}@bench.test", role="operator")
        give_scope(user, warehouses=[warehouse])
        users.append(user.pk)
    return users


def _at_once(tenant: Any, jobs: list[Any]) -> tuple[float, list[float], list[Any]]:
    """Runs the jobs in threads released together; returns the wall time, each job's own
    latency and its result (or the exception it raised)."""
    start = threading.Barrier(len(jobs) + 1)
    latencies = [0.0] * len(jobs)
    results: list[Any] = [None] * len(jobs)

    def run(n: int) -> None:
        connection.set_tenant(tenant)
        try:
            start.wait()
            began = time.perf_counter()
            results[n] = jobs[n]()
            latencies[n] = time.perf_counter() - began
        except Exception as exc:  # reported, never hidden
            results[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    connection.set_tenant(tenant)
    return wall, latencies, results


def _report(label: str, wall: float, latencies: list[float], results: list[Any]) -> float:
    errors = [r for r in results if isinstance(r, Exception)]
    claimed = [r for r in results if r is not None and not isinstance(r, Exception)]
    distinct = len(set(claimed)) == len(claimed)
    print(
        f"  {label:<38} all {OPERATORS} served in {wall * 1000:7.1f} ms; per ask median "
        f"{statistics.median(latencies) * 1000:6.1f} ms, worst {max(latencies) * 1000:6.1f} ms; "
        f"{len(claimed)} tasks, {'all different' if distinct else 'DUPLICATES'}"
        + (f"; ERRORS {errors[:2]}" if errors else "")
    )
    return wall


def _plain_claim() -> int | None:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM control_counttask WHERE status = 'open' AND assigned_to_id IS NULL "
            "ORDER BY priority DESC, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
        )
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute(
            "UPDATE control_counttask SET assigned_to_id = %s WHERE id = %s",
            [_bench_user_id, row[0]],
        )
        return int(row[0])


_bench_user_id = 0


def run() -> None:
    global _bench_user_id
    from control.models import WorkKind
    from control.queue import next_work, save_rules
    from inventory.models import Warehouse
    from wms.accounts.models import User

    tenant = _setup_tenant()
    connection.set_tenant(tenant)
    started = time.perf_counter()
    data = _seed()
    warehouse = data["warehouse"]
    manager = User.objects.create_user("boss@bench.test", role="manager")
    _bench_user_id = manager.pk
    print(
        f"\nWork queue: {4 * PER_KIND} open tasks ({PER_KIND} of each kind) seeded in "
        f"{time.perf_counter() - started:.1f} s; {OPERATORS} operators ask at once "
        "(threads, one connection each)"
    )
    # Build the URL resolver (every app's URLconf and the API) once, before the clock runs: the
    # first reverse() of the process would otherwise be timed in the first round.
    reverse("floor_work")
    walls: dict[str, float] = {}
    for first in (
        WorkKind.REPLENISHMENT,
        WorkKind.PICKING,
        WorkKind.PUTAWAY,
        WorkKind.COUNTING,
    ):
        others = [k for k in WorkKind.values if k != first]
        save_rules(
            warehouse=warehouse,
            ranks={first: 1, **{k: n + 2 for n, k in enumerate(others)}},
            user=manager,
        )
        users = _operators(warehouse, str(first))

        def ask(user_pk: int) -> tuple[str, int] | None:
            item = next_work(
                user=User.objects.get(pk=user_pk),
                warehouse=Warehouse.objects.get(pk=warehouse.pk),
            )
            return (item.kind, item.pk) if item else None

        wall, latencies, results = _at_once(tenant, [lambda pk=pk: ask(pk) for pk in users])
        walls[str(first)] = _report(f"Get work, {first} first", wall, latencies, results)
    wall, latencies, results = _at_once(tenant, [_plain_claim for _ in range(OPERATORS)])
    baseline = _report("plain SELECT FOR UPDATE SKIP LOCKED", wall, latencies, results)
    for kind, value in walls.items():
        print(f"  ratio Get work ({kind} first) / plain claim: {value / baseline:.1f}")
