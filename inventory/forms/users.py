"""The user pages' forms: a user's name and role together with where they may work."""

from __future__ import annotations

from django import forms

from inventory.models import Client, Warehouse
from wms.accounts.models import Role
from wms.validation import TextField


class UserScopeForm(forms.Form):
    first_name = TextField(max_length=150, required=False)
    last_name = TextField(max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices)
    warehouses = forms.ModelMultipleChoiceField(
        queryset=Warehouse.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Operators work only in these warehouses.",
    )
    client = forms.ModelChoiceField(
        queryset=Client.objects.filter(is_active=True),
        required=False,
        help_text="Required for client users, and only for them.",
    )
    is_client_admin = forms.BooleanField(
        required=False,
        label="Client admin",
        help_text="A client user who invites and deactivates their client's users and makes its "
        "API tokens in the portal.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        role, client = data.get("role"), data.get("client")
        if role == Role.CLIENT and client is None:
            self.add_error("client", "A client user must belong to a client.")
        if role and role != Role.CLIENT and client is not None:
            self.add_error("client", "Only client users belong to a client.")
        if role and role != Role.CLIENT and data.get("is_client_admin"):
            self.add_error("is_client_admin", "Only client users can be client admins.")
        if role == Role.OPERATOR and not data.get("warehouses"):
            self.add_error("warehouses", "Assign an operator at least one warehouse.")
        return data


class InviteUserForm(UserScopeForm):
    email = forms.EmailField()
    field_order = [
        "email",
        "first_name",
        "last_name",
        "role",
        "warehouses",
        "client",
        "is_client_admin",
    ]
