"""The ERP pages' forms: a connection (mappings typed one pair a line, "ERP code = our code"),
the sync log's filters, and the reason a row is skipped. Input only: the services check the
rest."""

from __future__ import annotations

from typing import Any

from django import forms

from erp.models import (
    ConnectionScope,
    Direction,
    ErpConnection,
    SyncKind,
    SyncState,
    UnknownSkuPolicy,
)
from erp.services.connections import ConnectionSpec
from inventory.models import Client
from wms.forms import FilterForm, choice_filter, model_filter
from wms.validation import CodeField, MultilineTextField, TextField


def _pairs(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        left, sep, right = line.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise forms.ValidationError(
                f"Line {number}: write one pair a line as “ERP code = our code”; got {line!r}."
            )
        pairs[left.strip()] = right.strip()
    return pairs


def _lines(pairs: dict[str, str]) -> str:
    return "\n".join(f"{left} = {right}" for left, right in sorted(pairs.items()))


class ConnectionForm(forms.Form):
    name = TextField(max_length=120)
    scope = forms.ChoiceField(choices=ConnectionScope.choices)
    client = forms.ModelChoiceField(
        required=False,
        queryset=Client.objects.filter(is_active=True),
        help_text="For a client's ERP; empty for our own books.",
    )
    url = forms.URLField(
        max_length=300,
        label="URL",
        assume_scheme="https",
        help_text="e.g. http://erp.example:8000/",
    )
    database = CodeField(max_length=100)
    username = TextField(max_length=100)
    password = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text="Stored encrypted and never shown again; leave empty to keep the stored one.",
    )
    warehouse_map = MultilineTextField(
        required=False,
        label="Warehouses",
        help_text="One a line: ERP warehouse code = our warehouse code (WH = EAST).",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    service_products = MultilineTextField(
        required=False,
        label="Billing service products",
        help_text="One a line: billing kind = ERP product code (storage = SVC-STORAGE); "
        "“default” covers the other kinds.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    unknown_sku_policy = forms.ChoiceField(
        choices=UnknownSkuPolicy.choices, label="An SKU we do not have"
    )
    is_enabled = forms.BooleanField(required=False, initial=True, label="Enabled")

    @classmethod
    def for_connection(cls, data: Any, connection: ErpConnection | None) -> ConnectionForm:
        initial = None
        if connection is not None:
            initial = {
                "name": connection.name,
                "scope": connection.scope,
                "client": connection.client,
                "url": connection.url,
                "database": connection.database,
                "username": connection.username,
                "warehouse_map": _lines(connection.warehouse_map),
                "service_products": _lines(connection.service_products),
                "unknown_sku_policy": connection.unknown_sku_policy,
                "is_enabled": connection.is_enabled,
            }
        return cls(data, initial=initial)

    def clean_warehouse_map(self) -> dict[str, str]:
        return _pairs(self.cleaned_data.get("warehouse_map") or "")

    def clean_service_products(self) -> dict[str, str]:
        return _pairs(self.cleaned_data.get("service_products") or "")

    @staticmethod
    def spec(data: dict[str, Any]) -> ConnectionSpec:
        return ConnectionSpec(
            name=data["name"],
            scope=data["scope"],
            client=data.get("client"),
            url=data["url"],
            database=data["database"],
            username=data["username"],
            password=data.get("password") or None,
            warehouse_map=data["warehouse_map"],
            service_products=data["service_products"],
            unknown_sku_policy=data["unknown_sku_policy"],
            is_enabled=bool(data.get("is_enabled")),
        )


class RecordFilterForm(FilterForm):
    placeholder = "Search by reference, ERP number or message"
    connection = model_filter(
        "Connection", ErpConnection.objects.order_by("name"), "Any connection"
    )
    state = choice_filter("State", [("", "Any state"), *SyncState.choices])
    direction = choice_filter("Direction", [("", "Any direction"), *Direction.choices])
    kind = choice_filter("Document", [("", "Any document"), *SyncKind.choices])


class SkipForm(forms.Form):
    reason = TextField(max_length=250, help_text="Why it is not to be synced (kept in the log).")
