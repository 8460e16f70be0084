"""Eight operators try to claim the same putaway task at once, each on its own connection and
committing for real: exactly one gets it, the others are told who has it, and no database error
escapes."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from django.db import connection

from inventory.models import Client, Location, LocationKind, Lpn, Product
from inventory.services import ledger
from inventory.services.master import create_warehouse
from receiving.exceptions import TaskTaken
from receiving.models import PutawayStatus, PutawayTask
from receiving.services import putaway_tasks
from wms.accounts.models import User

THREADS = 8


def _setup() -> dict[str, Any]:
    warehouse = create_warehouse(code="LAB", name="Lab")
    dock = Location.objects.create(
        warehouse=warehouse, code="DOCK", barcode="DOCK", kind=LocationKind.DOCK
    )
    Location.objects.create(warehouse=warehouse, code="B-1", barcode="B-1", pick_sequence=1)
    client = Client.objects.create(code="lab", name="Lab client")
    product = Product.objects.create(client=client, sku="HOT", name="Hot item")
    manager = User.objects.create_user("lab@ledgerlab.test", role="manager")
    operators = []
    for n in range(THREADS):
        user = User.objects.create_user(f"op{n}@ledgerlab.test", role="operator")
        user.warehouses.set([warehouse])
        operators.append(user.pk)
    pallet = Lpn.objects.create(code="PAL-HOT", warehouse=warehouse)
    ledger.receive(user=manager, product=product, quantity=5, location=dock, lpn=pallet)
    task = putaway_tasks.create_task_for_lpn(user=manager, lpn=pallet)
    return {"task": task.pk, "operators": operators}


def _worker(
    tenant: Any,
    user_pk: int,
    task_pk: int,
    outcomes: Counter[str],
    errors: list[str],
    lock: threading.Lock,
    start: threading.Barrier,
) -> None:
    connection.set_tenant(tenant)
    try:
        user = User.objects.get(pk=user_pk)
        task = PutawayTask.objects.get(pk=task_pk)
        start.wait()
        try:
            putaway_tasks.start_task(user=user, task=task)
            with lock:
                outcomes["claimed"] += 1
        except TaskTaken:
            with lock:
                outcomes["taken"] += 1
    except Exception as exc:  # anything else is a failure of the putaway services
        with lock:
            errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


def test_concurrent_claims_give_the_task_to_exactly_one_operator(committed_tenant: Any) -> None:
    ids = _setup()
    outcomes: Counter[str] = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)
    threads = [
        threading.Thread(
            target=_worker,
            args=(committed_tenant, user_pk, ids["task"], outcomes, errors, lock, start),
        )
        for user_pk in ids["operators"]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    connection.set_tenant(committed_tenant)

    assert errors == []
    assert outcomes == Counter({"claimed": 1, "taken": THREADS - 1})
    task = PutawayTask.objects.get(pk=ids["task"])
    assert task.status == PutawayStatus.IN_PROGRESS
    assert task.assigned_to_id in ids["operators"]
