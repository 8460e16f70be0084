"""Form pieces every app's pages share: a list page's search-and-filter form, and the filter
fields it is built from (each labelled for screen readers, each empty by default)."""

from __future__ import annotations

from typing import Any

from django import forms

from wms.validation import TextField


def choice_filter(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(
        required=False, choices=choices, widget=forms.Select(attrs={"aria-label": label})
    )


def yes_no_filter(label: str, every: str, yes: str, no: str) -> forms.TypedChoiceField:
    """A filter of three choices: every row (empty), yes (True) or no (False)."""
    return forms.TypedChoiceField(
        required=False,
        choices=[("", every), ("yes", yes), ("no", no)],
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.Select(attrs={"aria-label": label}),
    )


def active_filter() -> forms.TypedChoiceField:
    """Active and inactive rows, or only one of them."""
    return yes_no_filter("Status", "Active and inactive", "Active", "Inactive")


def model_filter(label: str, queryset: Any, every: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        required=False,
        queryset=queryset,
        empty_label=every,
        widget=forms.Select(attrs={"aria-label": label}),
    )


class FilterForm(forms.Form):
    """A list page's search box and filters, read from the query string."""

    placeholder = "Search"
    q = TextField(required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.SearchInput(
            attrs={"placeholder": self.placeholder, "aria-label": self.placeholder}
        )

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments. A filter with a bad value (a deleted warehouse's
        id in an old link) is left out rather than failing the page."""
        self.is_valid()
        data = dict(self.cleaned_data)
        data["query"] = data.pop("q", "").strip()
        return {name: value for name, value in data.items() if value not in (None, "")}


def limit_choices(form: forms.BaseForm, **querysets: Any) -> None:
    """Limits the form's named model choice fields to these querysets: the clients, warehouses
    or zones the signed-in user may see, so an out-of-scope id is an invalid choice."""
    for name, queryset in querysets.items():
        field = form.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset
