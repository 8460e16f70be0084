"""The client's inbound: ASNs created by form or CSV through receiving's create_asn (idempotent
on the client's reference), sent to the warehouse (mark expected), followed in the list, and
read at close-out: expected against received, short, over and damaged per line."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from portal import forms, selectors
from portal.views.common import USE, portal_page
from receiving import forms as receiving_forms
from receiving import selectors as receiving_selectors
from receiving import services as receiving_services
from receiving.models import Asn, AsnStatus
from receiving.services import AsnLineSpec
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import found_or_404, list_page
from wms.permissions import require

SUBMIT = "receiving.submit_asn"


def _asn_or_404(request: AuthedRequest, pk: int) -> Asn:
    return found_or_404(receiving_selectors.get_asn_for_user(request.user, pk))


@portal_page(USE)
def asn_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.AsnFilterForm(request.GET)
    wanted = filters.filters()
    rows = selectors.client_asns(
        request.user,
        query=wanted.get("query", ""),
        status=wanted.get("status", ""),
        week=wanted.get("week", ""),
    )
    return list_page(request, "portal/asns.html", rows, filters)


def _save(
    request: AuthedRequest, form: forms.PortalAsnForm, lines: list[AsnLineSpec]
) -> Asn | None:
    data = {name: form.cleaned_data[name] for name in form.fields if name != "file"}
    require(request.user, SUBMIT, Asn(client=data["client"]))
    try:
        asn = receiving_services.create_asn(**data, lines=lines, user=request.user)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, f"Saved {asn} with {len(lines)} line(s) as a draft.")
    return asn


@portal_page(USE, "GET", "POST")
def asn_create(request: AuthedRequest) -> HttpResponse:
    form = forms.PortalAsnForm(request.user, request.POST or None)
    lines = receiving_forms.asn_line_formset(request.POST or None)
    if request.method == "POST" and all([form.is_valid(), lines.is_valid()]):
        specs = lines.specs(form.cleaned_data["client"])
        asn = _save(request, form, specs) if specs is not None else None
        if asn is not None:
            return redirect("portal_asn", pk=asn.pk)
    return render(request, "portal/asn_form.html", {"form": form, "lines": lines})


@portal_page(USE, "GET", "POST")
def asn_import(request: AuthedRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = forms.PortalAsnImportForm(
        request.user, request.POST if posted else None, request.FILES if posted else None
    )
    errors: list[object] = []
    if posted and form.is_valid():
        specs, row_errors = receiving_forms.csv_line_specs(
            form.cleaned_data["file"], form.cleaned_data["client"]
        )
        errors = list(row_errors)
        asn = None if errors else _save(request, form, specs)
        if asn is not None:
            return redirect("portal_asn", pk=asn.pk)
    context = {"form": form, "errors": errors, "columns": receiving_forms.LINE_COLUMNS}
    return render(request, "portal/asn_import.html", context)


@portal_page(USE)
def asn_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    asn = _asn_or_404(request, pk)
    context = {
        "asn": asn,
        "lines": receiving_selectors.asn_lines(asn),
        "report": receiving_selectors.discrepancy_report(asn),
        "draft": asn.status == AsnStatus.DRAFT,
    }
    return render(request, "portal/asn.html", context)


@portal_page(USE, "POST")
def asn_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Sends a draft to the warehouse: receiving's mark_expected (the dock may now receive)."""
    asn = _asn_or_404(request, pk)
    require(request.user, SUBMIT, asn)
    try:
        receiving_services.mark_expected(asn=asn, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{asn} is sent: the warehouse expects it.")
    return redirect("portal_asn", pk=asn.pk)


@portal_page(USE)
def asn_closeout_csv(request: AuthedRequest, pk: int) -> HttpResponse:
    asn = _asn_or_404(request, pk)
    body = receiving_selectors.discrepancy_csv(asn)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="asn-{asn.reference}-closeout.csv"'
    return response
