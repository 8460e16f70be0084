"""Two counters asking for work at once get different bins (SKIP LOCKED); counts racing picks
on the same bins leave the ledger's cache matching the ledger."""

from __future__ import annotations

from typing import Any

from control.models import CountPlan, CountTask, PlanKind
from control.services.counts import (
    add_count_line,
    decide_count,
    finish_count,
    next_count_task,
    start_count,
)
from inventory.models import Client, Location, Product, Warehouse
from inventory.reconcile import find_drift
from inventory.services import ledger
from inventory.services.master import create_warehouse
from tests.helpers import failures, run_concurrently
from wms.accounts.models import User
from wms.exceptions import DomainError


def _setup() -> dict[str, Any]:
    warehouse = create_warehouse(code="LAB", name="Lab")
    client = Client.objects.create(code="lab", name="Lab client")
    product = Product.objects.create(client=client, sku="HOT", name="Hot item")
    bins = [
        Location.objects.create(warehouse=warehouse, code=f"B{n}", barcode=f"B{n}")
        for n in range(4)
    ]
    stage = Location.objects.create(
        warehouse=warehouse, code="STAGE", barcode="STAGE", kind="staging"
    )
    manager = User.objects.create_user("boss@ledgerlab.test", role="manager")
    counters = [User.objects.create_user(f"c{n}@ledgerlab.test", role="manager") for n in range(4)]
    for location in bins:
        ledger.receive(user=manager, product=product, quantity=50, location=location)
    plan = CountPlan.objects.create(warehouse=warehouse, name="all", kind=PlanKind.ZERO_STOCK)
    CountTask.objects.bulk_create(
        [CountTask(warehouse=warehouse, location=b, plan=plan, source=PlanKind.ZONE) for b in bins]
    )
    return {
        "warehouse": warehouse.pk,
        "product": product.pk,
        "stage": stage.pk,
        "manager": manager.pk,
        "counters": [c.pk for c in counters],
        "bins": [b.pk for b in bins],
    }


def test_two_counters_never_get_the_same_bin(committed_tenant: Any) -> None:
    ids = _setup()

    def ask(user_pk: int) -> int | None:
        task = next_count_task(
            user=User.objects.get(pk=user_pk), warehouse=Warehouse.objects.get(pk=ids["warehouse"])
        )
        return task.pk if task else None

    results = run_concurrently(committed_tenant, [lambda pk=pk: ask(pk) for pk in ids["counters"]])
    assert failures(results) == []
    assert len(set(results)) == 4 and None not in results


def test_counts_racing_picks_leave_the_ledger_clean(committed_tenant: Any) -> None:
    ids = _setup()

    def count(user_pk: int) -> str:
        user = User.objects.get(pk=user_pk)
        task = next_count_task(user=user, warehouse=Warehouse.objects.get(pk=ids["warehouse"]))
        assert task is not None
        start_count(task=task, user=user, location_code=task.location.code)
        add_count_line(task=task, user=user, item_code="HOT", quantity=47)
        return finish_count(task=task, user=user).status

    def pick(bin_pk: int) -> int:
        user = User.objects.get(pk=ids["manager"])
        product = Product.objects.get(pk=ids["product"])
        done = 0
        for _ in range(5):
            try:
                ledger.move(
                    user=user,
                    product=product,
                    quantity=1,
                    from_location=Location.objects.get(pk=bin_pk),
                    to_location=Location.objects.get(pk=ids["stage"]),
                )
                done += 1
            except DomainError:
                pass
        return done

    jobs = [lambda pk=pk: count(pk) for pk in ids["counters"]]
    jobs += [lambda pk=pk: pick(pk) for pk in ids["bins"]]
    results = run_concurrently(committed_tenant, jobs)
    assert failures(results) == []
    boss = User.objects.get(pk=ids["manager"])
    for task in CountTask.objects.filter(status="review"):
        decide_count(task=task, user=boss, approve=True)
    assert find_drift() == []
