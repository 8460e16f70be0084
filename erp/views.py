"""The managers' ERP desk: connections (list, add, change, test connection, pull now), the sync
log (filters, retry and skip, each asked first), and reconciliation reports (run now, read)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from erp import forms, selectors
from erp.models import ErpConnection, SyncRecord
from erp.services import connections, records
from shipping.services.shipments import send_after_commit
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import Column, add_refusal, form_page, found_or_404, page, table_page

MANAGE = "erp.manage_erp"


def _connection(request: AuthedRequest, pk: int) -> ErpConnection:
    return found_or_404(selectors.get_connection_for_user(request.user, pk))


def _record(request: AuthedRequest, pk: int) -> SyncRecord:
    return found_or_404(selectors.get_record_for_user(request.user, pk))


@page(MANAGE)
def home(request: AuthedRequest) -> HttpResponse:
    rows = selectors.connections_for_user(request.user).order_by("name")
    context = {"connections": rows, "failures": selectors.failures_by_connection()}
    return render(request, "erp/home.html", context)


@page(MANAGE, "GET", "POST")
def connection_create(request: AuthedRequest) -> HttpResponse:
    form = forms.ConnectionForm.for_connection(request.POST or None, None)
    return form_page(
        request,
        form,
        lambda data: connections.create_connection(user=request.user, spec=form.spec(data)),
        title="New ERP connection",
        back="erp_home",
    )


@page(MANAGE, "GET", "POST")
def connection_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    current = _connection(request, pk)
    form = forms.ConnectionForm.for_connection(request.POST or None, current)
    return form_page(
        request,
        form,
        lambda data: connections.update_connection(
            user=request.user, connection=current, spec=form.spec(data)
        ),
        title=f"Change {current.name}",
        back="erp_home",
        note="The password is never shown; leave it empty to keep the stored one.",
    )


@page(MANAGE)
def connection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    current = _connection(request, pk)
    context = {
        "connection": current,
        "links": Paginator(selectors.links_for_connection(current), 50).get_page(
            request.GET.get("page")
        ),
        "runs": selectors.reconciliations_for_user(request.user, current.pk)[:10],
    }
    return render(request, "erp/connection.html", context)


@page(MANAGE, "POST")
def connection_test(request: AuthedRequest, pk: int) -> HttpResponse:
    """Logs in to the ERP now and says what it found (or why not)."""
    report = connections.test_connection(connection_id=_connection(request, pk).pk)
    text = " ".join([report.message, *report.details])
    (messages.success if report.ok else messages.error)(request, text)
    return redirect("erp_connection", pk=pk)


@page(MANAGE, "POST")
def connection_sync(request: AuthedRequest, pk: int) -> HttpResponse:
    """Asks a worker to pull now; the log shows what came in."""
    current = _connection(request, pk)
    send_after_commit("erp.pull", [current.pk])
    messages.success(request, f"Asked a worker to pull {current.name} now.")
    return redirect("erp_connection", pk=pk)


@page(MANAGE, "POST")
def connection_reconcile(request: AuthedRequest, pk: int) -> HttpResponse:
    current = _connection(request, pk)
    send_after_commit("erp.reconcile", [current.pk])
    messages.success(request, f"Asked a worker to compare {current.name}'s stock with ours.")
    return redirect("erp_connection", pk=pk)


@page(MANAGE)
def reconciliation(request: AuthedRequest, pk: int) -> HttpResponse:
    run = found_or_404(selectors.get_reconciliation_for_user(request.user, pk))
    return render(request, "erp/reconciliation.html", {"run": run})


def _erp_document(row: SyncRecord) -> str:
    if not (row.erp_number or row.erp_id):
        return ""
    return f"{row.erp_model} {row.erp_number or row.erp_id}"


LOG_COLUMNS = (
    Column("When", lambda r: r.created_at.isoformat(timespec="seconds"), ("created_at",)),
    Column("Connection", lambda r: r.connection.name, ("connection__name",)),
    Column(
        "Document",
        lambda r: f"{r.get_direction_display()}: {r.get_kind_display()}",
        ("direction", "kind"),
    ),
    Column("Reference", lambda r: r.reference, ("reference",)),
    Column(
        "State",
        lambda r: r.get_state_display() + (f": {r.skip_reason}" if r.skip_reason else ""),
        ("state",),
    ),
    Column("Attempts", lambda r: r.attempts, ("attempts",), numeric=True),
    Column("ERP", _erp_document, ("erp_number",)),
    Column("Message", lambda r: r.message),
    Column(""),
)


@page(MANAGE)
def log(request: AuthedRequest) -> HttpResponseBase:
    """The sync log filtered by the URL, sortable, exported to CSV as filtered."""
    filters = forms.RecordFilterForm(request.GET)
    values = filters.filters()
    connection = values.get("connection")
    query = selectors.RecordFilters(
        connection_id=connection.pk if connection else None,
        state=values.get("state", ""),
        direction=values.get("direction", ""),
        kind=values.get("kind", ""),
        query=values.get("query", ""),
    )
    return table_page(
        request,
        "erp/log.html",
        selectors.records_for_user(request.user, query),
        columns=LOG_COLUMNS,
        csv_name="erp-sync-log",
        filters=filters,
    )


@page(MANAGE, "GET", "POST")
def record_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET asks; POST makes the failed row pending and hands it to a worker."""
    record = _record(request, pk)
    if request.method == "GET":
        return render(request, "erp/record_confirm.html", {"record": record, "action": "retry"})
    try:
        records.retry_record(user=request.user, record=record)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{record} will be tried again by a worker.")
    return redirect("erp_log")


@page(MANAGE, "GET", "POST")
def record_skip(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET asks for the reason; POST marks the row skipped (never tried again)."""
    record = _record(request, pk)
    form = forms.SkipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            records.skip_record(
                user=request.user, record=record, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, f"Skipped {record}.")
            return redirect("erp_log")
    context = {"record": record, "action": "skip", "form": form}
    return render(request, "erp/record_confirm.html", context)
