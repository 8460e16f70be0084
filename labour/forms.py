from __future__ import annotations

from django import forms

from wms.validation import TextField, WholeNumberField


class ShiftCorrectionForm(forms.Form):
    started_at = forms.DateTimeField(
        label="Clocked in", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ended_at = forms.DateTimeField(
        required=False,
        label="Clocked out",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = TextField(max_length=200, help_text="Why: kept with the shift.")


class StandardForm(forms.Form):
    per_task_seconds = WholeNumberField(min_value=0, max_value=86_400, label="Seconds per task")
    per_line_seconds = WholeNumberField(min_value=0, max_value=86_400, label="Seconds per line")
    per_unit_seconds = WholeNumberField(min_value=0, max_value=86_400, label="Seconds per unit")
    per_location_seconds = WholeNumberField(
        min_value=0, max_value=86_400, label="Seconds per location visited"
    )
