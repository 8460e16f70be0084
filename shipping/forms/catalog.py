"""Input validation for the catalog pages: list filters and create/edit forms. Forms never save:
views pass their cleaned data to shipping.services.catalog. Activation has its own confirmed
action, so `is_active` is on no form."""

from __future__ import annotations

from django import forms

from inventory.models import Client
from shipping.models import BoxType, CarrierAccount, PackagingMaterial
from wms.forms import FilterForm, active_filter


class BoxTypeFilterForm(FilterForm):
    placeholder = "Search by code or name"
    active = active_filter()
    client = forms.ModelChoiceField(
        required=False,
        queryset=Client.objects.filter(is_active=True),
        empty_label="Any client",
        widget=forms.Select(attrs={"aria-label": "Usable by client"}),
    )


class MaterialFilterForm(FilterForm):
    placeholder = "Search by code or name"
    active = active_filter()


class CarrierAccountFilterForm(FilterForm):
    placeholder = "Search by carrier, account id or description"
    active = active_filter()


class BoxTypeForm(forms.ModelForm):
    clients = forms.ModelMultipleChoiceField(
        required=False,
        queryset=Client.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked so that every client may use this box.",
    )

    class Meta:
        model = BoxType
        fields = [
            "code",
            "name",
            "inner_length_mm",
            "inner_width_mm",
            "inner_height_mm",
            "max_weight_g",
            "tare_weight_g",
            "cost",
            "currency",
            "clients",
        ]
        labels = {
            "inner_length_mm": "Inner length (mm)",
            "inner_width_mm": "Inner width (mm)",
            "inner_height_mm": "Inner height (mm)",
            "max_weight_g": "Maximum gross weight (g)",
            "tare_weight_g": "Tare weight (g)",
        }


class PackagingMaterialForm(forms.ModelForm):
    class Meta:
        model = PackagingMaterial
        fields = ["code", "name", "cost", "currency"]


class CarrierAccountForm(forms.ModelForm):
    class Meta:
        model = CarrierAccount
        fields = ["carrier", "easypost_id", "description"]


class WebhookSecretForm(forms.Form):
    secret = forms.CharField(
        required=False,
        max_length=200,
        label="Webhook secret",
        help_text="Leave empty to have a random one generated; or paste the secret your EasyPost "
        "webhook already uses.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
