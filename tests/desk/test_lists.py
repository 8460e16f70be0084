"""The desk's lists, done once in wms.pages: sortable columns, filters kept in the URL (through
sorting and paging), a CSV export of exactly the filtered rows (all of them, not one page), 50 a
page, and filter selects that say "Any …"."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.utils import timezone

from inventory.models import Client, Warehouse
from picking.models import Order, OrderStatus
from tests.helpers import element, option_labels, page, table_records

SHIP_TO = {
    "ship_to_name": "Ada Lovelace",
    "ship_to_street1": "1 Analytical Way",
    "ship_to_city": "Boston",
    "ship_to_postal_code": "02110",
}


def make_orders(
    client: Client, warehouse: Warehouse, count: int, *, prefix: str, status: str, priority: int = 5
) -> list[Order]:
    now = timezone.now()
    return Order.objects.bulk_create(
        Order(
            client=client,
            warehouse=warehouse,
            reference=f"{prefix}-{n:03d}",
            status=status,
            priority=priority,
            created_at=now,
            updated_at=now,
            **SHIP_TO,
        )
        for n in range(count)
    )


def csv_records(response: Any) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def orders(east: Any, west: Any, acme_outdoor: Any) -> None:
    make_orders(acme_outdoor, east, 55, prefix="NEW", status=OrderStatus.NEW)
    make_orders(acme_outdoor, west, 3, prefix="SHIP", status=OrderStatus.SHIPPED, priority=1)


def test_a_column_sorts_both_ways_and_says_so(http_for: Any, manager: Any, orders: None) -> None:
    http = http_for(manager)
    ascending = http.get("/outbound/orders/", {"sort": "reference"})
    references = [
        row["Reference"] for row in table_records(ascending.content, with_column="Reference")
    ]
    assert references[:3] == ["NEW-000", "NEW-001", "NEW-002"]
    assert element(ascending.content, "th[aria-sort=ascending]").get_text(strip=True) == "Reference"
    descending = http.get("/outbound/orders/", {"sort": "-reference"})
    references = [
        row["Reference"] for row in table_records(descending.content, with_column="Reference")
    ]
    assert references[:3] == ["SHIP-002", "SHIP-001", "SHIP-000"]
    # The sorted heading links to the other direction, keeping the other parameters.
    link = element(ascending.content, "th[aria-sort=ascending] a")["href"]
    assert link == "?sort=-reference"


def test_an_unknown_sort_keeps_the_lists_own_order(
    http_for: Any, manager: Any, orders: None
) -> None:
    response = http_for(manager).get("/outbound/orders/", {"sort": "ship_to_phone;drop"})
    assert response.status_code == 200
    # Most urgent first: the priority-1 orders lead.
    references = [
        row["Reference"] for row in table_records(response.content, with_column="Reference")
    ]
    assert references[:3] == ["SHIP-000", "SHIP-001", "SHIP-002"]
    assert element(response.content, "th[aria-sort]") is None


def test_filters_and_sort_stay_in_the_url_across_pages(
    http_for: Any, manager: Any, orders: None
) -> None:
    response = http_for(manager).get("/outbound/orders/", {"status": "new", "sort": "-reference"})
    assert "Page 1 of 2 (55 in all)" in response.content.decode()
    next_link = page(response.content).find("a", string="Next \u203a")["href"]
    assert next_link == "?status=new&sort=-reference&page=2"
    second = http_for(manager).get(f"/outbound/orders/{next_link}")
    references = [
        row["Reference"] for row in table_records(second.content, with_column="Reference")
    ]
    assert references == ["NEW-004", "NEW-003", "NEW-002", "NEW-001", "NEW-000"]
    # The sort survives a new filter: the filter form carries it.
    assert element(response.content, "input[type=hidden][name=sort]")["value"] == "-reference"


def test_csv_export_is_exactly_the_filtered_rows_in_the_shown_order(
    http_for: Any, manager: Any, orders: None, west: Any
) -> None:
    response = http_for(manager).get(
        "/outbound/orders/", {"warehouse": west.pk, "sort": "-reference", "page": "1"}
    )
    export = page(response.content).find("a", string="Export these to CSV")["href"]
    assert export == f"?warehouse={west.pk}&sort=-reference&format=csv"
    download = http_for(manager).get(f"/outbound/orders/{export}")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"].startswith('attachment; filename="orders-')
    records = csv_records(download)
    assert [(r["Reference"], r["Warehouse"], r["Status"]) for r in records] == [
        ("SHIP-002", "WEST", "Shipped"),
        ("SHIP-001", "WEST", "Shipped"),
        ("SHIP-000", "WEST", "Shipped"),
    ]


def test_csv_export_holds_every_filtered_row_not_one_page(
    http_for: Any, manager: Any, orders: None
) -> None:
    download = http_for(manager).get("/outbound/orders/", {"status": "new", "format": "csv"})
    records = csv_records(download)
    assert len(records) == 55
    assert {r["Status"] for r in records} == {"New"}


def test_shipments_list_sorts_filters_and_exports(
    http_for: Any, manager: Any, east: Any, acme_outdoor: Any
) -> None:
    from shipping.models import Shipment
    from tests.shipping.shipments_fixtures import make_packed_order

    first = make_packed_order(user=manager, warehouse=east, client=acme_outdoor, reference="B-2")
    second = make_packed_order(user=manager, warehouse=east, client=acme_outdoor, reference="A-1")
    Shipment.objects.filter(pk=first.shipment.pk).update(status="needs_attention")
    http = http_for(manager)
    by_order = http.get("/shipping/shipments/", {"sort": "order"})
    assert [r["Order"] for r in table_records(by_order.content, with_column="Order")] == [
        "A-1",
        "B-2",
    ]
    attention = http.get("/shipping/shipments/", {"status": "needs_attention", "format": "csv"})
    assert [(r["#"], r["Order"], r["Status"]) for r in csv_records(attention)] == [
        (str(first.shipment.pk), "B-2", "Needs attention")
    ]
    assert second.shipment.pk != first.shipment.pk


@pytest.mark.parametrize(
    ("path", "selects"),
    [
        ("/outbound/orders/", ("client", "warehouse", "status")),
        ("/receiving/", ("client", "warehouse", "status")),
        ("/shipping/shipments/", ("status", "carrier")),
        ("/inventory/locations/", ("warehouse", "zone")),
        ("/inventory/lpns/", ("warehouse", "kind")),
        ("/inventory/products/", ("client", "tracking")),
        ("/receiving/putaway/", ("warehouse",)),
        ("/inventory/stock/", ("client", "warehouse", "zone", "status")),
        ("/inventory/lots/", ("client",)),
        ("/shipping/manifests/", ("status", "carrier")),
        ("/billing/invoices/", ("status", "client")),
        ("/billing/periods/", ("status", "client")),
        ("/billing/unrated/", ("status",)),
        ("/billing/disputes/", ("status",)),
        ("/erp/log/", ("connection", "state", "direction", "kind")),
        ("/control/counts/", ("status",)),
        ("/control/alerts/", ("warehouse", "client")),
        ("/control/holds/", ("status",)),
    ],
)
def test_filter_selects_say_any(
    http_for: Any, manager: Any, east: Any, acme_outdoor: Any, path: str, selects: tuple[str, ...]
) -> None:
    response = http_for(manager).get(path)
    assert response.status_code == 200
    for name in selects:
        first_label = next(iter(option_labels(response.content, name).values()))
        assert first_label.startswith("Any "), (path, name, first_label)
        assert "---------" not in option_labels(response.content, name).values()


def test_the_wave_list_sorts_and_exports_with_its_status_filter(
    http_for: Any, manager: Any, east: Any
) -> None:
    from picking.models import Wave, WaveStatus

    for number, status in [("W-2", WaveStatus.PLANNED), ("W-1", WaveStatus.PLANNED)]:
        Wave.objects.create(warehouse=east, number=number, status=status)
    Wave.objects.create(warehouse=east, number="W-3", status=WaveStatus.DONE)
    http = http_for(manager)
    by_number = http.get("/outbound/waves/", {"sort": "number", "status": "planned"})
    assert [r["Number"] for r in table_records(by_number.content, with_column="Number")] == [
        "W-1",
        "W-2",
    ]
    export = http.get("/outbound/waves/", {"sort": "-number", "status": "planned", "format": "csv"})
    assert [(r["Number"], r["Status"]) for r in csv_records(export)] == [
        ("W-2", "Planned"),
        ("W-1", "Planned"),
    ]


def test_receiving_history_sorts_by_quantity_and_exports_the_filtered_receipts(
    http_for: Any, manager: Any, east: Any, acme_outdoor: Any
) -> None:
    from inventory.models import LocationKind
    from inventory.services.master import ensure_virtual_locations
    from receiving.models import Receipt
    from tests.factories import LocationFactory, ProductFactory

    ensure_virtual_locations(east)
    dock = LocationFactory(warehouse=east, code="DOCK-9", kind=LocationKind.DOCK)
    for sku, quantity in [("TENT", 5), ("MUG", 12), ("LAMP", 1)]:
        Receipt.objects.create(
            client=acme_outdoor,
            warehouse=east,
            product=ProductFactory(client=acme_outdoor, sku=sku),
            quantity=quantity,
            location=dock,
        )
    http = http_for(manager)
    page_sorted = http.get("/receiving/history/", {"sort": "-qty"})
    rows = table_records(page_sorted.content, with_column="SKU")
    assert [(r["SKU"], r["Qty"]) for r in rows] == [("MUG", "12"), ("TENT", "5"), ("LAMP", "1")]
    export = http.get("/receiving/history/", {"sku": "tent", "format": "csv"})
    assert [(r["SKU"], r["Qty"], r["ASN"]) for r in csv_records(export)] == [("TENT", "5", "blind")]


def test_manifests_sort_filter_by_carrier_and_export(
    http_for: Any, manager: Any, east: Any, west: Any
) -> None:
    import datetime as dt

    from shipping.models import Manifest, ManifestStatus

    day = dt.date(2026, 12, 1)
    for warehouse, carrier, offset, status in [
        (east, "USPS", 0, ManifestStatus.READY),
        (west, "USPS", 2, ManifestStatus.FAILED),
        (east, "UPS", 1, ManifestStatus.READY),
        (east, "USPS", 1, ManifestStatus.READY),
    ]:
        Manifest.objects.create(
            warehouse=warehouse,
            carrier=carrier,
            date=day + dt.timedelta(days=offset),
            status=status,
        )
    http = http_for(manager)
    response = http.get("/shipping/manifests/", {"carrier": "USPS", "sort": "date"})
    rows = table_records(response.content, with_column="Carrier")
    assert [(r["Date"], r["Warehouse"], r["Carrier"]) for r in rows] == [
        ("2026-12-01", "EAST", "USPS"),
        ("2026-12-02", "EAST", "USPS"),
        ("2026-12-03", "WEST", "USPS"),
    ]
    assert element(response.content, "th[aria-sort=ascending]").get_text(strip=True) == "Date"
    assert next(iter(option_labels(response.content, "status").values())) == "Any status"
    assert next(iter(option_labels(response.content, "carrier").values())) == "Any carrier"
    export = http.get(
        "/shipping/manifests/",
        {"carrier": "usps", "status": "ready", "sort": "-date", "format": "csv"},
    )
    assert [(r["Date"], r["Warehouse"], r["Status"]) for r in csv_records(export)] == [
        ("2026-12-02", "EAST", "Ready"),
        ("2026-12-01", "EAST", "Ready"),
    ]


def test_invoices_sort_by_total_filter_by_client_and_export(
    http_for: Any, manager: Any, acme_outdoor: Any, other_client: Any
) -> None:
    import datetime as dt
    from decimal import Decimal

    from billing.models import BillingPeriod, Invoice

    for client, month, total, status in [
        (acme_outdoor, 1, "120.00", "finalized"),
        (acme_outdoor, 2, "80.50", "draft"),
        (acme_outdoor, 3, "300.00", "draft"),
        (other_client, 1, "999.00", "draft"),
    ]:
        period = BillingPeriod.objects.create(
            client=client,
            start_date=dt.date(2026, month, 1),
            end_date=dt.date(2026, month, 28),
            status="closed",
        )
        Invoice.objects.create(
            client=client, period=period, status=status, currency="USD", total=Decimal(total)
        )
    http = http_for(manager)
    response = http.get("/billing/invoices/", {"client": acme_outdoor.pk, "sort": "-total"})
    rows = table_records(response.content, with_column="Total")
    assert [r["Total"] for r in rows] == ["300.00 USD", "120.00 USD", "80.50 USD"]
    assert next(iter(option_labels(response.content, "client").values())) == "Any client"
    export = http.get(
        "/billing/invoices/",
        {"client": acme_outdoor.pk, "status": "draft", "sort": "total", "format": "csv"},
    )
    assert [(r["Client"], r["Status"], r["Total"]) for r in csv_records(export)] == [
        (acme_outdoor.name, "Draft", "80.50 USD"),
        (acme_outdoor.name, "Draft", "300.00 USD"),
    ]


def test_the_unrated_queue_opens_on_waiting_sorts_and_exports_any_status(
    http_for: Any, manager: Any, acme_outdoor: Any
) -> None:
    import datetime as dt

    from billing.models import UnratedActivity

    for n, (day, status) in enumerate([(3, "open"), (1, "open"), (2, "non_billable")]):
        UnratedActivity.objects.create(
            event_id=1000 + n,
            event_type="order.shipped",
            kind="picking",
            client=acme_outdoor,
            activity_date=dt.date(2026, 11, day),
            reason_code="no_rate_card",
            reason="No rate card",
            status=status,
        )
    http = http_for(manager)
    waiting = http.get("/billing/unrated/", {"sort": "-date"})
    rows = table_records(waiting.content, with_column="Date")
    # Waiting entries only, newest activity first.
    assert [r["Event"] for r in rows] == ["order.shipped #1000", "order.shipped #1001"]
    assert next(iter(option_labels(waiting.content, "status").values())) == "Any status"
    export = http.get("/billing/unrated/", {"status": "any", "sort": "date", "format": "csv"})
    assert [(r["Date"], r["Status"]) for r in csv_records(export)] == [
        ("2026-11-01", "Waiting"),
        ("2026-11-02", "Marked non-billable"),
        ("2026-11-03", "Waiting"),
    ]


def test_billing_periods_filter_by_client_sort_and_export(
    http_for: Any, manager: Any, acme_outdoor: Any, other_client: Any
) -> None:
    import datetime as dt

    from billing.models import BillingPeriod, Invoice

    for client, month, status in [
        (acme_outdoor, 1, "finalized"),
        (acme_outdoor, 3, "open"),
        (acme_outdoor, 2, "closed"),
        (other_client, 1, "open"),
    ]:
        period = BillingPeriod.objects.create(
            client=client,
            start_date=dt.date(2026, month, 1),
            end_date=dt.date(2026, month, 28),
            status=status,
        )
        if status != "open":  # a closed period has its invoice
            Invoice.objects.create(client=client, period=period, status="draft", currency="USD")
    http = http_for(manager)
    response = http.get("/billing/periods/", {"client": acme_outdoor.pk, "sort": "period"})
    rows = table_records(response.content, with_column="Period")
    assert [(r["Period"], r["Status"]) for r in rows] == [
        ("2026-01-01 to 2026-01-28", "Finalised"),
        ("2026-02-01 to 2026-02-28", "Closed (draft invoice)"),
        ("2026-03-01 to 2026-03-28", "Open"),
    ]
    assert next(iter(option_labels(response.content, "client").values())) == "Any client"
    export = http.get("/billing/periods/", {"status": "open", "sort": "-client", "format": "csv"})
    assert [(r["Client"], r["Status"]) for r in csv_records(export)] == [
        (name, "Open") for name in sorted([acme_outdoor.name, other_client.name], reverse=True)
    ]
