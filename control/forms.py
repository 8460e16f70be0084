"""Input validation for inventory control's pages: count plans, thresholds, a manager's
decision, and the handheld count's bin scan and counted lines. Forms never save."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms

from control.models import CountPlan, CountStatus, PlanKind
from inventory import selectors as inventory_selectors
from inventory.models import Client, Warehouse, Zone
from wms.forms import FilterForm, choice_filter, limit_choices, model_filter
from wms.validation import CleanModelForm, QuantityField, ScanField, TextField, WholeNumberField

if TYPE_CHECKING:
    from wms.accounts.models import User


class CountFilterForm(FilterForm):
    placeholder = "Search by bin"
    status = choice_filter(
        "Status", [("", "Any status"), ("open", "Open (any stage)"), *CountStatus.choices]
    )


class LowStockFilterForm(FilterForm):
    placeholder = "Search by SKU"
    warehouse = model_filter("Warehouse", Warehouse.objects.order_by("code"), "Any warehouse")
    client = model_filter("Client", Client.objects.order_by("code"), "Any client")


class CountPlanForm(CleanModelForm):
    class Meta:
        model = CountPlan
        fields = ["warehouse", "name", "kind", "abc_class", "zone", "frequency_days", "is_active"]

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        warehouses = inventory_selectors.warehouses_for_user(user)
        limit_choices(
            self, warehouse=warehouses, zone=Zone.objects.filter(warehouse__in=warehouses)
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == PlanKind.ABC and not data.get("abc_class"):
            self.add_error("abc_class", "An ABC plan counts one class: choose A, B or C.")
        if kind == PlanKind.ZONE:
            zone, warehouse = data.get("zone"), data.get("warehouse")
            if zone is None:
                self.add_error("zone", "A zone plan needs its zone.")
            elif warehouse is not None and zone.warehouse_id != warehouse.pk:
                self.add_error("zone", f"Zone {zone} is not in {warehouse.code}.")
        return data


class ThresholdsForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none())
    max_units = WholeNumberField(min_value=0, max_value=1_000_000, label="Units")
    max_percent = forms.DecimalField(
        min_value=Decimal("0"), max_value=Decimal("1000"), decimal_places=2, label="Percent"
    )
    max_value = forms.DecimalField(
        min_value=Decimal("0"), max_digits=12, decimal_places=2, label="Value"
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, warehouse=inventory_selectors.warehouses_for_user(user))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    note = TextField(required=False, max_length=200)


class BinScanForm(forms.Form):
    location = ScanField(max_length=64, label="Bin")


class CountLineForm(forms.Form):
    item = ScanField(max_length=64, label="Item or case")
    lot = ScanField(max_length=64, required=False, label="Lot")
    lpn = ScanField(max_length=32, required=False, label="LPN")
    quantity = QuantityField(min_value=0, label="Quantity")


class MoveForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            ("units", "Units bin to bin"),
            ("lpn", "Whole LPN to a bin"),
            ("split", "Split units into another LPN"),
            ("merge", "Merge an LPN into another"),
        ],
        label="Move",
    )
    source = ScanField(max_length=64, label="From (bin or LPN)")
    target = ScanField(max_length=64, label="To (bin or LPN)")
    item = ScanField(max_length=64, required=False, label="Item")
    lot = ScanField(max_length=64, required=False, label="Lot")
    lpn = ScanField(max_length=32, required=False, label="From LPN (units only)")
    quantity = QuantityField(required=False, label="Quantity (blank: all)")
