"""The client's inventory: per SKU with search, filters, sort, pages and a CSV download, and a
SKU's page with its lots and its client-visible history."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from inventory.models import Product
from portal import forms, selectors
from portal.csv_io import csv_lines
from portal.views.common import USE, portal_page
from wms.http import AuthedRequest
from wms.pages import csv_download, found_or_404, list_page

HISTORY_PAGE_SIZE = 50
# The annotations of selectors.sku_inventory, in the CSV's column order.
INVENTORY_FIELDS = (
    "sku",
    "name",
    "on_hand",
    "allocated",
    "available",
    "held",
    "inbound",
    "lot_count",
    "earliest_expiry",
)
INVENTORY_HEADER = (
    "sku",
    "name",
    "on_hand",
    "allocated",
    "available",
    "on_hold_or_damaged",
    "inbound",
    "lots",
    "earliest_expiry",
)


def _rows(request: AuthedRequest) -> tuple[forms.InventoryFilterForm, QuerySet[Product]]:
    filters = forms.InventoryFilterForm(request.GET)
    wanted = filters.filters()
    rows = selectors.sku_inventory(
        request.user,
        query=wanted.get("query", ""),
        stock=wanted.get("stock", ""),
        sort=wanted.get("sort", "sku"),
    )
    return filters, rows


@portal_page(USE)
def inventory(request: AuthedRequest) -> HttpResponse:
    filters, rows = _rows(request)
    return list_page(
        request,
        "portal/inventory.html",
        rows,
        filters,
        export_url="/portal/inventory/export.csv",
    )


@portal_page(USE)
def inventory_csv(request: AuthedRequest) -> StreamingHttpResponse:
    _, rows = _rows(request)
    lines = rows.values_list(*INVENTORY_FIELDS).iterator(chunk_size=500)
    return csv_download(csv_lines(INVENTORY_HEADER, lines), "inventory")


@portal_page(USE)
def sku_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    product = found_or_404(selectors.get_sku_for_user(request.user, pk))
    history = Paginator(selectors.sku_history(request.user, product), HISTORY_PAGE_SIZE)
    context = {
        "product": product,
        "lots": selectors.sku_lots(product),
        "page": history.get_page(request.GET.get("page")),
    }
    return render(request, "portal/sku.html", context)
