"""The client's billing: invoices (billing's own PDF and CSV of lines), the charges accrued in
the open period with the same provenance the 3PL sees (order, ASN, date, rule), and disputes of
a line with a note, which the 3PL's managers answer on billing's desk."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from billing import documents
from billing import selectors as billing_selectors
from billing.forms import DisputeForm
from billing.models import ChargeLine, Invoice, InvoiceStatus
from billing.services.disputes import open_dispute
from inventory import selectors as inventory_selectors
from portal.views.common import USE, portal_page
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import add_refusal, found_or_404
from wms.permissions import require

PAGE_SIZE = 50
DISPUTE = "billing.dispute_charge"


def _invoice_or_404(request: AuthedRequest, pk: int) -> Invoice:
    """A finalised invoice of the user's client: drafts are the 3PL's work in progress."""
    invoice = billing_selectors.get_invoice_for_user(request.user, pk)
    if invoice is None or invoice.status != InvoiceStatus.FINALIZED:
        raise Http404("No such invoice.")
    return invoice


@portal_page(USE)
def billing_home(request: AuthedRequest) -> HttpResponse:
    invoices = billing_selectors.invoices_for_user(request.user, status=InvoiceStatus.FINALIZED)
    context = {
        "invoices": Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page")),
        "disputes": billing_selectors.disputes_for_user(request.user)[:20],
    }
    return render(request, "portal/billing.html", context)


@portal_page(USE)
def charges(request: AuthedRequest) -> HttpResponse:
    """The charges of the client's open period so far, newest first, with their disputes."""
    client = found_or_404(inventory_selectors.client_of(request.user))
    period = billing_selectors.current_period(client, timezone.localdate())
    rows = (
        billing_selectors.charges_for_user(
            request.user, billing_selectors.ChargeFilters(period_id=period.pk)
        )
        if period is not None
        else ChargeLine.objects.none()
    )
    page_rows = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    disputes = billing_selectors.disputes_by_charge([line.pk for line in page_rows])
    context = {
        "period": period,
        "accrued": billing_selectors.accrued_for_client(client, period),
        "page": page_rows,
        "disputes": disputes,
    }
    return render(request, "portal/charges.html", context)


@portal_page(USE)
def invoice_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    invoice = _invoice_or_404(request, pk)
    pdf = documents.render_invoice_pdf(billing_selectors.invoice_document(invoice))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number_text}.pdf"'
    return response


@portal_page(USE)
def invoice_csv(request: AuthedRequest, pk: int) -> StreamingHttpResponse:
    invoice = _invoice_or_404(request, pk)
    response = StreamingHttpResponse(
        documents.iter_invoice_csv(billing_selectors.invoice_csv_lines(invoice), invoice.currency),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{invoice.number_text}.csv"'
    return response


@portal_page(USE, "GET", "POST")
def charge_dispute(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET shows the line and the note box; POST opens the dispute (billing's service)."""
    charge = found_or_404(billing_selectors.get_charge_for_user(request.user, pk))
    require(request.user, DISPUTE, charge)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            open_dispute(charge=charge, note=form.cleaned_data["note"], user=request.user)
        except DomainError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, "Sent: the warehouse's billing team will answer here.")
            return redirect("portal_billing")
    return render(request, "portal/dispute_form.html", {"charge": charge, "form": form})


@portal_page(USE)
def dispute_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    dispute = found_or_404(billing_selectors.get_dispute_for_user(request.user, pk))
    return render(request, "portal/dispute.html", {"dispute": dispute})


@portal_page(USE)
def invoice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    invoice = _invoice_or_404(request, pk)
    lines = list(billing_selectors.invoice_lines(invoice))
    context = {
        "invoice": invoice,
        "lines": lines,
        "disputes": billing_selectors.disputes_by_charge([line.pk for line in lines]),
    }
    return render(request, "portal/invoice.html", context)
