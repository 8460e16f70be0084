"""Input validation for the master data pages: list filters, create and edit forms, CSV upload.
Forms never save: views pass their cleaned data to inventory.services.master."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from inventory.models import (
    Client,
    Location,
    Lot,
    Lpn,
    LpnKind,
    Product,
    StorageType,
    Tracking,
    Warehouse,
    Zone,
)
from inventory.selectors import VIRTUAL_KIND_FILTER
from inventory.services.master import PHYSICAL_KINDS, BarcodeSpec
from wms.forms import FilterForm, active_filter, choice_filter, model_filter, yes_no_filter
from wms.validation import CleanModelForm, CodeField, QuantityField

# --- List filters ------------------------------------------------------------------------------


class ClientFilterForm(FilterForm):
    placeholder = "Search by code or name"
    active = active_filter()


class WarehouseFilterForm(FilterForm):
    placeholder = "Search by code, name or city"
    active = active_filter()


class ZoneFilterForm(FilterForm):
    placeholder = "Search by code or name"
    warehouse = model_filter("Warehouse", Warehouse.objects.order_by("code"), "Any warehouse")


class LocationFilterForm(FilterForm):
    placeholder = "Search by code or barcode"
    warehouse = model_filter("Warehouse", Warehouse.objects.order_by("code"), "Any warehouse")
    zone = model_filter(
        "Zone",
        Zone.objects.select_related("warehouse").order_by("warehouse__code", "code"),
        "Any zone",
    )
    kind = choice_filter(
        "Kind",
        [("", "Physical locations"), *PHYSICAL_KINDS, (VIRTUAL_KIND_FILTER, "Virtual locations")],
    )
    blocked = yes_no_filter("Blocked", "Blocked and open", "Blocked", "Open")

    def filters(self) -> dict[str, Any]:
        """No kind chosen lists the physical locations only (the virtual ones have their own
        choice)."""
        data = super().filters()
        if not data.get("kind"):
            data["is_virtual"] = False
        return data


class ProductFilterForm(FilterForm):
    placeholder = "Search by SKU, name or barcode"
    client = model_filter("Client", Client.objects.order_by("code"), "Any client")
    tracking = choice_filter("Tracking", [("", "Any tracking"), *Tracking.choices])
    active = active_filter()


class LotFilterForm(FilterForm):
    placeholder = "Search by lot number or SKU"
    client = model_filter("Client", Client.objects.order_by("code"), "Any client")


class LpnFilterForm(FilterForm):
    placeholder = "Search by code"
    warehouse = model_filter("Warehouse", Warehouse.objects.order_by("code"), "Any warehouse")
    kind = choice_filter("Kind", [("", "Any kind"), *LpnKind.choices])


# --- Create and edit ---------------------------------------------------------------------------


class ClientForm(CleanModelForm):
    class Meta:
        model = Client
        fields = ["code", "name", "is_active"]
        help_texts = {"code": "Lower-case letters, digits and hyphens; used in CSV files."}


class WarehouseForm(CleanModelForm):
    class Meta:
        model = Warehouse
        fields = [
            "code",
            "name",
            "address_line1",
            "city",
            "postal_code",
            "country",
            "time_zone",
            "is_active",
        ]
        help_texts = {"time_zone": "A name such as Europe/Berlin or America/Chicago."}


class ZoneForm(CleanModelForm):
    class Meta:
        model = Zone
        fields = ["warehouse", "code", "name", "storage_class"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Its locations are in that warehouse; a zone does not move.
            self.fields["warehouse"].disabled = True


class LocationForm(CleanModelForm):
    """A physical location. Virtual kinds are not offered; a virtual location is shown with
    every field disabled (`read_only`)."""

    class Meta:
        model = Location
        fields = [
            "warehouse",
            "zone",
            "code",
            "barcode",
            "kind",
            "storage_type",
            "pick_sequence",
            "max_units",
            "max_volume_cm3",
            "max_weight_g",
            "is_pickable",
            "is_blocked",
            "blocked_reason",
        ]
        labels = {
            "max_units": "Capacity (units)",
            "max_volume_cm3": "Capacity (volume, cm³)",
            "max_weight_g": "Capacity (weight, g)",
            "is_pickable": "Pickable",
            "is_blocked": "Blocked",
        }
        help_texts = {"barcode": "What the bin label encodes. Leave empty to use the code."}

    def __init__(self, *args: Any, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.select_related("warehouse").order_by(  # type: ignore[attr-defined]
            "warehouse__code", "code"
        )
        self.fields["barcode"].required = False
        # Billing's storage type: a location saved without one stays (or becomes) a bin.
        self.fields["storage_type"].required = False
        kind = self.fields["kind"]
        if not read_only:
            kind.choices = PHYSICAL_KINDS  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["warehouse"].disabled = True
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        warehouse, zone = data.get("warehouse"), data.get("zone")
        if warehouse is not None and zone is not None and zone.warehouse_id != warehouse.pk:
            self.add_error("zone", f"Choose a zone of warehouse {warehouse.code}.")
        if data.get("code") and not data.get("barcode"):
            data["barcode"] = data["code"]
        if not data.get("storage_type"):
            data["storage_type"] = self.instance.storage_type or StorageType.BIN
        return data


class ProductForm(CleanModelForm):
    class Meta:
        model = Product
        fields = [
            "client",
            "sku",
            "name",
            "description",
            "length_mm",
            "width_mm",
            "height_mm",
            "weight_g",
            "tracking",
            "inner_qty",
            "case_qty",
            "pallet_qty",
            "ships_in_own_container",
            "is_active",
        ]
        labels = {
            "length_mm": "Length (mm)",
            "width_mm": "Width (mm)",
            "height_mm": "Height (mm)",
            "weight_g": "Weight (g)",
            "inner_qty": "Inner pack quantity",
            "case_qty": "Case quantity",
            "pallet_qty": "Pallet quantity",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class BarcodeForm(forms.Form):
    barcode = CodeField(required=False, max_length=64)
    pack_quantity = QuantityField(initial=1, required=False, help_text="Eaches per scan.")


class BaseBarcodeFormSet(forms.BaseFormSet):
    """A product's barcodes. A row with an empty barcode, or ticked for removal, is dropped."""

    def kept(self) -> list[BarcodeSpec]:
        return [
            BarcodeSpec(
                form.cleaned_data["barcode"].strip(), form.cleaned_data["pack_quantity"] or 1
            )
            for form in self.forms
            if form.cleaned_data.get("barcode", "").strip() and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for spec in self.kept():
            if spec.barcode in seen:
                raise forms.ValidationError(f"Barcode {spec.barcode} is listed twice.")
            seen.add(spec.barcode)


BarcodeFormSet = forms.formset_factory(
    BarcodeForm, formset=BaseBarcodeFormSet, extra=2, can_delete=True
)


def barcode_formset(data: Any, product: Product | None = None) -> BaseBarcodeFormSet:
    """The barcode rows of a product form: the product's barcodes and two empty rows."""
    initial = (
        [{"barcode": b.barcode, "pack_quantity": b.pack_quantity} for b in product.barcodes.all()]
        if product is not None
        else []
    )
    return cast(BaseBarcodeFormSet, BarcodeFormSet(data, initial=initial, prefix="barcodes"))


class LotForm(CleanModelForm):
    class Meta:
        model = Lot
        fields = ["product", "number", "expiry_date"]
        widgets = {"expiry_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        product = self.fields["product"]
        # Only lot-tracked products have lots.
        product.queryset = (  # type: ignore[attr-defined]
            Product.objects.exclude(tracking=Tracking.NONE)
            .select_related("client")
            .order_by("client__code", "sku")
        )
        if self.instance.pk:
            product.disabled = True


class LpnForm(CleanModelForm):
    """An LPN's code, kind and warehouse. Its location is not here: the ledger places it."""

    class Meta:
        model = Lpn
        fields = ["code", "kind", "warehouse"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
