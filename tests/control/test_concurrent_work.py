"""Operators asking for work at once never get the same task (every source claims under
SKIP LOCKED)."""

from __future__ import annotations

from typing import Any

from control.models import CountTask, PlanKind, ReplenishmentTask
from control.queue import next_work
from inventory.models import Client, Location, Product, Warehouse
from inventory.services.master import create_warehouse
from tests.factories import give_scope
from tests.helpers import failures, run_concurrently
from wms.accounts.models import User

OPERATORS = 6


def test_operators_asking_at_once_get_different_tasks(committed_tenant: Any) -> None:
    warehouse = create_warehouse(code="LAB", name="Lab")
    client = Client.objects.create(code="lab", name="Lab client")
    product = Product.objects.create(client=client, sku="HOT", name="Hot")
    bins = [
        Location.objects.create(warehouse=warehouse, code=f"B{n}", barcode=f"B{n}")
        for n in range(4)
    ]
    faces = [
        Location.objects.create(
            warehouse=warehouse, code=f"P{n}", barcode=f"P{n}", kind="pick_face", is_pickable=True
        )
        for n in range(3)
    ]
    CountTask.objects.bulk_create(
        [CountTask(warehouse=warehouse, location=b, source=PlanKind.ZONE) for b in bins]
    )
    ReplenishmentTask.objects.bulk_create(
        [
            ReplenishmentTask(
                warehouse=warehouse,
                location=f,
                product=product,
                from_location=bins[0],
                quantity=5,
                trigger="sweep",
            )
            for f in faces
        ]
    )
    users = []
    for n in range(OPERATORS):
        user = User.objects.create_user(f"op{n}@ledgerlab.test", role="operator")
        give_scope(user, warehouses=[warehouse])
        users.append(user)

    def ask(user_pk: int) -> tuple[str, int]:
        item = next_work(
            user=User.objects.get(pk=user_pk), warehouse=Warehouse.objects.get(pk=warehouse.pk)
        )
        assert item is not None
        return (item.kind, item.pk)

    got = run_concurrently(committed_tenant, [lambda pk=u.pk: ask(pk) for u in users])
    assert failures(got) == []
    assert len(set(got)) == OPERATORS
    assert sorted(kind for kind, _ in got) == ["counting"] * 3 + ["replenishment"] * 3
