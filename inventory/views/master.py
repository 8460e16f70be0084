"""Master data pages for admins and managers: list (search, filters, 50 a page, an htmx partial
for the table), create and edit clients, warehouses, zones, locations, products, lots and LPNs;
CSV import and export of products and locations.

Every list goes through wms.pages.list_page and every form through wms.pages.form_page, so each
view below only says which selector, form and service it uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.db.models import Model
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from inventory import csv_io, selectors
from inventory.forms import master as forms
from inventory.services import master
from wms.http import AuthedRequest
from wms.pages import csv_download, form_page, found_or_404, list_page, page

VIEW = "inventory.view_master_data"
CHANGE = "inventory.change_master_data"
M = TypeVar("M", bound=Model)


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
def client_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.ClientFilterForm(request.GET)
    rows = selectors.search_clients(request.user, **filters.filters())
    return list_page(request, "inventory/master/clients.html", rows, filters)


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
def warehouse_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.WarehouseFilterForm(request.GET)
    rows = selectors.search_warehouses(request.user, **filters.filters())
    return list_page(request, "inventory/master/warehouses.html", rows, filters)


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
def zone_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.ZoneFilterForm(request.GET)
    rows = selectors.search_zones(request.user, **filters.filters())
    return list_page(request, "inventory/master/zones.html", rows, filters)


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
def location_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.LocationFilterForm(request.GET)
    rows = selectors.search_locations(request.user, **filters.filters())
    return list_page(
        request,
        "inventory/master/locations.html",
        rows,
        filters,
        import_form=forms.ImportForm(),
        columns=csv_io.LOCATION_COLUMNS,
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
def product_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.ProductFilterForm(request.GET)
    rows = selectors.with_on_hand(selectors.search_products(request.user, **filters.filters()))
    return list_page(
        request,
        "inventory/master/products.html",
        rows,
        filters,
        import_form=forms.ImportForm(),
        columns=csv_io.PRODUCT_COLUMNS,
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
def lot_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.LotFilterForm(request.GET)
    rows = selectors.search_lots(request.user, **filters.filters())
    return list_page(request, "inventory/master/lots.html", rows, filters)


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
def lpn_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.LpnFilterForm(request.GET)
    rows = selectors.search_lpns(request.user, **filters.filters())
    return list_page(request, "inventory/master/lpns.html", rows, filters)


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
