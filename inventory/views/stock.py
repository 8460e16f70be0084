"""Stock pages for managers: on-hand, "why is this number what it is", a location's contents,
and adjustments (with confirmation)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from rules.contrib.views import permission_required

from inventory import selectors
from inventory.forms.stock import AdjustmentForm, OnHandFilterForm
from inventory.models import Balance, Location, Product
from inventory.services import ledger
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import Column, page, table_page

PAGE_SIZE = 50


ON_HAND_COLUMNS = (
    Column("Warehouse", lambda b: b.warehouse.code, ("warehouse__code",)),
    Column("Location", lambda b: b.location.code, ("location__code",)),
    Column(
        "Zone", lambda b: b.location.zone.code if b.location.zone else "", ("location__zone__code",)
    ),
    Column("Client", lambda b: b.product.client.code, ("product__client__code",)),
    Column("SKU", lambda b: b.product.sku, ("product__sku",)),
    Column("Lot", lambda b: b.lot.number if b.lot else "", ("lot__number",)),
    Column("LPN", lambda b: b.lpn.code if b.lpn else "", ("lpn__code",)),
    Column("Status", lambda b: b.get_status_display(), ("status",)),
    Column("On hand", lambda b: b.on_hand, ("on_hand",), numeric=True),
    Column("Allocated", lambda b: b.allocated, ("allocated",), numeric=True),
    Column("Free", lambda b: b.available, (), numeric=True),
)


@login_required
@permission_required("inventory.view_stock", raise_exception=True)
def on_hand(request: AuthedRequest) -> HttpResponseBase:
    """Balances filtered by the URL, sortable by any column, exported to CSV as filtered."""
    form = OnHandFilterForm(request.GET or None)
    rows = selectors.balances(request.user, form.filters())
    return table_page(
        request,
        "inventory/stock/on_hand.html",
        rows,
        columns=ON_HAND_COLUMNS,
        csv_name="stock-on-hand",
        form=form,
        totals=selectors.totals(rows),
    )


@login_required
@permission_required("inventory.view_stock", raise_exception=True)
def product_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    product = selectors.products_for_user(request.user).filter(pk=pk).first()
    if product is None:
        raise Http404("No such product.")
    page = Paginator(selectors.move_history(product), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_running_on_hand(list(page.object_list), product)
    context = {
        "product": product,
        "summary": selectors.stock_summary(product),
        "balances": selectors.balances(
            request.user, selectors.BalanceFilters(product_id=product.pk)
        ),
        "virtual": selectors.virtual_positions(product),
        "page": page,
    }
    return render(request, "inventory/stock/product.html", context)


@login_required
@permission_required("inventory.view_stock", raise_exception=True)
def location_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    location = selectors.locations_for_user(request.user).filter(pk=pk).first()
    if location is None:
        raise Http404("No such location.")
    page = Paginator(selectors.moves_at_location(location), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "location": location,
        "balances": selectors.balances(
            request.user, selectors.BalanceFilters(location_id=location.pk)
        ),
        "page": page,
    }
    return render(request, "inventory/stock/location.html", context)


@page("inventory.adjust_stock", "GET", "POST")
def adjust(request: AuthedRequest) -> HttpResponse:
    """First POST shows what will change and asks to confirm; the confirming POST adjusts."""
    form = AdjustmentForm(request.POST or None, initial=request.GET.dict())
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        product: Product = data["product"]
        location: Location = data["location_obj"]
        if data.get("confirmed"):
            try:
                ledger.adjust(
                    user=request.user,
                    product=product,
                    location=location,
                    quantity=data["quantity"],
                    reason_code=data["reason_code"],
                    lot=data["lot_obj"],
                    lpn=data["lpn_obj"],
                    status=data["status"],
                    note=data["note"],
                    idempotency_key=data["idempotency_key"] or None,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, f"Adjusted {product.sku} at {location.code} by {data['quantity']:+d}."
                )
                return redirect("stock_product", pk=product.pk)
        else:
            current = Balance.objects.filter(
                location=location,
                product=product,
                lot=data["lot_obj"],
                lpn=data["lpn_obj"],
                status=data["status"],
            ).first()
            before = current.on_hand if current else 0
            preview = {
                "product": product,
                "location": location,
                "before": before,
                "after": before + data["quantity"],
                "quantity": data["quantity"],
            }
    return render(request, "inventory/stock/adjust.html", {"form": form, "preview": preview})
