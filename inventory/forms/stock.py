"""Input for the stock pages: on-hand filters and the manager's adjustment."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from inventory.models import Client, InventoryStatus, Location, Lot, Lpn, Product, Warehouse, Zone
from inventory.selectors import BalanceFilters
from wms.validation import INT_MAX, CodeField, TextField, WholeNumberField

ADJUSTMENT_REASONS = [
    ("", "Choose a reason"),
    ("FOUND", "Found stock"),
    ("DAMAGED", "Damaged"),
    ("LOST", "Lost / missing"),
    ("EXPIRED", "Expired"),
    ("COUNT_CORRECTION", "Count correction"),
    ("RECEIVING_ERROR", "Receiving error"),
    ("SAMPLE", "Sample / marketing"),
]


class OnHandFilterForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=Client.objects.all(), required=False, empty_label="Any client"
    )
    warehouse = forms.ModelChoiceField(
        queryset=Warehouse.objects.all(), required=False, empty_label="Any warehouse"
    )
    zone = forms.ModelChoiceField(
        queryset=Zone.objects.select_related("warehouse"), required=False, empty_label="Any zone"
    )
    sku = TextField(required=False, max_length=100, label="SKU")
    location = TextField(required=False, max_length=100)
    lot = TextField(required=False, max_length=100)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *InventoryStatus.choices], required=False
    )

    def filters(self) -> BalanceFilters:
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        return BalanceFilters(
            client_id=data["client"].pk if data.get("client") else None,
            warehouse_id=data["warehouse"].pk if data.get("warehouse") else None,
            zone_id=data["zone"].pk if data.get("zone") else None,
            sku=data.get("sku", ""),
            location_code=data.get("location", ""),
            lot_number=data.get("lot", ""),
            status=data.get("status", ""),
        )


class AdjustmentForm(forms.Form):
    """Finds the product, location, lot and LPN from what a manager types; the service decides
    whether the adjustment is allowed."""

    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.filter(is_active=True))
    client = forms.ModelChoiceField(queryset=Client.objects.filter(is_active=True))
    sku = CodeField(max_length=64, label="SKU")
    location = CodeField(max_length=64, help_text="Location code, e.g. A-01-02")
    lot = CodeField(required=False, max_length=64, help_text="Required for lot-tracked products")
    lpn = CodeField(required=False, max_length=32, label="LPN")
    status = forms.ChoiceField(choices=InventoryStatus.choices, initial=InventoryStatus.AVAILABLE)
    quantity = WholeNumberField(
        min_value=-INT_MAX, help_text="Positive adds stock, negative removes it."
    )
    reason_code = forms.ChoiceField(choices=ADJUSTMENT_REASONS)
    note = TextField(required=False, max_length=200)
    idempotency_key = TextField(widget=forms.HiddenInput, required=False, max_length=128)
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.data.get("idempotency_key"):
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean_quantity(self) -> int:
        quantity = int(self.cleaned_data["quantity"])
        if quantity == 0:
            raise forms.ValidationError("Adjust by a number other than zero.")
        return quantity

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        warehouse, client = data.get("warehouse"), data.get("client")
        if warehouse is None or client is None:
            return data
        product = Product.objects.filter(
            client=client, sku__iexact=data.get("sku", "").strip()
        ).first()
        if product is None:
            self.add_error("sku", f"No product “{data.get('sku')}” for {client}.")
        location = Location.objects.filter(
            warehouse=warehouse, code__iexact=data.get("location", "").strip(), is_virtual=False
        ).first()
        if location is None:
            self.add_error("location", f"No location “{data.get('location')}” in {warehouse.code}.")
        lot = None
        if product is not None and data.get("lot"):
            lot = Lot.objects.filter(product=product, number=data["lot"].strip()).first()
            if lot is None:
                self.add_error("lot", f"No lot “{data['lot']}” of {product.sku}.")
        lpn = None
        if data.get("lpn"):
            lpn = Lpn.objects.filter(warehouse=warehouse, code__iexact=data["lpn"].strip()).first()
            if lpn is None:
                self.add_error("lpn", f"No LPN “{data['lpn']}” in {warehouse.code}.")
        data.update(product=product, location_obj=location, lot_obj=lot, lpn_obj=lpn)
        return data
