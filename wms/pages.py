"""What every desk page of every app does the same way: a list (search and filters from the query
string, 50 rows a page, only the table partial when htmx asks), a create or edit form that calls
one service and shows its refusal on the form, a confirmation before (de)activating a record, a
CSV download; and the one-line guard every page wears (`@page(perm, methods)`). Each view then
only says which selector, form and service it uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
