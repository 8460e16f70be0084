"""Managers see stock sitting at dock, staging, pack or ship-dock locations longer than a set
time; storage bins and fresh arrivals are left out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from inventory.models import Balance
from inventory.services import ledger
from tests.helpers import table_records


def test_old_stock_at_staging_is_listed(
    http_for: Any, manager: Any, stocked: Any, bin_a: Any, staging: Any, widget: Any
) -> None:
    ledger.move(user=manager, product=widget, quantity=4, from_location=bin_a, to_location=staging)
    page = http_for(manager)
    assert table_records(page.get("/control/lingering/").content, with_column="SKU") == []
    # the balance cache's last change, as if the move had been six hours ago
    Balance.objects.filter(location=staging).update(
        updated_at=timezone.now() - dt.timedelta(hours=6)
    )
    rows = table_records(page.get("/control/lingering/?hours=4").content, with_column="SKU")
    assert [(r["Location"], r["SKU"], r["Units"]) for r in rows] == [("STAGE-1", "WIDGET", "4")]
    assert table_records(page.get("/control/lingering/?hours=8").content, with_column="SKU") == []
