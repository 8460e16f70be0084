"""The managers' holds desk: holds (place one, release one with a note) and a lot's recall
report (where every unit is, and where the rest went)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from control import selectors
from control.models import Hold, HoldKind, HoldReason, HoldStatus
from control.services.holds import place_hold, release_hold
from inventory import selectors as inventory_selectors
from inventory.models import Warehouse
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import Column, add_refusal, found_or_404, page, table_page
from wms.validation import CodeField, TextField, filter_text


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


def _held(hold: Hold) -> str:
    if hold.lot:
        return f"lot {hold.lot.number} of {hold.product.sku if hold.product else ''}".strip()
    if hold.product:
        return hold.product.sku
    if hold.location:
        return hold.location.code
    return hold.lpn.code if hold.lpn else ""


def _released(hold: Hold) -> str:
    if not hold.released_at:
        return ""
    note = f": {hold.release_note}" if hold.release_note else ""
    return f"{hold.released_at.isoformat(timespec='seconds')} by {hold.released_by}{note}"


HOLD_COLUMNS = (
    Column("Hold", lambda h: h.pk, ("pk",), key="hold"),
    Column("Kind", lambda h: h.get_kind_display(), ("kind",)),
    Column("What", _held),
    Column(
        "Reason",
        lambda h: h.get_reason_display() + (f": {h.note}" if h.note else ""),
        ("reason",),
    ),
    Column("Units held", lambda h: h.held_units, ("held_units",), key="units", numeric=True),
    Column("Status", lambda h: h.get_status_display(), ("status",)),
    Column("By", lambda h: str(h.created_by or ""), ("created_by__email",)),
    Column("Released", _released, ("released_at",)),
    Column(""),
)


@page("control.manage_holds", "GET", "POST")
def hold_list(request: AuthedRequest) -> HttpResponseBase:
    """The holds filtered by the URL (status, reason), sortable, 50 a page, exported to CSV as
    filtered; and the form that places one."""
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
    status = filter_text(request.GET, "status", max_length=16)
    status = status if status in HoldStatus.values else ""
    reason = filter_text(request.GET, "reason", max_length=16)
    reason = reason if reason in HoldReason.values else ""
    rows = selectors.holds_for_user(request.user)
    if status:
        rows = rows.filter(status=status)
    if reason:
        rows = rows.filter(reason=reason)
    return table_page(
        request,
        "control/holds.html",
        rows.order_by("-created_at", "-pk"),
        columns=HOLD_COLUMNS,
        csv_name="holds",
        form=form,
        filters={"status": status, "reason": reason},
        statuses=HoldStatus.choices,
        reasons=HoldReason.choices,
    )


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
