"""Master data pages for admins and managers: list (search, filters, 50 a page, an htmx partial
for the table), create and edit clients, warehouses, zones, locations, products, lots and LPNs;
CSV import and export of products and locations.

Every list goes through `_list_page` and every form through `_form_page`, so each view below only
says which selector, form and service it uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from rules.contrib.views import permission_required

from inventory import csv_io, selectors
from inventory.forms import master as forms
from inventory.forms.master import BaseBarcodeFormSet
from inventory.services import master
from wms.exceptions import DomainError
from wms.http import AuthedRequest

PAGE_SIZE = 50
VIEW = "inventory.view_master_data"
CHANGE = "inventory.change_master_data"
M = TypeVar("M", bound=Model)


# --- The shared pieces -------------------------------------------------------------------------


def _list_page(
    request: AuthedRequest,
    template: str,
    rows: QuerySet[Any],
    filters: forms.FilterForm,
    **extra: Any,
) -> HttpResponse:
    """One page of rows; only the table partial when htmx asks (search as you type)."""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    name = f"{template}#table" if request.htmx else template
    return render(request, name, {"page": page, "filters": filters, **extra})


def _get_or_404(rows: QuerySet[M], pk: int) -> M:
    found = rows.filter(pk=pk).first()
    if found is None:
        raise Http404("No such record.")
    return found


def _add_refusal(form: BaseForm, exc: DomainError | ValidationError) -> None:
    """Shows a service's refusal on the form: on the field it names when the form has it."""
    if isinstance(exc, DomainError):
        placed = False
        for name, errors in exc.field_errors.items():
            if name in form.fields:
                form.add_error(name, errors)
                placed = True
        if not placed:
            form.add_error(None, exc.message)
    elif hasattr(exc, "error_dict"):
        for name, field_errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, field_errors)
    else:
        form.add_error(None, exc)


def _form_page(
    request: AuthedRequest,
    form: BaseForm,
    save: Callable[[dict[str, Any]], object],
    *,
    title: str,
    back: str,
    formset: BaseBarcodeFormSet | None = None,
    **extra: Any,
) -> HttpResponse:
    """Shows the form; on a valid POST calls `save` (one service) and goes back to the list.
    A refusal is shown on the form and nothing is saved."""
    if request.method == "POST":
        valid = [form.is_valid(), formset is None or formset.is_valid()]
        if all(valid):
            try:
                saved = save(form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                _add_refusal(form, exc)
            else:
                messages.success(request, f"Saved {saved}.")
                return redirect(back)
    context = {"form": form, "formset": formset, "title": title, "back_url": reverse(back)}
    return render(request, "inventory/master/form.html", {**context, **extra})


def _csv_response(lines: Any, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


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


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def client_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.ClientFilterForm(request.GET)
    rows = selectors.search_clients(request.user, **filters.filters())
    return _list_page(request, "inventory/master/clients.html", rows, filters)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def client_create(request: AuthedRequest) -> HttpResponse:
    form = forms.ClientForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: master.create_client(**data),
        title="New client",
        back="client_list",
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def client_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    client = _get_or_404(selectors.search_clients(request.user), pk)
    form = forms.ClientForm(request.POST or None, instance=client)
    return _form_page(
        request,
        form,
        lambda data: master.update_client(client, **data),
        title=f"Edit client {client.code}",
        back="client_list",
    )


# --- Warehouses --------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def warehouse_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.WarehouseFilterForm(request.GET)
    rows = selectors.search_warehouses(request.user, **filters.filters())
    return _list_page(request, "inventory/master/warehouses.html", rows, filters)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def warehouse_create(request: AuthedRequest) -> HttpResponse:
    form = forms.WarehouseForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: master.create_warehouse(**data),
        title="New warehouse",
        back="warehouse_list",
        note="Its virtual locations (supplier, customer, adjustment, scrap, in transit) are "
        "made with it.",
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def warehouse_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    warehouse = _get_or_404(selectors.search_warehouses(request.user), pk)
    form = forms.WarehouseForm(request.POST or None, instance=warehouse)
    return _form_page(
        request,
        form,
        lambda data: master.update_warehouse(warehouse, **data),
        title=f"Edit warehouse {warehouse.code}",
        back="warehouse_list",
    )


# --- Zones -------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def zone_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.ZoneFilterForm(request.GET)
    rows = selectors.search_zones(request.user, **filters.filters())
    return _list_page(request, "inventory/master/zones.html", rows, filters)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def zone_create(request: AuthedRequest) -> HttpResponse:
    form = forms.ZoneForm(request.POST or None)
    return _form_page(
        request, form, lambda data: master.create_zone(**data), title="New zone", back="zone_list"
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def zone_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    zone = _get_or_404(selectors.search_zones(request.user), pk)
    form = forms.ZoneForm(request.POST or None, instance=zone)
    return _form_page(
        request,
        form,
        lambda data: master.update_zone(zone, **data),
        title=f"Edit zone {zone}",
        back="zone_list",
    )


# --- Locations ---------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def location_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.LocationFilterForm(request.GET)
    rows = selectors.search_locations(request.user, **filters.filters())
    return _list_page(
        request,
        "inventory/master/locations.html",
        rows,
        filters,
        import_form=forms.ImportForm(),
        columns=csv_io.LOCATION_COLUMNS,
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def location_create(request: AuthedRequest) -> HttpResponse:
    form = forms.LocationForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: master.create_location(**data),
        title="New location",
        back="location_list",
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def location_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """A virtual location is shown read-only: the system keeps it, and a POST changes nothing."""
    location = _get_or_404(selectors.locations_for_user(request.user), pk)
    form = forms.LocationForm(
        request.POST or None, instance=location, read_only=location.is_virtual
    )
    return _form_page(
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


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def location_import(request: AuthedRequest) -> HttpResponse:
    return _import_page(
        request,
        csv_io.import_locations,
        noun="locations",
        columns=csv_io.LOCATION_COLUMNS,
        back="location_list",
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def location_export(request: AuthedRequest) -> StreamingHttpResponse:
    filters = forms.LocationFilterForm(request.GET)
    rows = selectors.search_locations(request.user, **filters.filters())
    return _csv_response(csv_io.export_locations(rows), "locations")


# --- Products ----------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def product_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.ProductFilterForm(request.GET)
    rows = selectors.with_on_hand(selectors.search_products(request.user, **filters.filters()))
    return _list_page(
        request,
        "inventory/master/products.html",
        rows,
        filters,
        import_form=forms.ImportForm(),
        columns=csv_io.PRODUCT_COLUMNS,
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def product_create(request: AuthedRequest) -> HttpResponse:
    form = forms.ProductForm(request.POST or None)
    barcodes = forms.barcode_formset(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: master.create_product(barcodes=barcodes.kept(), **data),
        title="New product",
        back="product_list",
        formset=barcodes,
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def product_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """A SKU or client change on a product with stock or history, or a tracking change on one
    with stock, is refused on the form (update_product decides, under the product's lock)."""
    product = _get_or_404(selectors.search_products(request.user), pk)
    form = forms.ProductForm(request.POST or None, instance=product)
    barcodes = forms.barcode_formset(request.POST or None, product)
    return _form_page(
        request,
        form,
        lambda data: master.update_product(product, barcodes=barcodes.kept(), **data),
        title=f"Edit product {product.sku}",
        back="product_list",
        formset=barcodes,
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def product_import(request: AuthedRequest) -> HttpResponse:
    return _import_page(
        request,
        csv_io.import_products,
        noun="products",
        columns=csv_io.PRODUCT_COLUMNS,
        back="product_list",
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def product_export(request: AuthedRequest) -> StreamingHttpResponse:
    filters = forms.ProductFilterForm(request.GET)
    rows = selectors.search_products(request.user, **filters.filters())
    return _csv_response(csv_io.export_products(rows), "products")


# --- Lots --------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def lot_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.LotFilterForm(request.GET)
    rows = selectors.search_lots(request.user, **filters.filters())
    return _list_page(request, "inventory/master/lots.html", rows, filters)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def lot_create(request: AuthedRequest) -> HttpResponse:
    form = forms.LotForm(request.POST or None)
    return _form_page(
        request, form, lambda data: master.create_lot(**data), title="New lot", back="lot_list"
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def lot_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    lot = _get_or_404(selectors.search_lots(request.user), pk)
    form = forms.LotForm(request.POST or None, instance=lot)
    return _form_page(
        request,
        form,
        lambda data: master.update_lot(lot, **data),
        title=f"Edit lot {lot.number} of {lot.product.sku}",
        back="lot_list",
    )


# --- LPNs --------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def lpn_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.LpnFilterForm(request.GET)
    rows = selectors.search_lpns(request.user, **filters.filters())
    return _list_page(request, "inventory/master/lpns.html", rows, filters)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def lpn_create(request: AuthedRequest) -> HttpResponse:
    form = forms.LpnForm(request.POST or None)
    return _form_page(
        request, form, lambda data: master.create_lpn(**data), title="New LPN", back="lpn_list"
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def lpn_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    lpn = _get_or_404(selectors.search_lpns(request.user), pk)
    form = forms.LpnForm(request.POST or None, instance=lpn)
    where = lpn.location.code if lpn.location else "no location"
    return _form_page(
        request,
        form,
        lambda data: master.update_lpn(lpn, **data),
        title=f"Edit LPN {lpn.code}",
        back="lpn_list",
        note=f"At {where}. An LPN moves only when stock moves (through the ledger).",
    )
