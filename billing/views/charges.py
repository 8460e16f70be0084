"""The billing overview (each client's accrued charges this period), a client's accrued
charges, manual charges, the unrated queue and the on-demand rating run. Each POST calls one
service; refusals become messages or form errors and change nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from billing import forms, selectors
from billing.exceptions import ChargeRefused
from billing.models import RuleKind, UnratedStatus
from billing.services.charges import add_manual_charge, mark_non_billable, rerate_unrated
from billing.services.invoices import catch_up
from billing.services.periods import billing_today
from wms.http import AuthedRequest
from wms.pages import Column, page, table_page

VIEW = "billing.view_billing"
MANAGE = "billing.manage_billing"
PAGE_SIZE = 50


@page(VIEW)
def home(request: AuthedRequest) -> HttpResponse:
    """Every client's charges so far in its current period, and what waits unrated."""
    today = billing_today()
    rows = [
        selectors.accrued_for_client(client, selectors.current_period(client, today))
        for client in selectors.clients_for_user(request.user).filter(is_active=True)
    ]
    context = {
        "rows": rows,
        "today": today,
        "unrated": selectors.unrated_for_user(request.user).count(),
        "settings": selectors.billing_settings(),
    }
    return render(request, "billing/home.html", context)


@page(MANAGE, "POST")
def rate_now(request: AuthedRequest) -> HttpResponse:
    """Records the nights that have ended and rates the outbox up to now, on demand."""
    result = catch_up()
    messages.success(
        request,
        f"Rated {result.events_read} new events: {result.lines} lines, {result.unrated} unrated.",
    )
    return redirect("billing_home")


def _source(line: Any) -> str:
    parts = [f"{line.event_type} #{line.event_id}" if line.event_id else ""]
    parts += [line.order_reference, line.asn_reference, line.carton_sscc, line.tracking_code]
    parts += [line.sku, line.note]
    return " ".join(part for part in parts if part)


CHARGE_COLUMNS = (
    Column("Date", lambda c: c.activity_date.isoformat(), ("activity_date",)),
    Column("Kind", lambda c: c.kind, ("kind",)),
    Column("Description", lambda c: c.description, ("description",)),
    Column("Quantity", lambda c: c.quantity.normalize(), ("quantity",), numeric=True),
    Column("Unit", lambda c: c.unit, ("unit",)),
    Column("Unit price", lambda c: c.unit_price, ("unit_price",), numeric=True),
    Column("Amount", lambda c: c.amount, ("amount",), numeric=True),
    Column("Source", _source),
)


@page(VIEW)
def client_accrued(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """A client's charges this period: the totals by kind, and the charge lines filtered by the
    URL (kind), sortable, 50 a page, exported to CSV as filtered."""
    client = selectors.find_client_for_user(request.user, pk=pk)
    if client is None:
        raise Http404("No such client.")
    period = selectors.current_period(client, billing_today())
    kind = request.GET.get("kind", "")
    kind = kind if kind in RuleKind.values else ""
    lines = selectors.charges_for_user(
        request.user,
        selectors.ChargeFilters(
            client_id=client.pk, period_id=period.pk if period else 0, kind=kind
        ),
    )
    return table_page(
        request,
        "billing/client.html",
        lines,
        columns=CHARGE_COLUMNS,
        csv_name=f"charges-{client.code}",
        client=client,
        accrued=selectors.accrued_for_client(client, period),
        periods=selectors.periods_for_user(request.user, client.pk)[:12],
        kind=kind,
        kinds=RuleKind.choices,
    )


@page(MANAGE, "GET", "POST")
def charge_create(request: AuthedRequest) -> HttpResponse:
    form = forms.ManualChargeForm(
        request.POST or None, initial={"client": request.GET.get("client")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line = add_manual_charge(
                user=request.user,
                client=data["client"],
                quantity=data["quantity"],
                rule=data["rule"],
                description=data["description"],
                unit_price=data["unit_price"],
                unit=data["unit"],
                activity_date=data["activity_date"],
                note=data["note"],
            )
        except ChargeRefused as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Charged {line.description}: {line.amount}.")
            return redirect("billing_client", pk=line.client_id)
    return render(request, "billing/charge_form.html", {"form": form})


def _form_errors(form: Any, exc: ChargeRefused) -> None:
    if not exc.field_errors:
        form.add_error(None, exc.message)
    for field, errors in exc.field_errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


UNRATED_COLUMNS = (
    Column(""),
    Column("Date", lambda e: e.activity_date.isoformat(), ("activity_date",)),
    Column("Client", lambda e: e.client.name if e.client else "", ("client__name",)),
    Column("Event", lambda e: f"{e.event_type} #{e.event_id}", ("event_type", "event_id")),
    Column("Reason", lambda e: e.reason, ("reason_code",)),
    Column(
        "Status",
        lambda e: e.get_status_display() + (f": {e.resolution_note}" if e.resolution_note else ""),
        ("status",),
    ),
    Column(""),
)
# The queue opens on what waits; "any" shows every entry whatever its status.
ANY = "any"


@page(MANAGE)
def unrated_list(request: AuthedRequest) -> HttpResponseBase:
    """The unrated queue filtered by the URL (status: waiting unless asked; `any` for all),
    sortable, exported to CSV as filtered."""
    status = request.GET.get("status", UnratedStatus.OPEN)
    if status not in UnratedStatus.values:
        status = ANY
    rows = selectors.unrated_for_user(request.user, status="" if status == ANY else status)
    return table_page(
        request,
        "billing/unrated.html",
        rows,
        columns=UNRATED_COLUMNS,
        csv_name="unrated-activity",
        status=status,
        statuses=UnratedStatus.choices,
        any_status=ANY,
    )


@page(MANAGE, "POST")
def unrated_rerate(request: AuthedRequest) -> HttpResponse:
    """Rates the checked entries again (after the card was fixed)."""
    ids = [int(pk) for pk in request.POST.getlist("entry") if pk.isdigit()]
    entries = list(selectors.unrated_for_user(request.user).filter(pk__in=ids))
    if not entries:
        messages.error(request, "Check at least one waiting entry first.")
        return redirect("billing_unrated")
    result = rerate_unrated(user=request.user, entries=entries)
    messages.success(
        request,
        f"Rated {len(entries)} again: {result.lines} lines written, "
        f"{result.unrated} still unrated.",
    )
    return redirect("billing_unrated")


@page(MANAGE, "GET", "POST")
def unrated_non_billable(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET asks for the reason and changes nothing; POST marks the entry non-billable."""
    entry = selectors.get_unrated_for_user(request.user, pk)
    if entry is None:
        raise Http404("No such entry.")
    form = forms.NonBillableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mark_non_billable(user=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except ChargeRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Event {entry.event_id} is marked non-billable.")
        return redirect("billing_unrated")
    return render(request, "billing/non_billable.html", {"entry": entry, "form": form})
