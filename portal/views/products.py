"""The client's catalogue: create and edit their SKUs (barcodes, dimensions, lot and expiry
tracking) with inventory's form and services, and import them from CSV with the desk's
all-or-nothing, row-numbered import, limited to the client's own code."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from inventory import csv_io
from inventory import selectors as inventory_selectors
from inventory.forms.master import ImportForm, barcode_formset
from inventory.models import Product
from inventory.services import master
from portal import forms
from portal.views.common import USE, portal_page
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import add_refusal, found_or_404
from wms.permissions import require

CHANGE = "inventory.change_product"


def _save(request: AuthedRequest, product: Product | None) -> HttpResponse:
    form = forms.PortalProductForm(request.user, request.POST or None, instance=product)
    barcodes = barcode_formset(request.POST or None, product)
    if request.method == "POST" and form.is_valid() and barcodes.is_valid():
        data = dict(form.cleaned_data)
        require(request.user, CHANGE, Product(client=data["client"]))
        try:
            if product is None:
                saved = master.create_product(barcodes=barcodes.kept(), **data)
            else:
                saved = master.update_product(product, barcodes=barcodes.kept(), **data)
        except DomainError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, f"Saved {saved.sku}.")
            return redirect("portal_sku", pk=saved.pk)
    title = f"Edit {product.sku}" if product else "New SKU"
    return render(
        request, "portal/product_form.html", {"form": form, "formset": barcodes, "title": title}
    )


@portal_page(USE, "GET", "POST")
def product_create(request: AuthedRequest) -> HttpResponse:
    return _save(request, None)


@portal_page(USE, "GET", "POST")
def product_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """A SKU change on a product with stock or history, or a tracking change on one in stock, is
    refused on the form (inventory's update_product decides, under the product's lock)."""
    product = found_or_404(inventory_selectors.get_product_for_user(request.user, pk))
    return _save(request, product)


@portal_page(USE, "GET", "POST")
def product_import(request: AuthedRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if posted and form.is_valid():
        result = csv_io.import_products(
            form.cleaned_data["file"],
            request.user,
            client=inventory_selectors.client_of(request.user),
        )
        if result.ok:
            messages.success(request, result.summary("products"))
            return redirect("portal_inventory")
    context = {
        "form": form,
        "result": result,
        "noun": "SKUs",
        "columns": csv_io.PRODUCT_COLUMNS,
        "back_url": reverse("portal_inventory"),
    }
    return render(request, "portal/product_import.html", context)
