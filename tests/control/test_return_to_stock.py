"""An order cancelled after picking: each picked unit gets a return-to-stock task (from where
its pick put it back to the bin it came from) in the work queue; the operator scans and the
units move back through the ledger; a wrong scan writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from control.exceptions import ReturnRefused
from control.models import ReturnTask, WorkKind
from control.queue import next_work
from control.services.returns import complete_return
from inventory.models import Balance, LocationKind, Reason, StockMove
from inventory.reconcile import find_drift
from inventory.services import ledger
from picking.services.orders import OrderLineSpec, cancel_order, create_order
from picking.services.picks import confirm_pick, next_pick_list
from picking.services.waves import create_wave, release_wave
from tests.factories import LocationFactory
from tests.helpers import assert_nothing_written, text_by_id
from tests.picking.conftest import SHIP_TO


@pytest.fixture
def cancelled(
    manager: Any, operator: Any, wh: Any, zone: Any, staging: Any, widget: Any, acme_outdoor: Any
) -> dict[str, Any]:
    face = LocationFactory(
        warehouse=wh, zone=zone, code="P-01", kind=LocationKind.PICK_FACE, is_pickable=True
    )
    ledger.receive(user=manager, product=widget, quantity=10, location=face)
    order, _ = create_order(
        client=acme_outdoor,
        warehouse=wh,
        reference="C-1",
        ship_to=SHIP_TO,
        lines=[OrderLineSpec(widget, 3)],
        user=manager,
    )
    wave = create_wave(warehouse=wh, order_ids=[order.pk], user=manager).wave
    release_wave(wave=wave, user=manager, staging_location=staging)
    pick_list = next_pick_list(operator, [wh.pk])
    assert pick_list is not None
    [line] = pick_list.lines.all()
    confirm_pick(user=operator, pick_line_id=line.pk, location_code="P-01", item_code="WIDGET")
    cancel_order(order=order, user=manager)
    return {"face": face, "order": order}


def test_cancel_after_picking_makes_a_return_task_worked_from_the_queue(
    http_for: Any, operator: Any, wh: Any, staging: Any, cancelled: Any, widget: Any
) -> None:
    [task] = ReturnTask.objects.all()
    assert (task.quantity, task.from_location_id, task.to_location_id) == (
        3,
        staging.pk,
        cancelled["face"].pk,
    )
    item = next_work(user=operator, warehouse=wh)
    assert item is not None and (item.kind, item.pk) == (WorkKind.RETURNS, task.pk)
    with assert_nothing_written(), pytest.raises(ReturnRefused, match="The units are at STAGE-1"):
        complete_return(task=task, user=operator, from_code="P-01", to_code="P-01")
    page = http_for(operator).post(item.url, {"source": "STAGE-1", "target": "P-01"})
    assert text_by_id(page.content, "return-done") == "Returned 3 to P-01."
    face_units = Balance.objects.filter(location=cancelled["face"]).values_list(
        "on_hand", flat=True
    )
    assert sum(face_units) == 10
    assert StockMove.objects.filter(reason=Reason.RETURN).count() == 1
    assert find_drift() == []
