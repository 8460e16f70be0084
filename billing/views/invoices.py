"""Periods and invoices: close a period into its draft (asks first), re-rate a draft, finalise
(asks first), credit notes, the PDF and the CSV, and the tenant's billing settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from billing import documents, forms, selectors
from billing.exceptions import ChargeRefused
from billing.models import BillingPeriod, Invoice, InvoiceStatus, PeriodStatus
from billing.services.invoices import (
    CreditSpec,
    close_period,
    create_credit_note,
    finalize_invoice,
    rerate_period,
)
from billing.services.periods import billing_today
from billing.services.settings import save_billing_settings
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import Column, page, table_page
from wms.validation import filter_text

VIEW = "billing.view_billing"
MANAGE = "billing.manage_billing"
PAGE_SIZE = 50


def _period_or_404(request: AuthedRequest, pk: int) -> BillingPeriod:
    period = selectors.get_period_for_user(request.user, pk)
    if period is None:
        raise Http404("No such period.")
    return period


def _invoice_or_404(request: AuthedRequest, pk: int) -> Invoice:
    invoice = selectors.get_invoice_for_user(request.user, pk)
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice


PERIOD_COLUMNS = (
    Column("Client", lambda p: p.client.name, ("client__name",)),
    Column("Period", str, ("start_date",)),
    Column("Status", lambda p: p.get_status_display(), ("status",)),
    Column("Lines", lambda p: p.line_count, ("line_count",), numeric=True),
    Column(""),
)


@page(VIEW)
def period_list(request: AuthedRequest) -> HttpResponseBase:
    """Billing periods filtered by the URL (status, client), sortable, exported to CSV."""
    status = filter_text(request.GET, "status", max_length=16)
    status = status if status in PeriodStatus.values else ""
    clients = list(selectors.clients_for_user(request.user).order_by("name"))
    client = next((c for c in clients if str(c.pk) == request.GET.get("client", "")), None)
    rows = selectors.periods_for_user(request.user, client_id=client.pk if client else None)
    if status:
        rows = rows.filter(status=status)
    return table_page(
        request,
        "billing/periods.html",
        rows,
        columns=PERIOD_COLUMNS,
        csv_name="billing-periods",
        today=billing_today(),
        status=status,
        statuses=PeriodStatus.choices,
        client=client,
        clients=clients,
    )


@page(MANAGE, "GET", "POST")
def period_close(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET asks and changes nothing; POST closes the period into its draft invoice (refused
    before it has ended, or while activity of it is unrated)."""
    period = _period_or_404(request, pk)
    if request.method == "GET":
        context = {"period": period, "unrated": selectors.open_unrated_count(period)}
        return render(request, "billing/period_close.html", context)
    try:
        invoice = close_period(user=request.user, period=period)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("billing_periods")
    messages.success(request, f"Draft invoice made for {period.client}: {invoice.total}.")
    return redirect("billing_invoice", pk=invoice.pk)


@page(MANAGE, "POST")
def period_rerate(request: AuthedRequest, pk: int) -> HttpResponse:
    period = _period_or_404(request, pk)
    try:
        result = rerate_period(user=request.user, period=period)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("billing_periods")
    messages.success(
        request,
        f"Re-rated {result.events} events: {result.lines} lines, {result.unrated} unrated.",
    )
    if result.invoice is not None:
        return redirect("billing_invoice", pk=result.invoice.pk)
    return redirect("billing_client", pk=period.client_id)


INVOICE_COLUMNS = (
    Column("Number", str, ("number", "pk")),
    Column("Client", lambda i: i.client.name, ("client__name",)),
    Column("Period", lambda i: str(i.period), ("period__start_date",)),
    Column("Status", lambda i: i.get_status_display(), ("status",)),
    Column("Total", lambda i: f"{i.total} {i.currency}", ("total",), numeric=True),
)


@page(VIEW)
def invoice_list(request: AuthedRequest) -> HttpResponseBase:
    """Invoices filtered by the URL (status, client), sortable, exported to CSV as filtered."""
    status = filter_text(request.GET, "status", max_length=16)
    status = status if status in InvoiceStatus.values else ""
    clients = list(selectors.clients_for_user(request.user).order_by("name"))
    client = next((c for c in clients if str(c.pk) == request.GET.get("client", "")), None)
    rows = selectors.invoices_for_user(
        request.user, status=status, client_id=client.pk if client else None
    )
    return table_page(
        request,
        "billing/invoices.html",
        rows,
        columns=INVOICE_COLUMNS,
        csv_name="invoices",
        status=status,
        statuses=InvoiceStatus.choices,
        client=client,
        clients=clients,
    )


@page(VIEW)
def invoice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    invoice = _invoice_or_404(request, pk)
    lines = selectors.invoice_lines(invoice)
    context = {
        "invoice": invoice,
        "document": selectors.invoice_document(invoice),
        "page": Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page")),
        "credit_notes": selectors.credit_notes_for_user(request.user, invoice.pk),
        "credited": selectors.credited_by_line(invoice),
    }
    return render(request, "billing/invoice_detail.html", context)


@page(MANAGE, "GET", "POST")
def invoice_finalize(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET asks (a finalised invoice never changes again) and changes nothing; POST finalises."""
    invoice = _invoice_or_404(request, pk)
    if request.method == "GET":
        return render(request, "billing/invoice_finalize.html", {"invoice": invoice})
    try:
        final = finalize_invoice(user=request.user, invoice=invoice)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Invoice {final.number_text} is final: {final.total}.")
    return redirect("billing_invoice", pk=invoice.pk)


@page(MANAGE, "GET", "POST")
def credit_note_create(request: AuthedRequest, pk: int) -> HttpResponse:
    invoice = _invoice_or_404(request, pk)
    form = forms.CreditNoteForm(request.POST or None, invoice=invoice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note = create_credit_note(
                user=request.user,
                invoice=invoice,
                lines=[CreditSpec(charge_line_id=data["line"].pk, amount=data["amount"])],
                reason=data["reason"],
            )
        except ChargeRefused as exc:
            form.add_error(None, exc.message)
            for field, errors in exc.field_errors.items():
                for error in errors:
                    name = "amount" if field.endswith(".amount") else None
                    form.add_error(name if field != "reason" else "reason", error)
        else:
            messages.success(request, f"Credit note {note.number_text} issued: {note.total}.")
            return redirect("billing_invoice", pk=invoice.pk)
    return render(request, "billing/credit_note_form.html", {"invoice": invoice, "form": form})


@page(VIEW)
def invoice_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    invoice = _invoice_or_404(request, pk)
    pdf = documents.render_invoice_pdf(selectors.invoice_document(invoice))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = invoice.number_text or f"draft-{invoice.pk}"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@page(VIEW)
def invoice_csv(request: AuthedRequest, pk: int) -> StreamingHttpResponse:
    invoice = _invoice_or_404(request, pk)
    response = StreamingHttpResponse(
        documents.iter_invoice_csv(selectors.invoice_csv_lines(invoice), invoice.currency),
        content_type="text/csv; charset=utf-8",
    )
    name = invoice.number_text or f"draft-{invoice.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@page(MANAGE, "GET", "POST")
def settings_edit(request: AuthedRequest) -> HttpResponse:
    current = selectors.billing_settings()
    form = forms.BillingSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            save_billing_settings(user=request.user, **fields)
        except ChargeRefused as exc:
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, "Billing settings saved.")
            return redirect("billing_home")
    return render(request, "billing/settings.html", {"form": form})
