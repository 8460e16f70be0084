"""Disputes on the managers' desk: the list (open first) and the answer to one, accepting or
rejecting with a message the client reads in the portal."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from billing import forms, selectors
from billing.models import Dispute, DisputeStatus
from billing.services.disputes import answer_dispute
from wms.exceptions import DomainError
from wms.forms import FilterForm, choice_filter
from wms.http import AuthedRequest
from wms.pages import Column, add_refusal, page, table_page

VIEW = "billing.view_billing"
ANSWER = "billing.answer_disputes"


class DisputeFilterForm(FilterForm):
    status = choice_filter("Status", [("", "Any status"), *DisputeStatus.choices])


DISPUTE_COLUMNS = (
    Column("Opened", lambda d: d.created_at.isoformat(timespec="seconds"), ("created_at",)),
    Column("Client", lambda d: d.client.name, ("client__name",)),
    Column("Charge", lambda d: d.charge.description, ("charge__description",)),
    Column("Amount", lambda d: d.charge.amount, ("charge__amount",), numeric=True),
    Column("Note", lambda d: d.note),
    Column("Status", lambda d: d.get_status_display(), ("status",)),
)


@page(VIEW)
def dispute_list(request: AuthedRequest) -> HttpResponseBase:
    """Disputes (open first) filtered by the URL, sortable, exported to CSV as filtered."""
    filters = DisputeFilterForm(request.GET)
    rows = selectors.disputes_for_user(request.user, filters.filters().get("status", ""))
    return table_page(
        request,
        "billing/disputes.html",
        rows,
        columns=DISPUTE_COLUMNS,
        csv_name="disputes",
        filters=filters,
    )


def _dispute_or_404(request: AuthedRequest, pk: int) -> Dispute:
    dispute = selectors.get_dispute_for_user(request.user, pk)
    if dispute is None:
        raise Http404("No such dispute.")
    return dispute


@page(ANSWER, "GET", "POST")
def dispute_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    dispute = _dispute_or_404(request, pk)
    form = forms.DisputeAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answer_dispute(
                dispute=dispute,
                accept=form.cleaned_data["decision"] == "accept",
                answer=form.cleaned_data["answer"],
                user=request.user,
            )
        except DomainError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, f"Answered {dispute}; the client sees it in the portal.")
            return redirect("billing_disputes")
    return render(request, "billing/dispute.html", {"dispute": dispute, "form": form})
