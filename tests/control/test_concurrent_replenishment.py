"""Eight pickers draining one pick face at once, each confirming their own list through
picking's confirm_pick, each on its own connection committing for real: the face drops below
its min in several of their transactions, and exactly one replenishment task is made."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from control.models import PickFaceRule, ReplenishmentTask
from inventory.models import Client, Location, Product
from inventory.reconcile import find_drift
from inventory.services import ledger
from inventory.services.master import create_warehouse
from picking.models import PickLineStatus
from picking.services.orders import OrderLineSpec, ShipTo, create_order
from picking.services.picks import confirm_pick, next_pick_list
from picking.services.waves import create_wave, release_wave
from tests.factories import give_scope
from tests.helpers import failures, run_concurrently
from wms.accounts.models import User

PICKERS = 8
SHIP_TO = ShipTo(name="Lab", street1="1 Lab Way", city="Boston", postal_code="02110")


def test_eight_pickers_draining_a_face_make_exactly_one_task(committed_tenant: Any) -> None:
    warehouse = create_warehouse(code="LAB", name="Lab")
    client = Client.objects.create(code="lab", name="Lab client")
    product = Product.objects.create(client=client, sku="HOT", name="Hot item")
    face = Location.objects.create(
        warehouse=warehouse, code="P1", barcode="P1", kind="pick_face", is_pickable=True
    )
    reserve = Location.objects.create(warehouse=warehouse, code="R1", barcode="R1")
    Location.objects.create(warehouse=warehouse, code="STAGE", barcode="STAGE", kind="staging")
    manager = User.objects.create_user("lab@ledgerlab.test", role="manager")
    ledger.receive(user=manager, product=product, quantity=16, location=face)
    ledger.receive(user=manager, product=product, quantity=100, location=reserve)
    PickFaceRule.objects.create(
        warehouse=warehouse, location=face, product=product, min_qty=12, max_qty=16, multiple=4
    )
    orders = [
        create_order(
            client=client,
            warehouse=warehouse,
            reference=f"SO-{n}",
            ship_to=SHIP_TO,
            lines=[OrderLineSpec(product, 2)],
            user=manager,
        )[0].pk
        for n in range(PICKERS)
    ]
    wave = create_wave(warehouse=warehouse, order_ids=orders, user=manager).wave
    release_wave(wave=wave, user=manager)
    pickers = []
    for n in range(PICKERS):
        picker = User.objects.create_user(f"picker{n}@ledgerlab.test", role="operator")
        give_scope(picker, warehouses=[warehouse])
        pickers.append(picker)

    def work(user: Any) -> Callable[[], int]:
        def pick() -> int:
            pick_list = next_pick_list(user, [warehouse.pk])
            assert pick_list is not None
            done = 0
            for line in pick_list.lines.filter(status=PickLineStatus.OPEN):
                confirm_pick(user=user, pick_line_id=line.pk, location_code="P1", item_code="HOT")
                done += line.quantity
            return done

        return pick

    picked = run_concurrently(committed_tenant, [work(u) for u in pickers])
    assert failures(picked) == []
    assert sum(picked) == 16
    [task] = ReplenishmentTask.objects.all()
    assert (task.location_id, task.from_location_id, task.status) == (face.pk, reserve.pk, "open")
    assert find_drift() == []
