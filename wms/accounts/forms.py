from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from wms.accounts.models import Role, User
from wms.validation import TextField

# Scope choices come from the inventory models, reached through the User's own relations so that
# wms never imports a floor app.
_warehouse_model: Any = User._meta.get_field("warehouses").remote_field.model
_client_model: Any = User._meta.get_field("client").remote_field.model


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class UserScopeForm(forms.Form):
    first_name = TextField(max_length=150, required=False)
    last_name = TextField(max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices)
    warehouses = forms.ModelMultipleChoiceField(
        queryset=_warehouse_model.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Operators work only in these warehouses.",
    )
    client = forms.ModelChoiceField(
        queryset=_client_model.objects.filter(is_active=True),
        required=False,
        help_text="Required for client users, and only for them.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        role, client = data.get("role"), data.get("client")
        if role == Role.CLIENT and client is None:
            self.add_error("client", "A client user must belong to a client.")
        if role and role != Role.CLIENT and client is not None:
            self.add_error("client", "Only client users belong to a client.")
        if role == Role.OPERATOR and not data.get("warehouses"):
            self.add_error("warehouses", "Assign an operator at least one warehouse.")
        return data


class InviteUserForm(UserScopeForm):
    email = forms.EmailField()
    field_order = ["email", "first_name", "last_name", "role", "warehouses", "client"]


class ApiTokenForm(forms.Form):
    name = TextField(
        max_length=80, help_text="What will use it, e.g. “ERP sync” or “Shopify connector”."
    )
