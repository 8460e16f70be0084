"""Inventory control's desk lists done the one way (wms.pages.table_page): count tasks and
low-stock alerts sort by a column, keep their filters in the URL and export exactly the
filtered rows to CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.utils import timezone

from control.models import CountStatus, CountTask, LowStockAlert
from tests.helpers import element, option_labels, table_records


def csv_records(response: Any) -> list[dict[str, str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_count_tasks_sort_by_priority_filter_by_status_and_export(
    http_for: Any, manager: Any, wh: Any, bin_a: Any, bin_b: Any, staging: Any
) -> None:
    for location, status, priority in [
        (bin_a, CountStatus.OPEN, 1),
        (bin_b, CountStatus.OPEN, 9),
        (staging, CountStatus.APPROVED, 5),
    ]:
        CountTask.objects.create(
            warehouse=wh, location=location, source="zone", status=status, priority=priority
        )
    http = http_for(manager)
    response = http.get("/control/counts/", {"status": "open", "sort": "priority"})
    rows = table_records(response.content, with_column="Bin")
    assert [(r["Bin"], r["Priority"]) for r in rows] == [("A-01-01", "1"), ("A-01-02", "9")]
    assert element(response.content, "th[aria-sort=ascending]").get_text(strip=True) == "Priority"
    export = http.get("/control/counts/", {"status": "open", "sort": "-priority", "format": "csv"})
    assert [(r["Bin"], r["Status"]) for r in csv_records(export)] == [
        ("A-01-02", "Open"),
        ("A-01-01", "Open"),
    ]


def test_low_stock_alerts_filter_by_client_sort_and_export(
    http_for: Any, manager: Any, wh: Any, widget: Any, gadget: Any, serum: Any
) -> None:
    now = timezone.now()
    for product, available, hours_ago in [(widget, 3, 5), (serum, 12, 1), (gadget, 0, 2)]:
        LowStockAlert.objects.create(
            warehouse=wh,
            product=product,
            client=product.client,
            reorder_point=20,
            available_at_raise=available,
            raised_at=now - dt.timedelta(hours=hours_ago),
        )
    LowStockAlert.objects.create(
        warehouse=wh,
        product=widget,
        client=widget.client,
        reorder_point=20,
        available_at_raise=1,
        is_open=False,
        raised_at=now - dt.timedelta(days=3),
    )
    http = http_for(manager)
    response = http.get("/control/alerts/", {"client": widget.client_id, "sort": "-available"})
    rows = table_records(response.content, with_column="SKU")
    assert [(r["SKU"], r["Available at alert"]) for r in rows] == [
        (serum.sku, "12"),
        ("WIDGET", "3"),
    ]
    for name, first in [("warehouse", "Any warehouse"), ("client", "Any client")]:
        assert next(iter(option_labels(response.content, name).values())) == first
    export = http.get("/control/alerts/", {"sort": "since", "format": "csv"})
    assert [r["SKU"] for r in csv_records(export)] == ["WIDGET", gadget.sku, serum.sku]


def test_holds_filter_by_status_sort_by_units_and_export(
    http_for: Any, manager: Any, wh: Any, bin_a: Any, bin_b: Any, staging: Any
) -> None:
    from control.models import Hold, HoldStatus

    for location, units, status in [
        (bin_a, 4, HoldStatus.ACTIVE),
        (bin_b, 11, HoldStatus.ACTIVE),
        (staging, 30, HoldStatus.RELEASED),
    ]:
        Hold.objects.create(
            kind="location",
            reason="damage",
            location=location,
            warehouse=wh,
            held_units=units,
            status=status,
            created_by=manager,
        )
    http = http_for(manager)
    response = http.get("/control/holds/", {"status": "active", "sort": "-units"})
    rows = table_records(response.content, with_column="What")
    assert [(r["What"], r["Units held"]) for r in rows] == [("A-01-02", "11"), ("A-01-01", "4")]
    assert next(iter(option_labels(response.content, "status").values())) == "Any status"
    export = http.get("/control/holds/", {"sort": "units", "format": "csv"})
    assert [(r["What"], r["Status"]) for r in csv_records(export)] == [
        ("A-01-01", "Active"),
        ("A-01-02", "Active"),
        (staging.code, "Released"),
    ]
