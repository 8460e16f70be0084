"""Input validation for the outbound desk pages: order list filters, the order form (header,
ship-to and a lines box of "SKU, quantity"), the CSV upload, wave planning filters (the shape
wave rules store), wave release and wave rules. Forms never save: views pass what they clean to
picking.services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from inventory import selectors as inventory_selectors
from inventory.models import Client, Location, Warehouse, Zone
from picking import selectors
from picking.models import OrderStatus, PickMethod, ServiceLevel
from picking.services.orders import OrderLineSpec, ShipTo
from picking.services.waves import MAX_WAVE_ORDERS
from wms.forms import FilterForm, choice_filter, limit_choices, model_filter
from wms.validation import (
    CodeField,
    MultilineTextField,
    TextField,
    WholeNumberField,
    quantity_from,
)

if TYPE_CHECKING:
    from wms.accounts.models import User


def _scope(form: forms.Form, user: User, **fields: str) -> None:
    """Limits the named model choice fields to the user's clients / warehouses / zones."""
    querysets = {
        "client": inventory_selectors.clients_for_user(user),
        "warehouse": inventory_selectors.warehouses_for_user(user),
        "zone": selectors.zones_for_user(user),
    }
    limit_choices(form, **{name: querysets[kind] for name, kind in fields.items()})


def _date_input(label: str) -> forms.DateField:
    return forms.DateField(
        required=False, label=label, widget=forms.DateInput(attrs={"type": "date"})
    )


class OrderFilterForm(FilterForm):
    placeholder = "Search by reference or ship-to name"
    client = model_filter("Client", Client.objects.none(), "Any client")
    warehouse = model_filter("Warehouse", Warehouse.objects.none(), "Any warehouse")
    status = choice_filter(
        "Status", [("", "Any status"), *selectors.STATUS_GROUP_CHOICES, *OrderStatus.choices]
    )
    carrier_service = TextField(
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "Carrier service", "list": "carriers"}),
    )
    ship_by_from = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date", "aria-label": "Ship by from"})
    )
    ship_by_to = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date", "aria-label": "Ship by to"})
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope(self, user, client="client", warehouse="warehouse")

    def order_filters(self) -> selectors.OrderFilters:
        return selectors.OrderFilters(**self.filters())


class OrderForm(forms.Form):
    """A new order: client and warehouse in the user's scope, ship-to, shipping wishes and the
    lines, one "SKU, quantity" per row of the lines box."""

    client = forms.ModelChoiceField(queryset=Client.objects.none())
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none())
    reference = CodeField(max_length=64, help_text="The client's order number.")
    ship_to_name = TextField(max_length=120, label="Ship to: name")
    ship_to_company = TextField(max_length=120, required=False, label="Company")
    ship_to_street1 = TextField(max_length=200, label="Street")
    ship_to_street2 = TextField(max_length=200, required=False, label="Street (2)")
    ship_to_city = TextField(max_length=100, label="City")
    ship_to_state = TextField(max_length=50, required=False, label="State")
    ship_to_postal_code = TextField(max_length=20, label="Postal code")
    ship_to_country = CodeField(max_length=2, min_length=2, initial="US", label="Country")
    ship_to_phone = TextField(max_length=40, required=False, label="Phone")
    ship_to_email = forms.EmailField(required=False, label="Email")
    carrier_service = TextField(max_length=64, required=False)
    service_level = forms.ChoiceField(choices=ServiceLevel.choices, initial=ServiceLevel.STANDARD)
    priority = WholeNumberField(min_value=1, max_value=9, initial=5, help_text="1 is most urgent.")
    ship_by = _date_input("Ship by")
    deliver_by = _date_input("Deliver by")
    lines = MultilineTextField(
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "MUG, 2\nLAMP, 1"}),
        help_text="One line per row: the client's SKU, a comma, the quantity.",
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope(self, user, client="client", warehouse="warehouse")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        client, text = data.get("client"), data.get("lines")
        if client is None or not text:
            return data
        rows: list[tuple[int, str, str]] = []
        problems: list[str] = []
        for number, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            sku, _, qty = raw.replace(";", ",").replace("\t", ",").partition(",")
            rows.append((number, sku.strip(), qty.strip()))
        products = selectors.products_by_sku(client, [sku for _, sku, _ in rows])
        specs: list[OrderLineSpec] = []
        for number, sku, qty in rows:
            product = products.get(sku.upper())
            if product is None:
                problems.append(f"Row {number}: SKU “{sku}” is not a product of {client.code}.")
            quantity = quantity_from(qty)
            if quantity is None:
                problems.append(
                    f"Row {number}: quantity “{qty}” is not a whole number from 1 to 2147483647."
                )
            elif product is not None:
                specs.append(OrderLineSpec(product, quantity))
        if not rows:
            problems.append("Give at least one line.")
        if problems:
            self.add_error("lines", problems)
        data["line_specs"] = specs
        return data

    def order_kwargs(self) -> dict[str, Any]:
        """create_order's keyword arguments (without the user)."""
        data = self.cleaned_data
        ship_to = ShipTo(**{name: data[f"ship_to_{name}"] for name in ShipTo.__annotations__})
        return {
            "client": data["client"],
            "warehouse": data["warehouse"],
            "reference": data["reference"],
            "ship_to": ship_to,
            "lines": data["line_specs"],
            "carrier_service": data["carrier_service"],
            "service_level": data["service_level"],
            "priority": data["priority"],
            "ship_by": data["ship_by"],
            "deliver_by": data["deliver_by"],
        }


class OrderImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file of order lines",
        error_messages={"required": "Choose a CSV file to upload.", "empty": "The file is empty."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


# --- Waves -------------------------------------------------------------------------------------

UNITS_CHOICES = [
    ("", "Any number of units"),
    (selectors.UNITS_SINGLE, "Single-unit orders"),
    (selectors.UNITS_MULTI, "Multi-unit orders"),
]


class ZoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.warehouse.code} · {obj.code}"


class WaveFilterFields(forms.Form):
    """The filter over open orders a wave is planned from; `wave_filters()` is the JSON shape
    selectors.open_orders reads and wave rules store."""

    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none())
    client = forms.ModelChoiceField(
        required=False, queryset=Client.objects.none(), empty_label="Any client"
    )
    carrier_service = TextField(required=False, max_length=64)
    ship_by_from = _date_input("Ship by from")
    ship_by_to = _date_input("Ship by to")
    zone = ZoneChoiceField(required=False, queryset=Zone.objects.none(), empty_label="Any zone")
    units = forms.ChoiceField(required=False, choices=UNITS_CHOICES, label="Units")

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope(self, user, client="client", warehouse="warehouse", zone="zone")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        warehouse, zone = data.get("warehouse"), data.get("zone")
        if warehouse is not None and zone is not None and zone.warehouse_id != warehouse.pk:
            self.add_error("zone", f"Zone {zone.code} is not in warehouse {warehouse.code}.")
        return data

    def wave_filters(self) -> dict[str, Any]:
        return selectors.clean_wave_filters(self.cleaned_data)

    @staticmethod
    def initial_from(warehouse: Warehouse, filters: dict[str, Any]) -> dict[str, Any]:
        """The fields' initial values for stored filters (codes back to objects)."""
        initial: dict[str, Any] = {"warehouse": warehouse}
        initial.update({k: v for k, v in filters.items() if k not in ("client", "zone")})
        if filters.get("client"):
            initial["client"] = Client.objects.filter(code__iexact=filters["client"]).first()
        if filters.get("zone"):
            initial["zone"] = Zone.objects.filter(
                warehouse=warehouse, code__iexact=filters["zone"]
            ).first()
        return initial


class WavePlanForm(WaveFilterFields):
    # Empty: the warehouse's saved default (cluster when every order is small, if it says so).
    pick_method = forms.ChoiceField(
        required=False,
        choices=[("", "The warehouse's default"), *PickMethod.choices],
        initial="",
    )
    orders_per_cart = WholeNumberField(
        required=False,
        min_value=1,
        max_value=26,
        label="Orders per cart",
        help_text="Cluster picking; empty: the warehouse's default.",
    )
    max_orders = WholeNumberField(
        min_value=1,
        max_value=MAX_WAVE_ORDERS,
        initial=200,
        label="At most",
        help_text="The most urgent orders first.",
    )


class WaveDefaultsForm(forms.Form):
    pick_method = forms.ChoiceField(choices=PickMethod.choices)
    orders_per_cart = WholeNumberField(min_value=1, max_value=26, label="Orders per cart")
    cluster_max_units = WholeNumberField(
        min_value=0,
        max_value=10_000,
        label="Cluster when no order has more units than",
        help_text="0: always use the method above.",
    )


class WaveReleaseForm(forms.Form):
    pick_method = forms.ChoiceField(choices=PickMethod.choices)
    orders_per_cart = WholeNumberField(
        min_value=1, max_value=26, help_text="Cluster picking: totes on one cart."
    )
    staging_location = forms.ModelChoiceField(
        queryset=Location.objects.none(), empty_label="The warehouse's first staging place"
    )

    def __init__(self, warehouse_id: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, staging_location=selectors.staging_locations(warehouse_id))
        self.fields["staging_location"].required = False


class WaveRuleForm(WaveFilterFields):
    name = TextField(max_length=120)
    pick_method = forms.ChoiceField(choices=PickMethod.choices, initial=PickMethod.DISCRETE)
    release_immediately = forms.BooleanField(required=False)
    max_orders = WholeNumberField(min_value=1, max_value=MAX_WAVE_ORDERS, initial=200)
    interval_minutes = WholeNumberField(min_value=5, max_value=24 * 60, initial=60)
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    field_order = [
        "name",
        "warehouse",
        "client",
        "carrier_service",
        "ship_by_from",
        "ship_by_to",
        "zone",
        "units",
        "pick_method",
        "release_immediately",
        "max_orders",
        "interval_minutes",
        "is_active",
    ]

    def rule_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "warehouse": data["warehouse"],
            "filters": self.wave_filters(),
            "pick_method": data["pick_method"],
            "release_immediately": data["release_immediately"],
            "max_orders": data["max_orders"],
            "interval_minutes": data["interval_minutes"],
            "is_active": data["is_active"],
        }
