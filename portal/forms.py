"""Input validation for the portal's pages: list filters read from the query string. Forms never
save; views pass what they clean to the owning app's services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from inventory import selectors as inventory_selectors
from inventory.forms.master import ProductForm
from picking.forms import OrderForm
from picking.models import OrderStatus
from portal import selectors
from receiving.forms import AsnForm
from receiving.models import AsnStatus
from wms.accounts.models import User as UserModel
from wms.forms import FilterForm, choice_filter, limit_choices
from wms.validation import TextField

if TYPE_CHECKING:
    from wms.accounts.models import User


class InventoryFilterForm(FilterForm):
    placeholder = "Search by SKU, name or barcode"
    stock = choice_filter("Stock", selectors.STOCK_FILTERS)
    sort = choice_filter("Sort", selectors.SORT_CHOICES)

    def inventory_filters(self) -> dict[str, Any]:
        return self.filters()


class OrderFilterForm(FilterForm):
    placeholder = "Search by reference or ship-to name"
    status = choice_filter("Status", [("", "Any status"), *OrderStatus.choices])
    view = choice_filter("Show", selectors.ORDER_VIEWS)


class PortalOrderForm(OrderForm):
    """Picking's order form for a client user: the client is theirs (a hidden field, checked
    against their scope like any choice), the rest as on the desk."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        client = self.fields["client"]
        client.widget = forms.HiddenInput()
        client.initial = inventory_selectors.client_of(user)


class AsnFilterForm(FilterForm):
    placeholder = "Search by reference"
    status = choice_filter("Status", [("", "Any status"), *AsnStatus.choices])
    week = choice_filter("Expected", [("", "Any time"), ("this", "This week")])


class PortalAsnForm(AsnForm):
    """Receiving's ASN header for a client user: their client (hidden) and no dock door (the
    warehouse chooses its dock)."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        del self.fields["dock_door"]
        client = self.fields["client"]
        client.widget = forms.HiddenInput()
        client.initial = inventory_selectors.client_of(user)


class PortalAsnImportForm(PortalAsnForm):
    file = forms.FileField(
        label="CSV file of lines",
        error_messages={"required": "Choose a CSV file to upload.", "empty": "The file is empty."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class InviteClientUserForm(forms.Form):
    email = forms.EmailField()
    first_name = TextField(max_length=150, required=False)
    last_name = TextField(max_length=150, required=False)


class TokenForm(forms.Form):
    """A new API token: whose (one of the client's users) and a name for it."""

    user = forms.ModelChoiceField(queryset=UserModel.objects.none(), label="For")
    name = TextField(max_length=100, help_text="The system that will use it, e.g. Shopify.")

    def __init__(self, by: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, user=selectors.client_users(by).filter(is_active=True))
        self.fields["user"].initial = by


def _day(label: str) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


class StockOnDateForm(forms.Form):
    date = _day("Stock at the end of")


class PeriodForm(forms.Form):
    date_from = _day("From")
    date_to = _day("To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", "The period ends before it starts.")
        if first and last and (last - first).days > MAX_PERIOD_DAYS:
            self.add_error("date_to", f"Choose at most {MAX_PERIOD_DAYS} days.")
        return data


MAX_PERIOD_DAYS = 366


class LogoForm(forms.Form):
    logo = forms.FileField(
        help_text="PNG, JPEG or WebP, at most 200 kB; shown beside your name to your clients.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )


class PortalProductForm(ProductForm):
    """Inventory's product form for a client user: their client (hidden, checked against their
    scope like any choice) and the rest as on the desk."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, client=inventory_selectors.clients_for_user(user))
        client = self.fields["client"]
        client.widget = forms.HiddenInput()
        client.initial = inventory_selectors.client_of(user)
