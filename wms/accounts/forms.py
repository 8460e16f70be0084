from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from wms.validation import TextField


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class ApiTokenForm(forms.Form):
    name = TextField(
        max_length=80, help_text="What will use it, e.g. “ERP sync” or “Shopify connector”."
    )
