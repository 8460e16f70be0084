"""Input validation of the billing pages. Services decide; these parse what was typed and show
the services' field errors next to the fields they name."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MinValueValidator

from billing.models import (
    Basis,
    BillingSettings,
    ChargeLine,
    PeriodKind,
    RateRule,
    RuleKind,
    StorageMode,
)
from billing.services.cards import RuleSpec
from inventory.models import Client, StorageType
from wms.validation import MultilineTextField


class RateCardForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.filter(rate_card__isnull=True))
    name = forms.CharField(max_length=120)
    period_kind = forms.ChoiceField(choices=PeriodKind.choices, initial=PeriodKind.MONTHLY)


class VersionForm(forms.Form):
    effective_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    storage_mode = forms.ChoiceField(choices=StorageMode.choices, initial=StorageMode.DAILY)
    note = forms.CharField(max_length=200, required=False)


class RuleForm(forms.Form):
    """One rule row of the editor. Prices may be typed negative: the service refuses them with
    a message on the row (so the page and the API say the same thing)."""

    kind = forms.ChoiceField(choices=RuleKind.choices)
    basis = forms.ChoiceField(choices=Basis.choices)
    unit_price = forms.DecimalField(max_digits=14, decimal_places=4, initial=Decimal("0"))
    markup_percent = forms.DecimalField(
        max_digits=7, decimal_places=3, initial=Decimal("0"), required=False
    )
    markup_flat = forms.DecimalField(
        max_digits=14, decimal_places=4, initial=Decimal("0"), required=False
    )
    storage_type = forms.ChoiceField(choices=[("", "—"), *StorageType.choices], required=False)
    tier_from = forms.IntegerField(min_value=1, required=False)
    tier_to = forms.IntegerField(min_value=1, required=False)
    description = forms.CharField(max_length=200, required=False)

    def spec(self) -> RuleSpec:
        data = self.cleaned_data
        return RuleSpec(
            kind=data["kind"],
            basis=data["basis"],
            unit_price=data["unit_price"],
            markup_percent=data.get("markup_percent") or Decimal("0"),
            markup_flat=data.get("markup_flat") or Decimal("0"),
            storage_type=data.get("storage_type") or "",
            tier_from=data.get("tier_from"),
            tier_to=data.get("tier_to"),
            description=data.get("description") or "",
        )


RuleFormSet = forms.formset_factory(RuleForm, extra=2, can_delete=True, max_num=200)


def rule_initial(rules: list[RuleSpec]) -> list[dict[str, Any]]:
    return [
        {
            "kind": r.kind,
            "basis": r.basis,
            "unit_price": r.unit_price,
            "markup_percent": r.markup_percent,
            "markup_flat": r.markup_flat,
            "storage_type": r.storage_type,
            "tier_from": r.tier_from,
            "tier_to": r.tier_to,
            "description": r.description,
        }
        for r in rules
    ]


def apply_rule_errors(formset: Any, version_form: forms.Form, errors: dict[str, list[str]]) -> None:
    """Puts a service's `rules.<n>.<field>` errors on the rows that were sent (the formset's
    forms that were not deleted, in order) and the others on the version form."""
    kept = [f for f in formset.forms if f.has_changed() and not f.cleaned_data.get("DELETE")]
    for key, messages in errors.items():
        parts = key.split(".")
        if parts[0] == "rules" and len(parts) == 3 and parts[1].isdigit():
            row = kept[int(parts[1])]
            field = parts[2] if parts[2] in row.fields else None
            for message in messages:
                row.add_error(field, message)
        else:
            field = key if key in version_form.fields else None
            for message in messages:
                version_form.add_error(field, message)


class ManualChargeForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.filter(is_active=True))
    rule = forms.ModelChoiceField(
        queryset=RateRule.objects.filter(basis=Basis.MANUAL).select_related("version__card"),
        required=False,
        help_text="A service of the client's rate card (its price), or leave empty and name it.",
        label="Service",
    )
    description = forms.CharField(max_length=200, required=False)
    quantity = forms.DecimalField(max_digits=18, decimal_places=4, min_value=Decimal("0.0001"))
    unit = forms.CharField(max_length=32, required=False, initial="hour")
    unit_price = forms.DecimalField(
        required=False,
        max_digits=14,
        decimal_places=4,
        min_value=Decimal("0"),
        help_text="Leave empty to use the service's price.",
    )
    activity_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Default: today."
    )
    note = forms.CharField(max_length=200, required=False)


class NonBillableForm(forms.Form):
    reason = forms.CharField(max_length=300, help_text="Why this activity is not billed.")


class CreditNoteForm(forms.Form):
    line = forms.ModelChoiceField(queryset=ChargeLine.objects.none(), label="Line to credit")
    amount = forms.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    reason = forms.CharField(max_length=300)

    def __init__(self, *args: Any, invoice: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["line"]
        field.queryset = ChargeLine.objects.filter(invoice=invoice, amount__gt=0).order_by("pk")  # type: ignore[attr-defined]
        field.label_from_instance = lambda line: (  # type: ignore[attr-defined]
            f"#{line.pk} {line.activity_date:%Y-%m-%d} {line.description}: {line.amount}"
        )


class BillingSettingsForm(forms.ModelForm):
    class Meta:
        model = BillingSettings
        fields = [
            "company_name",
            "company_address",
            "currency",
            "tax_label",
            "tax_rate_percent",
            "invoice_prefix",
            "credit_note_prefix",
            "payment_terms_days",
        ]
        widgets = {"company_address": forms.Textarea(attrs={"rows": 3})}


class DisputeForm(forms.Form):
    """A client's note on a charge they dispute."""

    note = MultilineTextField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What is wrong with this charge; the warehouse's billing team answers here.",
    )


class DisputeAnswerForm(forms.Form):
    """A manager's answer to a dispute: accept or reject, with the message the client reads."""

    decision = forms.ChoiceField(
        choices=[("accept", "Accept (then issue a credit note)"), ("reject", "Reject")],
        widget=forms.RadioSelect,
    )
    answer = MultilineTextField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
