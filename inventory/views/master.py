"""Master data pages for admins and managers: list (search, filters, 50 a page, an htmx partial
for the table), create and edit clients, warehouses, zones, locations, products, lots and LPNs;
CSV import and export of products and locations.

Every list goes through wms.pages.table_page (sortable columns, filters in the URL, CSV export of
the filtered rows, 50 a page) and every form through wms.pages.form_page, so each
view below only says which selector, form and service it uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.db.models import Model
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from inventory import csv_io, selectors
from inventory.forms import master as forms
from inventory.services import master
from wms.http import AuthedRequest
from wms.pages import Column, csv_download, form_page, found_or_404, page, table_page

VIEW = "inventory.view_master_data"
CHANGE = "inventory.change_master_data"
M = TypeVar("M", bound=Model)


def _active(row: Any) -> str:
    return "Active" if row.is_active else "Inactive"


def _capacity(loc: Any) -> str:
    parts = (
        f"{loc.max_units} units" if loc.max_units else "",
        f"{loc.max_volume_cm3} cm3" if loc.max_volume_cm3 else "",
        f"{loc.max_weight_g} g" if loc.max_weight_g else "",
    )
    return " ".join(part for part in parts if part)


def _blocked(loc: Any) -> str:
    if not loc.is_blocked:
        return "No"
    return f"Blocked: {loc.blocked_reason}" if loc.blocked_reason else "Blocked"


CLIENT_COLUMNS = (
    Column("Code", lambda c: c.code, ("code",)),
    Column("Name", lambda c: c.name, ("name",)),
    Column("Status", _active, ("is_active",), key="status"),
    Column(""),
)
WAREHOUSE_COLUMNS = (
    Column("Code", lambda w: w.code, ("code",)),
    Column("Name", lambda w: w.name, ("name",)),
    Column("City", lambda w: w.city, ("city",)),
    Column("Country", lambda w: w.country, ("country",)),
    Column("Time zone", lambda w: w.time_zone, ("time_zone",)),
    Column("Status", _active, ("is_active",), key="status"),
    Column(""),
)
ZONE_COLUMNS = (
    Column("Warehouse", lambda z: z.warehouse.code, ("warehouse__code",)),
    Column("Code", lambda z: z.code, ("code",)),
    Column("Name", lambda z: z.name, ("name",)),
    Column("Storage class", lambda z: z.storage_class, ("storage_class",)),
    Column("Locations", lambda z: z.location_count, ("location_count",), numeric=True),
    Column(""),
)
LOCATION_COLUMNS = (
    Column("Warehouse", lambda loc: loc.warehouse.code, ("warehouse__code",)),
    Column("Zone", lambda loc: loc.zone.code if loc.zone else "", ("zone__code",)),
    Column("Code", lambda loc: loc.code, ("code",)),
    Column("Barcode", lambda loc: loc.barcode, ("barcode",)),
    Column("Kind", lambda loc: loc.get_kind_display(), ("kind",)),
    Column("Pick seq.", lambda loc: loc.pick_sequence, ("pick_sequence",), key="seq", numeric=True),
    Column("Capacity", _capacity),
    Column("Pickable", lambda loc: "Yes" if loc.is_pickable else "No", ("is_pickable",)),
    Column("Blocked", _blocked, ("is_blocked",)),
    Column(""),
)
PRODUCT_COLUMNS = (
    Column("Client", lambda p: p.client.code, ("client__code",)),
    Column("SKU", lambda p: p.sku, ("sku",)),
    Column("Name", lambda p: p.name, ("name",)),
    Column("Tracking", lambda p: p.get_tracking_display(), ("tracking",)),
    Column("Barcodes", lambda p: " ".join(b.barcode for b in p.barcodes.all())),
    Column("Case qty", lambda p: p.case_qty, ("case_qty",), numeric=True),
    Column("On hand", lambda p: p.on_hand, ("on_hand",), numeric=True),
    Column("Status", _active, ("is_active",), key="status"),
    Column(""),
)
LOT_COLUMNS = (
    Column("Client", lambda lot: lot.product.client.code, ("product__client__code",)),
    Column("SKU", lambda lot: lot.product.sku, ("product__sku",)),
    Column("Lot", lambda lot: lot.number, ("number",)),
    Column(
        "Expiry",
        lambda lot: lot.expiry_date.isoformat() if lot.expiry_date else "",
        ("expiry_date",),
    ),
    Column(""),
)
LPN_COLUMNS = (
    Column("Code", lambda lpn: lpn.code, ("code",)),
    Column("Kind", lambda lpn: lpn.get_kind_display(), ("kind",)),
    Column("Warehouse", lambda lpn: lpn.warehouse.code, ("warehouse__code",)),
    Column("Location", lambda lpn: lpn.location.code if lpn.location else "", ("location__code",)),
    Column(""),
)


# --- Imports ---------------------------------------------------------------------------------


def _import_page(
    request: AuthedRequest,
    run: Callable[[Any, Any], csv_io.ImportResult],
    *,
    noun: str,
    columns: tuple[csv_io.Column, ...],
    back: str,
) -> HttpResponse:
    """Upload a CSV file; all rows are written, or none and every bad row is listed."""
    posted = request.method == "POST"
    form = forms.ImportForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if posted and form.is_valid():
        result = run(form.cleaned_data["file"], request.user)
        if result.ok:
            messages.success(request, result.summary(noun))
            return redirect(back)
    context = {
        "form": form,
        "result": result,
        "noun": noun,
        "columns": columns,
        "back_url": reverse(back),
        "import_url": request.path,
    }
    return render(request, "inventory/master/import.html", context)


# --- Clients -----------------------------------------------------------------------------------


@page(VIEW)
def client_list(request: AuthedRequest) -> HttpResponseBase:
    filters = forms.ClientFilterForm(request.GET)
    rows = selectors.search_clients(request.user, **filters.filters())
    return table_page(
        request,
        "inventory/master/clients.html",
        rows,
        columns=CLIENT_COLUMNS,
        csv_name="clients",
        filters=filters,
    )


@page(CHANGE, "GET", "POST")
def client_create(request: AuthedRequest) -> HttpResponse:
    form = forms.ClientForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: master.create_client(**data),
        title="New client",
        back="client_list",
    )


@page(CHANGE, "GET", "POST")
def client_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    client = found_or_404(selectors.search_clients(request.user).filter(pk=pk).first())
    form = forms.ClientForm(request.POST or None, instance=client)
    return form_page(
        request,
        form,
        lambda data: master.update_client(client, **data),
        title=f"Edit client {client.code}",
        back="client_list",
    )


# --- Warehouses --------------------------------------------------------------------------------


@page(VIEW)
def warehouse_list(request: AuthedRequest) -> HttpResponseBase:
    filters = forms.WarehouseFilterForm(request.GET)
    rows = selectors.search_warehouses(request.user, **filters.filters())
    return table_page(
        request,
        "inventory/master/warehouses.html",
        rows,
        columns=WAREHOUSE_COLUMNS,
        csv_name="warehouses",
        filters=filters,
    )


@page(CHANGE, "GET", "POST")
def warehouse_create(request: AuthedRequest) -> HttpResponse:
    form = forms.WarehouseForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: master.create_warehouse(**data),
        title="New warehouse",
        back="warehouse_list",
        note="Its virtual locations (supplier, customer, adjustment, scrap, in transit) are "
        "made with it.",
    )


@page(CHANGE, "GET", "POST")
def warehouse_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    warehouse = found_or_404(selectors.search_warehouses(request.user).filter(pk=pk).first())
    form = forms.WarehouseForm(request.POST or None, instance=warehouse)
    return form_page(
        request,
        form,
        lambda data: master.update_warehouse(warehouse, **data),
        title=f"Edit warehouse {warehouse.code}",
        back="warehouse_list",
    )


# --- Zones -------------------------------------------------------------------------------------


@page(VIEW)
def zone_list(request: AuthedRequest) -> HttpResponseBase:
    filters = forms.ZoneFilterForm(request.GET)
    rows = selectors.search_zones(request.user, **filters.filters())
    return table_page(
        request,
        "inventory/master/zones.html",
        rows,
        columns=ZONE_COLUMNS,
        csv_name="zones",
        filters=filters,
    )


@page(CHANGE, "GET", "POST")
def zone_create(request: AuthedRequest) -> HttpResponse:
    form = forms.ZoneForm(request.POST or None)
    return form_page(
        request, form, lambda data: master.create_zone(**data), title="New zone", back="zone_list"
    )


@page(CHANGE, "GET", "POST")
def zone_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    zone = found_or_404(selectors.search_zones(request.user).filter(pk=pk).first())
    form = forms.ZoneForm(request.POST or None, instance=zone)
    return form_page(
        request,
        form,
        lambda data: master.update_zone(zone, **data),
        title=f"Edit zone {zone}",
        back="zone_list",
    )


# --- Locations ---------------------------------------------------------------------------------


@page(VIEW)
def location_list(request: AuthedRequest) -> HttpResponseBase:
    filters = forms.LocationFilterForm(request.GET)
    rows = selectors.search_locations(request.user, **filters.filters())
    return table_page(
        request,
        "inventory/master/locations.html",
        rows,
        columns=LOCATION_COLUMNS,
        csv_name="locations",
        filters=filters,
        import_form=forms.ImportForm(),
        import_columns=csv_io.LOCATION_COLUMNS,
    )


@page(CHANGE, "GET", "POST")
def location_create(request: AuthedRequest) -> HttpResponse:
    form = forms.LocationForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: master.create_location(**data),
        title="New location",
        back="location_list",
    )


@page(CHANGE, "GET", "POST")
def location_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """A virtual location is shown read-only: the system keeps it, and a POST changes nothing."""
    location = found_or_404(selectors.locations_for_user(request.user).filter(pk=pk).first())
    form = forms.LocationForm(
        request.POST or None, instance=location, read_only=location.is_virtual
    )
    return form_page(
        request,
        form,
        lambda data: master.update_location(location, **data),
        title=f"Location {location.code} ({location.warehouse.code})",
        back="location_list",
        read_only=location.is_virtual,
        note="A virtual location: the system keeps it; it holds no stock of its own."
        if location.is_virtual
        else "",
    )


@page(CHANGE, "GET", "POST")
def location_import(request: AuthedRequest) -> HttpResponse:
    return _import_page(
        request,
        csv_io.import_locations,
        noun="locations",
        columns=csv_io.LOCATION_COLUMNS,
        back="location_list",
    )


@page(VIEW)
def location_export(request: AuthedRequest) -> StreamingHttpResponse:
    filters = forms.LocationFilterForm(request.GET)
    rows = selectors.search_locations(request.user, **filters.filters())
    return csv_download(csv_io.export_locations(rows), "locations")


# --- Products ----------------------------------------------------------------------------------


@page(VIEW)
def product_list(request: AuthedRequest) -> HttpResponseBase:
    filters = forms.ProductFilterForm(request.GET)
    rows = selectors.with_on_hand(selectors.search_products(request.user, **filters.filters()))
    return table_page(
        request,
        "inventory/master/products.html",
        rows,
        columns=PRODUCT_COLUMNS,
        csv_name="products",
        filters=filters,
        import_form=forms.ImportForm(),
        import_columns=csv_io.PRODUCT_COLUMNS,
    )


@page(CHANGE, "GET", "POST")
def product_create(request: AuthedRequest) -> HttpResponse:
    form = forms.ProductForm(request.POST or None)
    barcodes = forms.barcode_formset(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: master.create_product(barcodes=barcodes.kept(), **data),
        title="New product",
        back="product_list",
        formset=barcodes,
        formset_template="inventory/master/_barcodes.html",
    )


@page(CHANGE, "GET", "POST")
def product_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """A SKU or client change on a product with stock or history, or a tracking change on one
    with stock, is refused on the form (update_product decides, under the product's lock)."""
    product = found_or_404(selectors.search_products(request.user).filter(pk=pk).first())
    form = forms.ProductForm(request.POST or None, instance=product)
    barcodes = forms.barcode_formset(request.POST or None, product)
    return form_page(
        request,
        form,
        lambda data: master.update_product(product, barcodes=barcodes.kept(), **data),
        title=f"Edit product {product.sku}",
        back="product_list",
        formset=barcodes,
        formset_template="inventory/master/_barcodes.html",
    )


@page(CHANGE, "GET", "POST")
def product_import(request: AuthedRequest) -> HttpResponse:
    return _import_page(
        request,
        csv_io.import_products,
        noun="products",
        columns=csv_io.PRODUCT_COLUMNS,
        back="product_list",
    )


@page(VIEW)
def product_export(request: AuthedRequest) -> StreamingHttpResponse:
    filters = forms.ProductFilterForm(request.GET)
    rows = selectors.search_products(request.user, **filters.filters())
    return csv_download(csv_io.export_products(rows), "products")


# --- Lots --------------------------------------------------------------------------------------


@page(VIEW)
def lot_list(request: AuthedRequest) -> HttpResponseBase:
    filters = forms.LotFilterForm(request.GET)
    rows = selectors.search_lots(request.user, **filters.filters())
    return table_page(
        request,
        "inventory/master/lots.html",
        rows,
        columns=LOT_COLUMNS,
        csv_name="lots",
        filters=filters,
    )


@page(CHANGE, "GET", "POST")
def lot_create(request: AuthedRequest) -> HttpResponse:
    form = forms.LotForm(request.POST or None)
    return form_page(
        request, form, lambda data: master.create_lot(**data), title="New lot", back="lot_list"
    )


@page(CHANGE, "GET", "POST")
def lot_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    lot = found_or_404(selectors.search_lots(request.user).filter(pk=pk).first())
    form = forms.LotForm(request.POST or None, instance=lot)
    return form_page(
        request,
        form,
        lambda data: master.update_lot(lot, **data),
        title=f"Edit lot {lot.number} of {lot.product.sku}",
        back="lot_list",
    )


# --- LPNs --------------------------------------------------------------------------------------


@page(VIEW)
def lpn_list(request: AuthedRequest) -> HttpResponseBase:
    filters = forms.LpnFilterForm(request.GET)
    rows = selectors.search_lpns(request.user, **filters.filters())
    return table_page(
        request,
        "inventory/master/lpns.html",
        rows,
        columns=LPN_COLUMNS,
        csv_name="lpns",
        filters=filters,
    )


@page(CHANGE, "GET", "POST")
def lpn_create(request: AuthedRequest) -> HttpResponse:
    form = forms.LpnForm(request.POST or None)
    return form_page(
        request, form, lambda data: master.create_lpn(**data), title="New LPN", back="lpn_list"
    )


@page(CHANGE, "GET", "POST")
def lpn_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    lpn = found_or_404(selectors.search_lpns(request.user).filter(pk=pk).first())
    form = forms.LpnForm(request.POST or None, instance=lpn)
    where = lpn.location.code if lpn.location else "no location"
    return form_page(
        request,
        form,
        lambda data: master.update_lpn(lpn, **data),
        title=f"Edit LPN {lpn.code}",
        back="lpn_list",
        note=f"At {where}. An LPN moves only when stock moves (through the ledger).",
    )
