"""What every desk page of every app does the same way: a list (search and filters from the query
string, 50 rows a page, only the table partial when htmx asks), a create or edit form that calls
one service and shows its refusal on the form, a confirmation before (de)activating a record, a
CSV download; and the one-line guard every page wears (`@page(perm, methods)`). Each view then
only says which selector, form and service it uses."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from rules.contrib.views import permission_required

from wms.csv_io import cell
from wms.exceptions import DomainError
from wms.http import AuthedRequest

PAGE_SIZE = 50
M = TypeVar("M", bound=Model)


def list_page(
    request: AuthedRequest, template: str, rows: QuerySet[Any], filters: BaseForm, **extra: Any
) -> HttpResponse:
    """One page of rows; only the template's `table` partial when htmx asks (search as you
    type)."""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    name = f"{template}#table" if request.htmx else template
    return render(request, name, {"page": page, "filters": filters, **extra})


@dataclass(frozen=True)
class Column:
    """One column of a desk list: its heading, its value in the CSV export (None: not exported,
    e.g. a column of buttons) and the fields it sorts by (none: it does not sort). `key` names the
    sort in the URL (`?sort=key`, `?sort=-key` for descending)."""

    label: str
    value: Callable[[Any], object] | None = None
    sort: tuple[str, ...] = ()
    key: str = ""
    numeric: bool = False

    @property
    def sort_key(self) -> str:
        return self.key or self.label.lower().replace(" ", "_")


@dataclass(frozen=True)
class Header:
    label: str
    sort_key: str
    next_sort: str
    aria_sort: str
    numeric: bool


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(rows: Iterable[Any], columns: Sequence[Column]) -> Iterator[str]:
    """CSV lines (a header line first) of the exported columns' values, cells a spreadsheet
    would run as formulas quoted; rows are read in chunks, never all at once."""
    exported = [column for column in columns if column.value is not None]
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([column.label for column in exported])
    iterate = rows.iterator(chunk_size=500) if isinstance(rows, QuerySet) else rows
    for row in iterate:
        yield writer.writerow([cell(column.value(row)) for column in exported])  # type: ignore[misc]


def sorted_rows(
    rows: QuerySet[Any], columns: Sequence[Column], sort: str
) -> tuple[QuerySet[Any], str]:
    """`rows` in the order `sort` asks for (a sortable column's key, `-` for descending), the
    primary key breaking ties so pages do not overlap; an unknown sort keeps the selector's
    order. Returns the rows and the sort actually applied ("" for none)."""
    key = sort.removeprefix("-")
    descending = sort.startswith("-")
    for column in columns:
        if column.sort and column.sort_key == key:
            fields = [f"-{field}" if descending else field for field in column.sort]
            return rows.order_by(*fields, "-pk" if descending else "pk"), sort
    return rows, ""


def headers(columns: Sequence[Column], sort: str) -> list[Header]:
    """The table heading: each sortable column links to its sort (ascending first, then the
    other way), the sorted one says so to screen readers (aria-sort)."""
    made = []
    for column in columns:
        key = column.sort_key if column.sort else ""
        aria = ""
        next_sort = key
        if key and sort == key:
            aria, next_sort = "ascending", f"-{key}"
        elif key and sort == f"-{key}":
            aria = "descending"
        made.append(Header(column.label, key, next_sort, aria, column.numeric))
    return made


def table_page(
    request: AuthedRequest,
    template: str,
    rows: QuerySet[Any],
    *,
    columns: Sequence[Column],
    csv_name: str,
    **extra: Any,
) -> HttpResponseBase:
    """A desk list done the one way: the caller has applied the URL's filters to `rows`; here
    `?sort=` orders them by any sortable column, `?format=csv` downloads every filtered row (not
    only this page) in that order, and the rest is 50 a page (`_table_head.html`,
    `_pagination.html` and `_list_tools.html` keep the other URL parameters). Only the
    template's `table` partial when htmx asks."""
    rows, sort = sorted_rows(rows, columns, filter_sort(request.GET.get("sort", "")))
    if request.GET.get("format") == "csv":
        return csv_download(csv_rows(rows, columns), csv_name)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    name = f"{template}#table" if request.htmx else template
    context = {"page": page, "headers": headers(columns, sort), "sort": sort, **extra}
    return render(request, name, context)


def filter_sort(value: str) -> str:
    """A sort parameter as the URL gave it, if it could name a column (else none)."""
    return value if len(value) <= 40 and value.replace("-", "").replace("_", "").isalnum() else ""


def found_or_404(row: M | None) -> M:
    """The row a selector found in the user's scope; 404 otherwise, so ids cannot be probed."""
    if row is None:
        raise Http404("No such record.")
    return row


def add_refusal(form: BaseForm, exc: DomainError | ValidationError) -> None:
    """Shows a service's refusal on the form: on the field it names when the form has it."""
    if isinstance(exc, DomainError):
        placed = False
        for name, errors in exc.field_errors.items():
            if name in form.fields:
                form.add_error(name, errors)
                placed = True
        if not placed:
            form.add_error(None, exc.message)
    elif hasattr(exc, "error_dict"):
        for name, field_errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, field_errors)
    else:
        form.add_error(None, exc)


def form_page(
    request: AuthedRequest,
    form: BaseForm,
    save: Callable[[dict[str, Any]], object],
    *,
    title: str,
    back: str,
    formset: BaseFormSet[Any] | None = None,
    formset_template: str = "",
    **extra: Any,
) -> HttpResponse:
    """Shows the form; on a valid POST calls `save` (one service) and goes back to the list
    `back` names. A refusal is shown on the form and nothing is saved."""
    if request.method == "POST":
        valid = [form.is_valid(), formset is None or formset.is_valid()]
        if all(valid):
            try:
                saved = save(dict(form.cleaned_data))
            except (DomainError, ValidationError) as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, f"Saved {saved}.")
                return redirect(back)
    context = {
        "form": form,
        "formset": formset,
        "formset_template": formset_template,
        "title": title,
        "back_url": reverse(back),
    }
    return render(request, "desk/form_page.html", {**context, **extra})


def confirm_active(
    request: AuthedRequest,
    subject: Model,
    active: bool,
    change: Callable[[], object],
    *,
    back: str,
    consequence: str,
) -> HttpResponse:
    """Deactivating or reactivating a record: GET asks (and says what deactivating means), POST
    does it."""
    if request.method == "POST":
        change()
        messages.success(request, f"{'Reactivated' if active else 'Deactivated'} {subject}.")
        return redirect(back)
    context = {
        "subject": subject,
        "active": active,
        "consequence": consequence,
        "back_url": reverse(back),
    }
    return render(request, "desk/confirm_active.html", context)


def csv_download(lines: Iterable[str], name: str) -> StreamingHttpResponse:
    """Streams CSV lines as a download named `<name>-<today>.csv`."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


def page(
    perm: str | tuple[str, ...], *methods: str
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Every page's guard in one line: signed in (else to the sign-in page), holding `perm` (or
    every one of several; else 403, before anything is read), answering only `methods` (GET by
    default; else 405)."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        allowed = require_http_methods(list(methods or ("GET",)))(view)
        return login_required(permission_required(perm, raise_exception=True)(allowed))

    return decorate
