"""The client's inventory per SKU: figures from the balance cache and open ASNs, search, filter,
sort, pages, a CSV download, and a SKU page with lots and a history without bins or LPNs."""

from __future__ import annotations

import csv
import io

from inventory.models import InventoryStatus
from inventory.services import ledger
from receiving.services import mark_expected
from tests.factories import LpnFactory, ProductFactory
from tests.helpers import table_records, text_by_id


def _rows(html: str) -> dict[str, dict[str, str]]:
    return {row["SKU"]: row for row in table_records(html, with_column="SKU")}


def test_each_sku_shows_on_hand_allocated_available_held_and_inbound(
    world, http_for, client_user, manager
):
    ledger.change_status(
        user=manager,
        product=world.mine.mug,
        location=world.bin,
        quantity=5,
        from_status=InventoryStatus.AVAILABLE,
        to_status=InventoryStatus.HOLD,
    )
    mark_expected(asn=world.mine.asn, user=manager)
    rows = _rows(http_for(client_user).get("/portal/inventory/").content.decode())
    assert set(rows) == {"MUG", "BALM"}
    mug = rows["MUG"]
    assert (mug["On hand"], mug["Available"], mug["On hold / damaged"], mug["Inbound"]) == (
        "38",
        "33",
        "5",
        "10",
    )
    assert rows["BALM"]["Lots"] == "1"
    assert rows["BALM"]["Earliest expiry"] == "2027-06-30"


def test_search_filter_sort_and_pages(world, http_for, client_user, acme_outdoor):
    for n in range(60):
        ProductFactory(client=acme_outdoor, sku=f"Z-{n:02d}")
    http = http_for(client_user)
    assert set(_rows(http.get("/portal/inventory/?q=bal").content.decode())) == {"BALM"}
    in_stock = _rows(http.get("/portal/inventory/?stock=in_stock").content.decode())
    assert set(in_stock) == {"MUG", "BALM"}
    first = list(_rows(http.get("/portal/inventory/?sort=-on_hand").content.decode()))
    assert first[:2] == ["MUG", "BALM"]
    page_two = http.get("/portal/inventory/?page=2").content.decode()
    assert "Page 2 of 2" in page_two
    assert len(_rows(page_two)) == 12


def test_the_csv_has_the_filtered_skus_of_the_client_only(world, http_for, client_user):
    response = http_for(client_user).get("/portal/inventory/export.csv?stock=in_stock")
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["sku"], r["on_hand"]) for r in rows] == [("BALM", "12"), ("MUG", "38")]


def test_the_sku_page_shows_lots_and_client_visible_history_without_bins_or_lpns(
    world, http_for, client_user, manager, wh
):
    pallet = LpnFactory(code="PAL-SECRET", warehouse=wh)
    elsewhere = world.dock
    ledger.move(
        user=manager,
        product=world.mine.mug,
        from_location=world.bin,
        to_location=elsewhere,
        quantity=1,
        to_lpn=pallet,
    )
    html = http_for(client_user).get(f"/portal/inventory/{world.mine.mug.pk}/").content.decode()
    history = table_records(html, with_column="What")
    assert [(h["What"], h["Change"]) for h in history] == [
        ("Adjustment", "-2"),
        ("Receipt", "+40"),
    ]
    assert history[0]["Reason code"] == "damaged"
    assert "A-01" not in html and "DOCK-1" not in html and "PAL-SECRET" not in html
    balm = http_for(client_user).get(f"/portal/inventory/{world.mine.balm.pk}/").content.decode()
    assert "L1" in text_by_id(balm, "lots") and "2027-06-30" in text_by_id(balm, "lots")


def _queries(http, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http.get(path)  # warm the session and the user's scope
    with CaptureQueriesContext(connection) as captured:
        assert http.get(path).status_code == 200
    return len(captured)


def test_the_inventory_page_costs_the_same_queries_for_2_skus_or_50(
    world, http_for, client_user, acme_outdoor, manager
):
    http = http_for(client_user)
    few = _queries(http, "/portal/inventory/")
    for n in range(48):
        product = ProductFactory(client=acme_outdoor, sku=f"MORE-{n:02d}")
        ledger.receive(user=manager, product=product, location=world.bin, quantity=n + 1)
    assert _queries(http, "/portal/inventory/") == few
