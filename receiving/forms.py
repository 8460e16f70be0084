"""Input validation for the receiving pages: the ASN list filters, the ASN header, its lines (from
the formset or a CSV file) and one handheld scan. Forms never save: views pass what they clean to
receiving.services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django import forms

from inventory import selectors as inventory_selectors
from inventory.models import Client, Location, LocationKind, Warehouse, Zone
from receiving import selectors
from receiving.models import AsnStatus
from receiving.putaway import CONSOLIDATE, FIXED_HOME, NEAREST_EMPTY, STRATEGIES, PutawayPolicy
from receiving.services import AsnLineSpec
from wms.csv_io import Column, FileRefused, RowError, read_rows
from wms.forms import FilterForm, choice_filter, limit_choices, model_filter
from wms.quantities import is_count
from wms.validation import (
    CodeField,
    QuantityField,
    ScanField,
    TextField,
    code_problem,
    quantity_from,
    text_problem,
)

if TYPE_CHECKING:
    from wms.accounts.models import User

LINE_COLUMNS = (
    Column("sku", "The client's SKU (any case).", required=True),
    Column("expected_qty", "Whole units above zero.", required=True),
    Column("lot", "Lot number the supplier announced; only for lot-tracked products."),
    Column("expiry", "Expiry date as YYYY-MM-DD; only for lot-tracked products."),
)


class AsnFilterForm(FilterForm):
    placeholder = "Search by reference"
    client = model_filter("Client", Client.objects.none(), "Any client")
    warehouse = model_filter("Warehouse", Warehouse.objects.none(), "Any warehouse")
    status = choice_filter("Status", [("", "Any status"), *AsnStatus.choices])

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self,
            client=inventory_selectors.clients_for_user(user),
            warehouse=inventory_selectors.warehouses_for_user(user),
        )


class AsnForm(forms.Form):
    """The ASN header. Client, warehouse and dock door are limited to the user's scope."""

    client = forms.ModelChoiceField(queryset=Client.objects.none())
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none())
    reference = CodeField(max_length=64, help_text="The client's or supplier's number.")
    carrier = TextField(max_length=120, required=False)
    expected_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    dock_appointment = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    dock_door = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        required=False,
        empty_label="The warehouse's first dock",
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        warehouses = inventory_selectors.warehouses_for_user(user)
        limit_choices(
            self,
            client=inventory_selectors.clients_for_user(user),
            warehouse=warehouses,
            dock_door=Location.objects.filter(
                warehouse__in=warehouses, kind=LocationKind.DOCK
            ).select_related("warehouse"),
        )


class AsnImportForm(AsnForm):
    file = forms.FileField(
        label="CSV file of lines",
        error_messages={"required": "Choose a CSV file to upload.", "empty": "The file is empty."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


# --- Lines -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawLine:
    """One line as typed or uploaded, before the SKU is looked up."""

    line: int
    sku: str
    expected_qty: int | str | None
    lot_number: str
    expiry: dt.date | str | None


def _whole(value: int | str | None) -> int | None:
    """A quantity from 1 to the column's maximum, in ASCII digits; None otherwise."""
    if isinstance(value, int):
        return value
    return quantity_from(str(value or ""))


def _date(value: dt.date | str | None) -> tuple[dt.date | None, bool]:
    """The date and whether the value was readable (an empty value is readable: no date)."""
    if value is None or isinstance(value, dt.date):
        return value, True
    text = value.strip()
    if not text:
        return None, True
    try:
        return dt.date.fromisoformat(text), True
    except ValueError:
        return None, False


def line_specs(
    client: Client, raw_lines: list[RawLine]
) -> tuple[list[AsnLineSpec], list[RowError]]:
    """The lines as service specs, or every problem by line number (then no specs are usable):
    unknown SKU for the client, a quantity that is not a whole number above zero, a lot or expiry
    on a product that tracks none, an unreadable expiry, the same SKU and lot twice."""
    products = selectors.products_by_sku(client, [raw.sku.strip() for raw in raw_lines])
    specs: list[AsnLineSpec] = []
    errors: list[RowError] = []
    seen: dict[tuple[int, str], int] = {}
    for raw in raw_lines:
        problems: list[str] = []
        sku = raw.sku.strip()
        product = products.get(sku.upper())
        qty = _whole(raw.expected_qty)
        lot = raw.lot_number.strip()
        expiry, readable = _date(raw.expiry)
        if not sku:
            problems.append("sku is empty.")
        elif problem := text_problem(sku):
            problems.append(f"sku {problem}")
        elif product is None:
            problems.append(f"SKU “{sku}” is not a product of {client.code}.")
        if not is_count(qty):
            problems.append(
                f"expected_qty “{raw.expected_qty}” is not a whole number from 1 to 2147483647."
            )
        if lot and (problem := code_problem(lot)):
            problems.append(f"lot {problem}")
        if not readable:
            problems.append(f"expiry “{raw.expiry}” is not a date (YYYY-MM-DD).")
        if product is not None and (lot or expiry) and not product.is_lot_tracked:
            problems.append(f"{product.sku} is not lot-tracked; give no lot or expiry.")
        if product is not None:
            first = seen.setdefault((product.pk, lot), raw.line)
            if first != raw.line:
                problems.append(f"{product.sku} {lot or '(no lot)'} repeats line {first}.")
        if problems:
            errors.append(RowError(raw.line, " ".join(problems)))
        elif product is not None and is_count(qty):
            specs.append(AsnLineSpec(product, qty, lot, expiry))
    return (specs, errors) if not errors else ([], errors)


def csv_line_specs(file: IO[bytes], client: Client) -> tuple[list[AsnLineSpec], list[RowError]]:
    """The lines of an uploaded CSV file (sku, expected_qty, lot, expiry), all or none: every bad
    row is reported with its line number in the file."""
    try:
        rows = read_rows(file, LINE_COLUMNS)
    except FileRefused as exc:
        return [], [RowError(None, str(exc))]
    raw_lines = [
        RawLine(
            row.line,
            row.cells.get("sku", ""),
            row.cells.get("expected_qty", ""),
            row.cells.get("lot", ""),
            row.cells.get("expiry", ""),
        )
        for row in rows
    ]
    extra = [RowError(row.line, " ".join(row.problems)) for row in rows if row.problems]
    specs, errors = line_specs(client, raw_lines)
    if extra:
        return [], sorted([*extra, *errors], key=lambda e: e.line or 0)
    return specs, errors


class AsnLineForm(forms.Form):
    sku = CodeField(max_length=64, label="SKU")
    expected_qty = QuantityField(label="Expected quantity")
    lot_number = CodeField(max_length=64, required=False, label="Lot")
    expiry_date = forms.DateField(
        required=False, label="Expiry", widget=forms.DateInput(attrs={"type": "date"})
    )


class BaseAsnLineFormSet(forms.BaseFormSet):
    def specs(self, client: Client) -> list[AsnLineSpec] | None:
        """The filled rows as specs; None after putting each problem on its row."""
        filled = [
            (number, form)
            for number, form in enumerate(self.forms, start=1)
            if form.has_changed() and form.cleaned_data
        ]
        if not filled:
            self._non_form_errors = self.error_class(["Give at least one line."])
            return None
        raw_lines = [
            RawLine(
                number,
                form.cleaned_data["sku"],
                form.cleaned_data["expected_qty"],
                form.cleaned_data.get("lot_number") or "",
                form.cleaned_data.get("expiry_date"),
            )
            for number, form in filled
        ]
        specs, errors = line_specs(client, raw_lines)
        by_number = dict(filled)
        for error in errors:
            if error.line is not None:
                by_number[error.line].add_error(None, error.message)
        return None if errors else specs


AsnLineFormSet = forms.formset_factory(AsnLineForm, formset=BaseAsnLineFormSet, extra=5)


def asn_line_formset(data: Any) -> BaseAsnLineFormSet:
    formset = AsnLineFormSet(data, prefix="lines")
    assert isinstance(formset, BaseAsnLineFormSet)
    return formset


# --- Handheld ----------------------------------------------------------------------------------


class ReceiveScanForm(forms.Form):
    """One handheld scan: the code and its idempotency key from the scan box, and what the small
    fields next to it gave (all optional; the scan fills in the rest)."""

    code = ScanField(max_length=200)
    idempotency_key = TextField(max_length=128, required=False)
    quantity = QuantityField(required=False)
    lot = CodeField(max_length=64, required=False)
    expiry = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    damaged = forms.BooleanField(required=False)

    def problem(self) -> str:
        """What is wrong with the scan's input, as one line for the scan log."""
        parts = []
        for name, errors in self.errors.items():
            label = "Scan" if name == "code" else name.capitalize()
            parts.append(f"{label}: {' '.join(str(error) for error in errors)}")
        return " ".join(parts)


# --- Labels and history ------------------------------------------------------------------------


def _date_input(label: str) -> forms.DateField:
    return forms.DateField(
        required=False, label=label, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReceiptHistoryForm(forms.Form):
    """The receiving history's filters, read from the query string; a bad value is left out."""

    warehouse = forms.ModelChoiceField(
        required=False, queryset=Warehouse.objects.none(), empty_label="Any warehouse"
    )
    client = forms.ModelChoiceField(
        required=False, queryset=Client.objects.none(), empty_label="Any client"
    )
    date_from = _date_input("From")
    date_to = _date_input("To")
    sku = TextField(required=False, max_length=64, label="SKU")
    reference = TextField(required=False, max_length=64, label="ASN reference")

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self,
            client=inventory_selectors.clients_for_user(user),
            warehouse=inventory_selectors.warehouses_for_user(user),
        )

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        return {
            name: value.strip() if isinstance(value, str) else value
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }


class ZoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.warehouse.code} · {obj.code}"


class LocationLabelRangeForm(forms.Form):
    """Which bins to print: a warehouse, and a zone and/or a code range (ordered by code)."""

    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none())
    zone = ZoneChoiceField(required=False, queryset=Zone.objects.none(), empty_label="Any zone")
    code_from = TextField(required=False, max_length=32, label="Code from")
    code_to = TextField(required=False, max_length=32, label="Code to")

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        warehouses = inventory_selectors.warehouses_for_user(user)
        limit_choices(
            self,
            warehouse=warehouses,
            zone=Zone.objects.filter(warehouse__in=warehouses).select_related("warehouse"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        warehouse, zone = data.get("warehouse"), data.get("zone")
        if warehouse is not None and zone is not None and zone.warehouse_id != warehouse.pk:
            self.add_error("zone", f"Zone {zone.code} is not in warehouse {warehouse.code}.")
        code_from, code_to = data.get("code_from", "").strip(), data.get("code_to", "").strip()
        data["code_from"], data["code_to"] = code_from, code_to
        if code_from and code_to and code_from > code_to:
            self.add_error("code_to", f"“{code_to}” comes before “{code_from}”.")
        return data

    def locations(self) -> Any:
        """The chosen locations as a queryset (count it before loading a large range)."""
        data = self.cleaned_data
        return selectors.location_range(
            data["warehouse"],
            zone=data.get("zone"),
            code_from=data["code_from"],
            code_to=data["code_to"],
        )


STRATEGY_CHOICES = [
    (FIXED_HOME, "The product's fixed home location"),
    (CONSOLIDATE, "A location already holding the same product and lot, with room"),
    (NEAREST_EMPTY, "The nearest empty location in the zone for the storage class"),
]


class PutawaySettingsForm(forms.Form):
    """A warehouse's strategies in order (the first that yields a location wins) and its mixing
    rules. Later places may be left empty; a strategy is chosen once at most."""

    strategy_1 = forms.ChoiceField(label="Try first", choices=STRATEGY_CHOICES)
    strategy_2 = forms.ChoiceField(
        label="Then", choices=[("", "—"), *STRATEGY_CHOICES], required=False
    )
    strategy_3 = forms.ChoiceField(
        label="Then", choices=[("", "—"), *STRATEGY_CHOICES], required=False
    )
    one_client_per_location = forms.BooleanField(required=False, label="One client per location")
    one_product_per_location = forms.BooleanField(required=False, label="One product per location")
    one_lot_per_location = forms.BooleanField(
        required=False, label="One lot per location", help_text="Two lots of one product apart."
    )

    PLACES = ("strategy_1", "strategy_2", "strategy_3")

    @classmethod
    def initial_for(cls, policy: PutawayPolicy) -> dict[str, Any]:
        names = [*policy.strategies, "", "", ""]
        return {
            **{place: names[number] for number, place in enumerate(cls.PLACES)},
            "one_client_per_location": policy.one_client_per_location,
            "one_product_per_location": policy.one_product_per_location,
            "one_lot_per_location": policy.one_lot_per_location,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        names = [cleaned.get(place) for place in self.PLACES]
        chosen = [name for name in names if name]
        if len(set(chosen)) != len(chosen):
            raise forms.ValidationError("Choose each strategy once at most.")
        if "" in names[: len(chosen)]:
            raise forms.ValidationError("Leave only the last places empty.")
        cleaned["strategies"] = [name for name in chosen if name in STRATEGIES]
        return cleaned
