"""Master data pages: create and edit each kind, search and pagination, who may, and the
refusals that protect the ledger (a SKU with stock keeps its SKU)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import (
    Client,
    Location,
    LocationKind,
    Lot,
    Lpn,
    Product,
    ProductBarcode,
    Tracking,
    Warehouse,
    Zone,
)
from inventory.services import ledger
from tests.factories import (
    LotFactory,
    LpnFactory,
    ProductBarcodeFactory,
    ProductFactory,
    ZoneFactory,
)
from tests.helpers import assert_unchanged_since, snapshot


def form_errors(response: Any) -> dict[str, list[str]]:
    return dict(response.context["form"].errors)


# --- Clients and warehouses --------------------------------------------------------------------


def test_manager_creates_and_edits_a_client(http_for: Any, manager: Any) -> None:
    http = http_for(manager)
    response = http.post(
        "/inventory/clients/new/", {"code": "north-gear", "name": "North Gear", "is_active": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/inventory/clients/"
    client = Client.objects.get(code="north-gear")
    response = http.post(
        f"/inventory/clients/{client.pk}/edit/", {"code": "north-gear", "name": "North Gear Co"}
    )
    assert response.status_code == 302
    client.refresh_from_db()
    assert (client.name, client.is_active) == ("North Gear Co", False)


def test_duplicate_client_code_is_a_form_error(
    http_for: Any, manager: Any, acme_outdoor: Any
) -> None:
    response = http_for(manager).post(
        "/inventory/clients/new/", {"code": "acme-outdoor", "name": "Again"}
    )
    assert response.status_code == 200
    assert "already exists" in str(form_errors(response)["code"])
    assert Client.objects.count() == 1


def test_warehouse_created_on_the_page_has_its_virtual_locations(
    http_for: Any, manager: Any
) -> None:
    response = http_for(manager).post(
        "/inventory/warehouses/new/",
        {"code": "NORTH", "name": "North DC", "country": "DE", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 302
    warehouse = Warehouse.objects.get(code="NORTH")
    assert sorted(warehouse.locations.values_list("kind", flat=True)) == sorted(
        [
            LocationKind.ADJUSTMENT,
            LocationKind.CUSTOMER,
            LocationKind.IN_TRANSIT,
            LocationKind.SCRAP,
            LocationKind.SUPPLIER,
        ]
    )
    assert all(warehouse.locations.values_list("is_virtual", flat=True))


def test_warehouse_with_a_bad_time_zone_is_refused(http_for: Any, manager: Any) -> None:
    response = http_for(manager).post(
        "/inventory/warehouses/new/",
        {"code": "NORTH", "name": "North DC", "country": "DE", "time_zone": "Berlin"},
    )
    assert response.status_code == 200
    assert "is not a time zone name" in str(form_errors(response)["time_zone"])
    assert not Warehouse.objects.filter(code="NORTH").exists()


def test_manager_edits_a_warehouse(http_for: Any, manager: Any, east: Any) -> None:
    response = http_for(manager).post(
        f"/inventory/warehouses/{east.pk}/edit/",
        {"code": "EAST", "name": "East Coast DC", "country": "US", "time_zone": "America/New_York"},
    )
    assert response.status_code == 302
    east.refresh_from_db()
    assert (east.name, east.time_zone, east.is_active) == (
        "East Coast DC",
        "America/New_York",
        False,
    )


# --- Zones and locations -----------------------------------------------------------------------


def test_manager_creates_and_edits_a_zone(http_for: Any, manager: Any, east: Any) -> None:
    http = http_for(manager)
    response = http.post(
        "/inventory/zones/new/", {"warehouse": east.pk, "code": "COLD", "name": "Chilled"}
    )
    assert response.status_code == 302
    zone = Zone.objects.get(warehouse=east, code="COLD")
    response = http.post(
        f"/inventory/zones/{zone.pk}/edit/",
        {"code": "COLD", "name": "Chilled room", "storage_class": "chilled"},
    )
    assert response.status_code == 302
    zone.refresh_from_db()
    assert (zone.name, zone.storage_class, zone.warehouse) == ("Chilled room", "chilled", east)


def location_data(**overrides: Any) -> dict[str, Any]:
    return {"kind": LocationKind.STORAGE, "pick_sequence": 0, **overrides}


def test_manager_creates_a_location_whose_barcode_defaults_to_its_code(
    http_for: Any, manager: Any, zone: Any
) -> None:
    response = http_for(manager).post(
        "/inventory/locations/new/",
        location_data(
            warehouse=zone.warehouse_id,
            zone=zone.pk,
            code="B-01-01",
            kind=LocationKind.PICK_FACE,
            pick_sequence=40,
            max_units=200,
            max_volume_cm3=500000,
            max_weight_g=25000,
            is_pickable="on",
        ),
    )
    assert response.status_code == 302
    location = Location.objects.get(code="B-01-01")
    assert (
        location.barcode,
        location.zone,
        location.kind,
        location.pick_sequence,
        location.max_units,
        location.max_volume_cm3,
        location.max_weight_g,
        location.is_pickable,
        location.is_virtual,
    ) == ("B-01-01", zone, LocationKind.PICK_FACE, 40, 200, 500000, 25000, True, False)


def test_a_virtual_kind_cannot_be_created(http_for: Any, manager: Any, wh: Any) -> None:
    before = Location.objects.count()
    response = http_for(manager).post(
        "/inventory/locations/new/",
        location_data(warehouse=wh.pk, code="MY-SCRAP", kind=LocationKind.SCRAP),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in str(form_errors(response)["kind"])
    assert Location.objects.count() == before


def test_a_zone_of_another_warehouse_is_refused(
    http_for: Any, manager: Any, wh: Any, west: Any
) -> None:
    west_zone = ZoneFactory(warehouse=west, code="W1")
    response = http_for(manager).post(
        "/inventory/locations/new/", location_data(warehouse=wh.pk, zone=west_zone.pk, code="X-1")
    )
    assert response.status_code == 200
    assert form_errors(response)["zone"] == ["Choose a zone of warehouse EAST."]
    assert not Location.objects.filter(code="X-1").exists()


def test_manager_blocks_a_location_with_a_reason(http_for: Any, manager: Any, bin_a: Any) -> None:
    response = http_for(manager).post(
        f"/inventory/locations/{bin_a.pk}/edit/",
        location_data(
            zone=bin_a.zone_id,
            code=bin_a.code,
            barcode="LBL-A0101",
            pick_sequence=10,
            is_blocked="on",
            blocked_reason="Racking damaged",
        ),
    )
    assert response.status_code == 302
    bin_a.refresh_from_db()
    assert (bin_a.barcode, bin_a.is_blocked, bin_a.blocked_reason) == (
        "LBL-A0101",
        True,
        "Racking damaged",
    )


def test_a_virtual_location_is_shown_read_only_and_a_post_changes_nothing(
    http_for: Any, manager: Any, wh: Any
) -> None:
    scrap = Location.objects.get(warehouse=wh, kind=LocationKind.SCRAP)
    http = http_for(manager)
    page = http.get(f"/inventory/locations/{scrap.pk}/edit/")
    assert page.status_code == 200
    assert "the system keeps it" in page.content.decode()
    assert all(field.disabled for field in page.context["form"].fields.values())
    response = http.post(
        f"/inventory/locations/{scrap.pk}/edit/",
        location_data(code="MINE", kind=LocationKind.STORAGE, is_pickable="on"),
    )
    assert response.status_code == 200
    assert form_errors(response)["__all__"] == [
        "~SCRAP is a virtual location; the system keeps it."
    ]
    scrap.refresh_from_db()
    assert (scrap.code, scrap.kind, scrap.is_pickable) == ("~SCRAP", LocationKind.SCRAP, False)


def test_location_list_hides_virtual_locations_unless_asked(
    http_for: Any, manager: Any, bin_a: Any
) -> None:
    http = http_for(manager)
    physical = http.get("/inventory/locations/")
    assert [loc.code for loc in physical.context["page"]] == ["A-01-01"]
    virtual = http.get("/inventory/locations/?kind=virtual")
    assert {loc.code for loc in virtual.context["page"]} == {
        "~SUPPLIER",
        "~CUSTOMER",
        "~ADJUSTMENT",
        "~SCRAP",
        "~IN-TRANSIT",
    }


# --- Products ----------------------------------------------------------------------------------


def product_data(client: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "client": client.pk,
        "sku": "TENT-2P",
        "name": "Two-person tent",
        "tracking": Tracking.NONE,
        "is_active": "on",
        "barcodes-TOTAL_FORMS": "2",
        "barcodes-INITIAL_FORMS": "0",
        "barcodes-0-barcode": "",
        "barcodes-0-pack_quantity": "1",
        "barcodes-1-barcode": "",
        "barcodes-1-pack_quantity": "1",
    }
    data.update(overrides)
    return data


def barcodes_of(product: Product) -> list[tuple[str, int]]:
    return list(product.barcodes.order_by("barcode").values_list("barcode", "pack_quantity"))


def test_manager_creates_a_product_with_its_barcodes(
    http_for: Any, manager: Any, acme_outdoor: Any
) -> None:
    response = http_for(manager).post(
        "/inventory/products/new/",
        product_data(
            acme_outdoor,
            length_mm=600,
            width_mm=200,
            height_mm=200,
            weight_g=2400,
            inner_qty=2,
            case_qty=4,
            pallet_qty=96,
            **{
                "barcodes-0-barcode": "0012345678905",
                "barcodes-1-barcode": "10012345678902",
                "barcodes-1-pack_quantity": "4",
            },
        ),
    )
    assert response.status_code == 302
    product = Product.objects.get(sku="TENT-2P")
    assert (
        product.client,
        product.name,
        product.volume_cm3,
        product.weight_g,
        product.inner_qty,
        product.case_qty,
        product.pallet_qty,
    ) == (acme_outdoor, "Two-person tent", 24000, 2400, 2, 4, 96)
    assert barcodes_of(product) == [("0012345678905", 1), ("10012345678902", 4)]
    assert set(ProductBarcode.objects.values_list("client_id", flat=True)) == {acme_outdoor.pk}


def test_manager_edits_a_product_and_replaces_its_barcodes(
    http_for: Any, manager: Any, widget: Any
) -> None:
    ProductBarcodeFactory(product=widget, barcode="111")
    ProductBarcodeFactory(product=widget, barcode="222", pack_quantity=6)
    response = http_for(manager).post(
        f"/inventory/products/{widget.pk}/edit/",
        product_data(
            widget.client,
            sku="WIDGET",
            name="Widget, blue",
            **{
                "barcodes-TOTAL_FORMS": "3",
                "barcodes-INITIAL_FORMS": "2",
                "barcodes-0-barcode": "111",
                "barcodes-0-pack_quantity": "1",
                "barcodes-0-DELETE": "on",
                "barcodes-1-barcode": "222",
                "barcodes-1-pack_quantity": "12",
                "barcodes-2-barcode": "333",
                "barcodes-2-pack_quantity": "1",
            },
        ),
    )
    assert response.status_code == 302
    widget.refresh_from_db()
    assert widget.name == "Widget, blue"
    assert barcodes_of(widget) == [("222", 12), ("333", 1)]


def test_sku_change_of_a_product_with_stock_is_refused_and_nothing_is_saved(
    http_for: Any, manager: Any, widget: Any, bin_a: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=5, location=bin_a)
    response = http_for(manager).post(
        f"/inventory/products/{widget.pk}/edit/",
        product_data(
            widget.client, sku="WIDGET-2", name="Renamed too", **{"barcodes-0-barcode": "999"}
        ),
    )
    assert response.status_code == 200
    assert form_errors(response)["sku"] == ["WIDGET has stock or ledger history; keep its SKU."]
    widget.refresh_from_db()
    assert (widget.sku, widget.name, barcodes_of(widget)) == ("WIDGET", "Product WIDGET", [])


def test_tracking_change_of_a_product_with_stock_is_refused(
    http_for: Any, manager: Any, widget: Any, bin_a: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=5, location=bin_a)
    response = http_for(manager).post(
        f"/inventory/products/{widget.pk}/edit/",
        product_data(widget.client, sku="WIDGET", tracking=Tracking.LOT),
    )
    assert response.status_code == 200
    assert "tracking cannot change" in str(form_errors(response)["tracking"])
    widget.refresh_from_db()
    assert widget.tracking == Tracking.NONE


def test_sku_change_without_history_is_allowed(http_for: Any, manager: Any, widget: Any) -> None:
    response = http_for(manager).post(
        f"/inventory/products/{widget.pk}/edit/", product_data(widget.client, sku="WIDGET-2")
    )
    assert response.status_code == 302
    widget.refresh_from_db()
    assert widget.sku == "WIDGET-2"


def test_a_barcode_of_another_product_of_the_client_is_refused(
    http_for: Any, manager: Any, widget: Any, acme_outdoor: Any
) -> None:
    ProductBarcodeFactory(product=widget, barcode="0012345678905")
    response = http_for(manager).post(
        "/inventory/products/new/",
        product_data(acme_outdoor, **{"barcodes-0-barcode": "0012345678905"}),
    )
    assert response.status_code == 200
    assert form_errors(response)["__all__"] == ["Barcode 0012345678905 already belongs to WIDGET."]
    assert not Product.objects.filter(sku="TENT-2P").exists()


def test_the_same_barcode_twice_on_one_product_is_refused(
    http_for: Any, manager: Any, acme_outdoor: Any
) -> None:
    response = http_for(manager).post(
        "/inventory/products/new/",
        product_data(acme_outdoor, **{"barcodes-0-barcode": "555", "barcodes-1-barcode": "555"}),
    )
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == ["Barcode 555 is listed twice."]
    assert not Product.objects.exists()


# --- Lots and LPNs -----------------------------------------------------------------------------


def test_manager_creates_and_edits_a_lot(http_for: Any, manager: Any, serum: Any) -> None:
    http = http_for(manager)
    response = http.post(
        "/inventory/lots/new/",
        {"product": serum.pk, "number": "S-2028-02", "expiry_date": "2028-02-29"},
    )
    assert response.status_code == 302
    lot = Lot.objects.get(number="S-2028-02")
    assert (lot.product, lot.expiry_date) == (serum, dt.date(2028, 2, 29))
    response = http.post(
        f"/inventory/lots/{lot.pk}/edit/", {"number": "S-2028-02", "expiry_date": "2028-03-31"}
    )
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.expiry_date == dt.date(2028, 3, 31)


def test_a_lot_of_an_expiry_tracked_product_needs_its_expiry(
    http_for: Any, manager: Any, serum: Any
) -> None:
    response = http_for(manager).post(
        "/inventory/lots/new/", {"product": serum.pk, "number": "S-X"}
    )
    assert response.status_code == 200
    assert form_errors(response)["expiry_date"] == ["SERUM tracks expiry: give the date."]
    assert not Lot.objects.exists()


def test_an_untracked_product_has_no_lots(http_for: Any, manager: Any, widget: Any) -> None:
    response = http_for(manager).post(
        "/inventory/lots/new/", {"product": widget.pk, "number": "W-1"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in str(form_errors(response)["product"])
    assert not Lot.objects.exists()


def test_lot_number_of_a_lot_with_stock_stays(
    http_for: Any, manager: Any, serum_lot: Any, bin_a: Any
) -> None:
    ledger.receive(
        user=manager, product=serum_lot.product, quantity=3, location=bin_a, lot=serum_lot
    )
    response = http_for(manager).post(
        f"/inventory/lots/{serum_lot.pk}/edit/", {"number": "OTHER", "expiry_date": "2027-01-31"}
    )
    assert response.status_code == 200
    assert form_errors(response)["number"] == ["Lot S-2027-01 has history; keep its number."]
    serum_lot.refresh_from_db()
    assert serum_lot.number == "S-2027-01"


def test_manager_creates_and_edits_an_lpn_whose_location_only_the_ledger_sets(
    http_for: Any, manager: Any, wh: Any, bin_a: Any
) -> None:
    http = http_for(manager)
    response = http.post(
        "/inventory/lpns/new/",
        {"code": "PAL-9", "kind": "pallet", "warehouse": wh.pk, "location": bin_a.pk},
    )
    assert response.status_code == 302
    lpn = Lpn.objects.get(code="PAL-9")
    assert (lpn.kind, lpn.warehouse, lpn.location) == ("pallet", wh, None)
    response = http.post(
        f"/inventory/lpns/{lpn.pk}/edit/",
        {"code": "PAL-9", "kind": "case", "warehouse": wh.pk, "location": bin_a.pk},
    )
    assert response.status_code == 302
    lpn.refresh_from_db()
    assert (lpn.kind, lpn.location) == ("case", None)


def test_a_placed_lpn_keeps_its_code(
    http_for: Any, manager: Any, widget: Any, bin_a: Any, pallet: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=2, location=bin_a, lpn=pallet)
    pallet.refresh_from_db()
    page = http_for(manager).get(f"/inventory/lpns/{pallet.pk}/edit/")
    assert "At A-01-01." in page.content.decode()
    response = http_for(manager).post(
        f"/inventory/lpns/{pallet.pk}/edit/",
        {"code": "PAL-RENAMED", "kind": "pallet", "warehouse": pallet.warehouse_id},
    )
    assert response.status_code == 200
    assert form_errors(response)["code"] == ["LPN PAL-000001 has history; keep its code."]
    pallet.refresh_from_db()
    assert pallet.code == "PAL-000001"


# --- Lists: search, filters, pagination, the htmx partial, query count ------------------------


def test_product_list_searches_by_sku_name_or_barcode(
    http_for: Any, manager: Any, widget: Any, serum: Any
) -> None:
    ProductBarcodeFactory(product=serum, barcode="0099")
    http = http_for(manager)
    assert [p.sku for p in http.get("/inventory/products/?q=widg").context["page"]] == ["WIDGET"]
    assert [p.sku for p in http.get("/inventory/products/?q=0099").context["page"]] == ["SERUM"]
    tracked = http.get("/inventory/products/?tracking=lot_expiry").context["page"]
    assert [p.sku for p in tracked] == ["SERUM"]


def test_product_list_pages_by_fifty_and_keeps_the_filters_in_its_links(
    http_for: Any, manager: Any, acme_outdoor: Any, other_client: Any
) -> None:
    for n in range(60):
        ProductFactory(client=acme_outdoor, sku=f"P-{n:03d}")
    ProductFactory(client=other_client, sku="P-OTHER")
    http = http_for(manager)
    first = http.get(f"/inventory/products/?client={acme_outdoor.pk}")
    assert [p.sku for p in first.context["page"]] == [f"P-{n:03d}" for n in range(50)]
    html = first.content.decode()
    assert "Page 1 of 2 (60 in all)" in html
    assert f'href="?client={acme_outdoor.pk}&amp;page=2"' in html
    second = http.get(f"/inventory/products/?client={acme_outdoor.pk}&page=2")
    assert [p.sku for p in second.context["page"]] == [f"P-{n:03d}" for n in range(50, 60)]


def test_an_htmx_search_returns_only_the_table(http_for: Any, manager: Any, widget: Any) -> None:
    response = http_for(manager).get("/inventory/products/?q=WIDGET", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<table" in html
    assert "<html" not in html and "Import products" not in html


def test_product_list_shows_on_hand(
    http_for: Any, manager: Any, widget: Any, serum: Any, bin_a: Any, bin_b: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=7, location=bin_a)
    ledger.receive(user=manager, product=widget, quantity=5, location=bin_b)
    page = http_for(manager).get("/inventory/products/").context["page"]
    assert {p.sku: p.on_hand for p in page} == {"SERUM": 0, "WIDGET": 12}


def queries_for_product_list(http: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = http.get("/inventory/products/")
    assert response.status_code == 200
    return len(captured)


def test_product_list_query_count_does_not_grow_with_rows(
    http_for: Any, manager: Any, acme_outdoor: Any, bin_a: Any
) -> None:
    def add_products(start: int, count: int) -> None:
        for n in range(start, start + count):
            product = ProductFactory(client=acme_outdoor, sku=f"Q-{n:03d}")
            ProductBarcodeFactory(product=product, barcode=f"B{n:03d}")
            ledger.receive(user=manager, product=product, quantity=n + 1, location=bin_a)

    http = http_for(manager)
    add_products(0, 2)
    few = queries_for_product_list(http)
    add_products(2, 30)
    many = queries_for_product_list(http)
    assert few == many


def test_zone_lpn_lot_and_warehouse_lists_filter(
    http_for: Any, manager: Any, zone: Any, west: Any, serum_lot: Any, pallet: Any
) -> None:
    ZoneFactory(warehouse=west, code="WZ")
    LpnFactory(code="TOTE-1", kind="tote", warehouse=west)
    LotFactory(
        product=ProductFactory(client=serum_lot.product.client, sku="DRUG", tracking=Tracking.LOT),
        number="D-1",
    )
    http = http_for(manager)
    zones = http.get(f"/inventory/zones/?warehouse={west.pk}").context["page"]
    assert [z.code for z in zones] == ["WZ"]
    lpns = http.get("/inventory/lpns/?kind=tote").context["page"]
    assert [lpn.code for lpn in lpns] == ["TOTE-1"]
    lots = http.get("/inventory/lots/?q=SERUM").context["page"]
    assert [lot.number for lot in lots] == ["S-2027-01"]
    warehouses = http.get("/inventory/warehouses/?q=wes").context["page"]
    assert [w.code for w in warehouses] == ["WEST"]


# --- Who may -----------------------------------------------------------------------------------

LIST_PAGES = [
    "/inventory/clients/",
    "/inventory/warehouses/",
    "/inventory/zones/",
    "/inventory/locations/",
    "/inventory/products/",
    "/inventory/lots/",
    "/inventory/lpns/",
    "/inventory/products/export.csv",
    "/inventory/locations/export.csv",
]
FORM_PAGES = [
    "/inventory/clients/new/",
    "/inventory/warehouses/new/",
    "/inventory/zones/new/",
    "/inventory/locations/new/",
    "/inventory/products/new/",
    "/inventory/lots/new/",
    "/inventory/lpns/new/",
    "/inventory/products/import/",
    "/inventory/locations/import/",
]


@pytest.mark.parametrize("page", LIST_PAGES + FORM_PAGES)
@pytest.mark.parametrize(("persona", "status"), [("admin_user", 200), ("manager", 200)])
def test_admins_and_managers_open_every_page(
    request: Any, http_for: Any, page: str, persona: str, status: int
) -> None:
    assert http_for(request.getfixturevalue(persona)).get(page).status_code == status


@pytest.mark.parametrize("page", LIST_PAGES + FORM_PAGES)
@pytest.mark.parametrize("persona", ["operator", "client_user"])
def test_operators_and_client_users_get_403(
    request: Any, http_for: Any, page: str, persona: str
) -> None:
    assert http_for(request.getfixturevalue(persona)).get(page).status_code == 403


@pytest.mark.parametrize("persona", ["operator", "client_user"])
def test_denied_posts_change_nothing(
    request: Any, http_for: Any, persona: str, wh: Any, widget: Any, serum: Any
) -> None:
    http = http_for(request.getfixturevalue(persona))
    before = snapshot()
    posts = {
        "/inventory/clients/new/": {"code": "x", "name": "X"},
        "/inventory/warehouses/new/": {
            "code": "X",
            "name": "X",
            "country": "US",
            "time_zone": "UTC",
        },
        "/inventory/zones/new/": {"warehouse": wh.pk, "code": "X"},
        "/inventory/locations/new/": location_data(warehouse=wh.pk, code="X"),
        "/inventory/products/new/": product_data(widget.client, sku="X"),
        f"/inventory/products/{widget.pk}/edit/": product_data(widget.client, sku="RENAMED"),
        "/inventory/lots/new/": {"product": serum.pk, "number": "X", "expiry_date": "2030-01-01"},
        "/inventory/lpns/new/": {"code": "X", "kind": "pallet", "warehouse": wh.pk},
    }
    for path, data in posts.items():
        assert http.post(path, data).status_code == 403, path
    assert_unchanged_since(before)


def test_anonymous_visitors_are_sent_to_sign_in(http_for: Any, acme: Any) -> None:
    response = http_for().get("/inventory/products/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_record_is_404(http_for: Any, manager: Any) -> None:
    assert http_for(manager).get("/inventory/products/999999/edit/").status_code == 404
