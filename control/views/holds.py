"""The managers' holds desk: holds (place one, release one with a note) and a lot's recall
report (where every unit is, and where the rest went)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from control import selectors
from control.models import HoldKind, HoldReason
from control.services.holds import place_hold, release_hold
from inventory import selectors as inventory_selectors
from inventory.models import Warehouse
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import add_refusal, found_or_404, page
from wms.validation import CodeField, TextField


class HoldForm(forms.Form):
    kind = forms.ChoiceField(choices=HoldKind.choices)
    reason = forms.ChoiceField(choices=HoldReason.choices)
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), required=False)
    client = CodeField(max_length=32, required=False, help_text="For a product or lot hold.")
    sku = CodeField(max_length=64, required=False)
    lot = CodeField(max_length=64, required=False)
    location = CodeField(max_length=32, required=False, help_text="Bin code (with warehouse).")
    lpn = CodeField(max_length=32, required=False, help_text="LPN code (with warehouse).")
    note = TextField(max_length=200, required=False)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["warehouse"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = inventory_selectors.warehouses_for_user(user)

    def target(self) -> dict[str, Any]:
        """The hold's target rows in the user's scope; a field error for each unknown one."""
        data = self.cleaned_data
        kind, user, warehouse = data["kind"], self.user, data.get("warehouse")
        found: dict[str, Any] = {}
        if kind in (HoldKind.PRODUCT, HoldKind.LOT):
            product = inventory_selectors.find_product_for_user(user, data["client"], data["sku"])
            if product is None:
                self.add_error("sku", "No such SKU for that client.")
                return found
            found["product"] = product
            if kind == HoldKind.LOT:
                lot = inventory_selectors.find_lot(product, data["lot"])
                if lot is None:
                    self.add_error("lot", f"No lot “{data['lot']}” of {product.sku}.")
                found["lot"] = lot
        elif warehouse is None:
            self.add_error("warehouse", "Choose the warehouse of the bin or LPN.")
        elif kind == HoldKind.LOCATION:
            location = inventory_selectors.find_location_for_user(
                user, warehouse.code, data["location"]
            )
            if location is None:
                self.add_error("location", f"No bin “{data['location']}” in {warehouse.code}.")
            found["location"] = location
        else:
            lpn = inventory_selectors.find_lpn_for_user(user, warehouse.pk, data["lpn"])
            if lpn is None:
                self.add_error("lpn", f"No LPN “{data['lpn']}” in {warehouse.code}.")
            found["lpn"] = lpn
        return found


@page("control.manage_holds", "GET", "POST")
def hold_list(request: AuthedRequest) -> HttpResponse:
    form = HoldForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = form.target()
        if form.is_valid():
            try:
                hold = place_hold(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    **target,
                )
            except DomainError as refused:
                add_refusal(form, refused)
            else:
                messages.success(request, f"Hold {hold.pk} placed: {hold.held_units} units held.")
                return redirect("hold_list")
    holds = selectors.holds_for_user(request.user)[:200]
    return render(request, "control/holds.html", {"holds": holds, "form": form})


@page("control.manage_holds", "POST")
def hold_release(request: AuthedRequest, pk: int) -> HttpResponse:
    hold = found_or_404(selectors.get_hold_for_user(request.user, pk))
    try:
        release_hold(hold=hold, user=request.user, note=request.POST.get("note", "")[:200])
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Hold {hold.pk} released.")
    return redirect("hold_list")


@page("control.manage_holds")
def recall(request: AuthedRequest, pk: int) -> HttpResponse:
    lot = found_or_404(inventory_selectors.get_lot_for_user(request.user, pk))
    report = selectors.recall_report(request.user, lot)
    return render(request, "control/recall.html", {"report": report})
