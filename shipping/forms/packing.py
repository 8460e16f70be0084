"""Input of the pack station's forms: opening a carton (a box type, a product's own container or
given dimensions, at a pack station) and closing it (the weight a scale wedge types, materials,
a manager's reason). Validation only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from wms.validation import CodeField, IdField, TextField, WholeNumberField


class OpenCartonForm(forms.Form):
    box_type = CodeField(required=False, max_length=32)
    own_sku = CodeField(required=False, max_length=64)
    length_mm = WholeNumberField(required=False, min_value=1)
    width_mm = WholeNumberField(required=False, min_value=1)
    height_mm = WholeNumberField(required=False, min_value=1)
    tare_weight_g = WholeNumberField(required=False, min_value=0)
    pack_station = IdField()
    idempotency_key = TextField(required=False, max_length=128)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dims = [data.get(name) for name in ("length_mm", "width_mm", "height_mm")]
        if not data.get("box_type") and not data.get("own_sku") and not all(dims):
            raise forms.ValidationError(
                "Choose a box, or give the box's length, width and height in mm."
            )
        return data


class CloseCartonForm(forms.Form):
    # A text field, so a scale's keyboard wedge can type into it.
    weight_g = WholeNumberField(
        label="Weight (g)",
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    override_reason = TextField(required=False, max_length=200)
    idempotency_key = TextField(required=False, max_length=128)
