"""Eight operators try to claim the same putaway task at once, each on its own connection and
committing for real: exactly one gets it, the others are told who has it, and no database error
escapes."""

from __future__ import annotations

from collections import Counter
from typing import Any

from inventory.models import Client, Location, LocationKind, Lpn, Product
from inventory.services import ledger
from inventory.services.master import create_warehouse
from receiving.exceptions import TaskTaken
from receiving.models import PutawayStatus, PutawayTask
from receiving.services import putaway_tasks
from tests.factories import give_scope
from tests.helpers import failures, run_concurrently
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
        give_scope(user, warehouses=[warehouse])
        operators.append(user.pk)
    pallet = Lpn.objects.create(code="PAL-HOT", warehouse=warehouse)
    ledger.receive(user=manager, product=product, quantity=5, location=dock, lpn=pallet)
    task = putaway_tasks.create_task_for_lpn(user=manager, lpn=pallet)
    return {"task": task.pk, "operators": operators}


def _claim(user_pk: int, task_pk: int) -> str:
    try:
        putaway_tasks.start_task(
            user=User.objects.get(pk=user_pk), task=PutawayTask.objects.get(pk=task_pk)
        )
    except TaskTaken:
        return "taken"
    return "claimed"


def test_concurrent_claims_give_the_task_to_exactly_one_operator(committed_tenant: Any) -> None:
    ids = _setup()
    results = run_concurrently(
        committed_tenant,
        [lambda user_pk=user_pk: _claim(user_pk, ids["task"]) for user_pk in ids["operators"]],
    )

    assert failures(results) == []
    assert Counter(results) == Counter({"claimed": 1, "taken": THREADS - 1})
    task = PutawayTask.objects.get(pk=ids["task"])
    assert task.status == PutawayStatus.IN_PROGRESS
    assert task.assigned_to_id in ids["operators"]
