"""Low-stock alerts: available below the reorder point raises one alert (and one event) until
it recovers; allocated units do not count as available; the page lists open alerts."""

from __future__ import annotations

from typing import Any

from control.models import LowStockAlert, ReorderPoint
from control.services.alerts import check_low_stock
from control.tasks import check_low_stock_task
from inventory.models import Event
from inventory.services import ledger
from tests.helpers import table_records


def test_one_alert_until_recovered(
    manager: Any, http_for: Any, wh: Any, stocked: Any, bin_a: Any, staging: Any, widget: Any
) -> None:
    ReorderPoint.objects.create(warehouse=wh, product=widget, quantity=30)
    assert check_low_stock().raised == 0  # 37 available
    ledger.move(user=manager, product=widget, quantity=10, from_location=bin_a, to_location=staging)
    # staging is physical: the 10 are still available in the building
    assert check_low_stock().raised == 0
    ledger.adjust(user=manager, product=widget, location=staging, quantity=-10, reason_code="lost")
    assert check_low_stock_task() == 1  # 27 < 30
    assert check_low_stock().raised == 0  # still open: no second alert
    assert LowStockAlert.objects.get(is_open=True).available_at_raise == 27
    assert Event.objects.filter(type="alert.low_stock").count() == 1
    rows = table_records(http_for(manager).get("/control/alerts/").content, with_column="SKU")
    assert [(r["SKU"], r["Available at alert"]) for r in rows] == [("WIDGET", "27")]
    ledger.receive(user=manager, product=widget, quantity=5, location=bin_a)
    run = check_low_stock()
    assert (run.raised, run.cleared) == (0, 1)
    assert not LowStockAlert.objects.filter(is_open=True).exists()
    assert Event.objects.filter(type="alert.low_stock_cleared").count() == 1
