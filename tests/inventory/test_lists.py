"""Stock on hand and the master-data lists done the one desk way (wms.pages.table_page): each
sorts by a column both ways, keeps its filters in the URL, and exports exactly the filtered rows
in the shown order to CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from inventory.services import ledger
from tests.factories import ClientFactory, LocationFactory, LotFactory, LpnFactory, ProductFactory
from tests.helpers import element, option_labels, table_records


def csv_records(response: Any) -> list[dict[str, str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_on_hand_sorts_by_quantity_filters_and_exports(
    http_for: Any, manager: Any, widget: Any, serum: Any, serum_lot: Any, dock: Any, bin_a: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=10, location=dock)
    ledger.move(user=manager, product=widget, quantity=4, from_location=dock, to_location=bin_a)
    ledger.receive(user=manager, product=serum, quantity=6, location=bin_a, lot=serum_lot)
    http = http_for(manager)
    response = http.get("/inventory/stock/", {"sort": "-on_hand"})
    rows = table_records(response.content, with_column="SKU")
    # Ties (two sixes) go newest balance first when descending, oldest first when ascending.
    assert [(r["Location"], r["SKU"], r["On hand"]) for r in rows] == [
        ("A-01-01", "SERUM", "6"),
        ("DOCK-1", "WIDGET", "6"),
        ("A-01-01", "WIDGET", "4"),
    ]
    assert element(response.content, "th[aria-sort=descending]").get_text(strip=True) == "On hand"
    ascending = http.get("/inventory/stock/", {"sort": "on_hand"})
    rows = table_records(ascending.content, with_column="SKU")
    assert [(r["Location"], r["SKU"]) for r in rows] == [
        ("A-01-01", "WIDGET"),
        ("DOCK-1", "WIDGET"),
        ("A-01-01", "SERUM"),
    ]
    assert next(iter(option_labels(response.content, "client").values())) == "Any client"
    assert next(iter(option_labels(response.content, "warehouse").values())) == "Any warehouse"
    assert next(iter(option_labels(response.content, "zone").values())) == "Any zone"
    # The export is what the filter shows (one location), in the sort asked for, every column.
    export = http.get("/inventory/stock/", {"location": "a-01-01", "sort": "-sku", "format": "csv"})
    assert [(r["Location"], r["SKU"], r["Lot"], r["On hand"]) for r in csv_records(export)] == [
        ("A-01-01", "WIDGET", "", "4"),
        ("A-01-01", "SERUM", "S-2027-01", "6"),
    ]


def test_products_sort_by_on_hand_filter_by_client_and_export(
    http_for: Any, manager: Any, acme_outdoor: Any, other_client: Any, dock: Any
) -> None:
    for sku, quantity in [("B-TENT", 3), ("A-MUG", 9), ("C-LAMP", 5)]:
        product = ProductFactory(client=acme_outdoor, sku=sku)
        ledger.receive(user=manager, product=product, quantity=quantity, location=dock)
    ProductFactory(client=other_client, sku="Z-OTHER")
    http = http_for(manager)
    response = http.get("/inventory/products/", {"client": acme_outdoor.pk, "sort": "-on_hand"})
    rows = table_records(response.content, with_column="SKU")
    assert [(r["SKU"], r["On hand"]) for r in rows] == [
        ("A-MUG", "9"),
        ("C-LAMP", "5"),
        ("B-TENT", "3"),
    ]
    link = element(response.content, "th[aria-sort=descending] a")["href"]
    assert link == f"?client={acme_outdoor.pk}&sort=on_hand"
    export = http.get(
        "/inventory/products/", {"client": acme_outdoor.pk, "sort": "sku", "format": "csv"}
    )
    assert [(r["Client"], r["SKU"], r["On hand"]) for r in csv_records(export)] == [
        (acme_outdoor.code, "A-MUG", "9"),
        (acme_outdoor.code, "B-TENT", "3"),
        (acme_outdoor.code, "C-LAMP", "5"),
    ]


def test_locations_sort_by_pick_sequence_filter_by_zone_and_export(
    http_for: Any, manager: Any, wh: Any, zone: Any
) -> None:
    for code, sequence in [("A-1", 30), ("A-2", 10), ("A-3", 20)]:
        LocationFactory(warehouse=wh, zone=zone, code=code, pick_sequence=sequence)
    LocationFactory(warehouse=wh, code="B-9", pick_sequence=1)
    http = http_for(manager)
    response = http.get("/inventory/locations/", {"zone": zone.pk, "sort": "-seq"})
    rows = table_records(response.content, with_column="Code")
    assert [(r["Code"], r["Pick seq."]) for r in rows] == [
        ("A-1", "30"),
        ("A-3", "20"),
        ("A-2", "10"),
    ]
    export = http.get("/inventory/locations/", {"zone": zone.pk, "sort": "seq", "format": "csv"})
    assert [(r["Code"], r["Zone"], r["Pick seq."]) for r in csv_records(export)] == [
        ("A-2", "AMB", "10"),
        ("A-3", "AMB", "20"),
        ("A-1", "AMB", "30"),
    ]


def test_clients_lots_lpns_and_warehouses_sort_and_export(
    http_for: Any, manager: Any, wh: Any, serum: Any
) -> None:
    ClientFactory(code="zulu", name="Zulu Ltd")
    ClientFactory(code="alpha", name="Alpha Ltd", is_active=False)
    http = http_for(manager)
    clients = http.get("/inventory/clients/", {"q": "ltd", "sort": "-code", "format": "csv"})
    assert [(r["Code"], r["Status"]) for r in csv_records(clients)] == [
        ("zulu", "Active"),
        ("alpha", "Inactive"),
    ]
    LotFactory(product=serum, number="L-2", expiry_date=None)
    LotFactory(product=serum, number="L-1", expiry_date=None)
    lots = http.get("/inventory/lots/", {"q": "L-", "sort": "lot"})
    assert [r["Lot"] for r in table_records(lots.content, with_column="Lot")] == ["L-1", "L-2"]
    LpnFactory(code="PAL-2", warehouse=wh)
    LpnFactory(code="PAL-1", warehouse=wh)
    lpns = http.get("/inventory/lpns/", {"warehouse": wh.pk, "sort": "-code", "format": "csv"})
    assert [(r["Code"], r["Warehouse"]) for r in csv_records(lpns)] == [
        ("PAL-2", wh.code),
        ("PAL-1", wh.code),
    ]
    warehouses = http.get("/inventory/warehouses/", {"sort": "-code"})
    codes = [r["Code"] for r in table_records(warehouses.content, with_column="Code")]
    assert codes == sorted(codes, reverse=True) and wh.code in codes


def test_zones_sort_by_location_count_and_export(
    http_for: Any, manager: Any, wh: Any, zone: Any
) -> None:
    from tests.factories import ZoneFactory

    cold = ZoneFactory(warehouse=wh, code="COLD")
    for n in range(3):
        LocationFactory(warehouse=wh, zone=cold, code=f"C-{n}")
    LocationFactory(warehouse=wh, zone=zone, code="A-9")
    http = http_for(manager)
    response = http.get("/inventory/zones/", {"warehouse": wh.pk, "sort": "-locations"})
    rows = table_records(response.content, with_column="Code")
    assert [(r["Code"], r["Locations"]) for r in rows] == [("COLD", "3"), ("AMB", "1")]
    export = http.get("/inventory/zones/", {"q": "cold", "format": "csv"})
    assert [(r["Code"], r["Locations"]) for r in csv_records(export)] == [("COLD", "3")]
