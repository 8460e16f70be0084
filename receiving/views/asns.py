"""Receiving pages. Desktop (managers and admins): the ASN list, create by form or CSV, detail with
receipts, mark expected, cancel and close (each confirmed first) and the discrepancy CSV.
Handheld (floor staff): choose or scan an ASN, then scan goods against it; managers may also
choose a client and scan goods that came without an ASN (blind receiving)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect

from inventory import selectors as inventory_selectors
from inventory.models import Client, Warehouse
from inventory.selectors import active_warehouse
from receiving import forms, selectors, services
from receiving.models import Asn, AsnStatus, Receipt
from receiving.services import AsnLineSpec
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import Column, page, table_page
from wms.validation import ScanRefused, clean_scan, shown_scan

PAGE_SIZE = 50
MANAGE = "receiving.manage_asn"
FLOOR = "wms.use_floor"
BLIND = ("wms.use_floor", "receiving.receive_blind")
LPN_KEY = "receiving_lpn_pk"
BLIND_LPN_KEY = "receiving_blind_lpn_pk"
SENT_LPN_KEY = "receiving_sent_lpn"
REMEMBERED_KEYS = 50


def _asn_or_404(request: AuthedRequest, pk: int) -> Asn:
    asn = selectors.get_asn_for_user(request.user, pk)
    if asn is None:
        raise Http404("No such ASN.")
    return asn


# --- Desktop -----------------------------------------------------------------------------------


ASN_COLUMNS = (
    Column("Reference", lambda a: a.reference, ("reference",)),
    Column("Client", lambda a: a.client.code, ("client__code",)),
    Column("Warehouse", lambda a: a.warehouse.code, ("warehouse__code",)),
    Column("Expected", lambda a: a.expected_date, ("expected_date",)),
    Column("Carrier", lambda a: a.carrier, ("carrier",)),
    Column("Status", lambda a: a.get_status_display(), ("status",)),
    Column(
        "Received / expected",
        lambda a: f"{a.received_total} / {a.expected_total}",
        ("received_total", "expected_total"),
        key="received",
        numeric=True,
    ),
)


@page(MANAGE)
def asn_list(request: AuthedRequest) -> HttpResponseBase:
    filters = forms.AsnFilterForm(request.user, request.GET)
    rows = selectors.search_asns(request.user, **filters.filters())
    return table_page(
        request,
        "receiving/asn_list.html",
        rows,
        columns=ASN_COLUMNS,
        csv_name="asns",
        filters=filters,
    )


def _save_asn(request: AuthedRequest, form: forms.AsnForm, lines: list[AsnLineSpec]) -> Asn | None:
    data = {name: form.cleaned_data[name] for name in form.fields if name != "file"}
    try:
        asn = services.create_asn(**data, lines=lines, user=request.user)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, f"Saved {asn} with {len(lines)} line(s).")
    return asn


@page(MANAGE, "GET", "POST")
def asn_create(request: AuthedRequest) -> HttpResponse:
    form = forms.AsnForm(request.user, request.POST or None)
    lines = forms.asn_line_formset(request.POST or None)
    if request.method == "POST" and all([form.is_valid(), lines.is_valid()]):
        specs = lines.specs(form.cleaned_data["client"])
        asn = _save_asn(request, form, specs) if specs is not None else None
        if asn is not None:
            return redirect("asn_detail", pk=asn.pk)
    return render(request, "receiving/asn_form.html", {"form": form, "lines": lines})


@page(MANAGE, "GET", "POST")
def asn_import(request: AuthedRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = forms.AsnImportForm(
        request.user, request.POST if posted else None, request.FILES if posted else None
    )
    errors: list[Any] = []
    if posted and form.is_valid():
        specs, errors = forms.csv_line_specs(form.cleaned_data["file"], form.cleaned_data["client"])
        asn = None if errors else _save_asn(request, form, specs)
        if asn is not None:
            return redirect("asn_detail", pk=asn.pk)
    context = {"form": form, "errors": errors, "columns": forms.LINE_COLUMNS}
    return render(request, "receiving/asn_import.html", context)


@page(MANAGE)
def asn_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    asn = _asn_or_404(request, pk)
    context = {
        "asn": asn,
        "lines": selectors.asn_lines(asn),
        "receipts": selectors.asn_receipts(asn),
        "closed": asn.status == AsnStatus.RECEIVED,
    }
    return render(request, "receiving/asn_detail.html", context)


def _confirm_action(
    request: AuthedRequest, pk: int, action: str, run: Any, question: str
) -> HttpResponse:
    """GET shows what will happen and changes nothing; POST runs the one service call."""
    asn = _asn_or_404(request, pk)
    if request.method == "POST":
        try:
            run(asn=asn, user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{asn}: {action} done.")
        return redirect("asn_detail", pk=asn.pk)
    context = {"asn": asn, "action": action, "question": question}
    if action == "close":
        context["report"] = selectors.discrepancy_report(asn)
    return render(request, "receiving/asn_confirm.html", context)


@page(MANAGE, "POST")
def asn_mark_expected(request: AuthedRequest, pk: int) -> HttpResponse:
    asn = _asn_or_404(request, pk)
    try:
        services.mark_expected(asn=asn, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{asn} is expected: the dock may receive against it.")
    return redirect("asn_detail", pk=asn.pk)


@page(MANAGE, "GET", "POST")
def asn_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    question = "Cancel this ASN? Nothing can be received against it afterwards."
    return _confirm_action(request, pk, "cancel", services.cancel_asn, question)


@page(MANAGE, "GET", "POST")
def asn_close(request: AuthedRequest, pk: int) -> HttpResponse:
    question = "Close this ASN with the numbers below? No more goods can be received against it."
    return _confirm_action(request, pk, "close", services.close_asn, question)


@page(MANAGE)
def asn_discrepancy_csv(request: AuthedRequest, pk: int) -> HttpResponse:
    asn = _asn_or_404(request, pk)
    response = HttpResponse(selectors.discrepancy_csv(asn), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="asn-{asn.pk}-discrepancy.csv"'
    return response


# --- Handheld ----------------------------------------------------------------------------------


@page(FLOOR)
def receive_home(request: AuthedRequest) -> HttpResponse:
    warehouse = active_warehouse(request.user, request.session)
    asns = selectors.floor_asns(request.user, warehouse) if warehouse else []
    context = {"warehouse": warehouse, "asns": asns}
    return render(request, "receiving/floor/home.html", context)


@page(FLOOR, "POST")
def receive_find(request: AuthedRequest) -> HttpResponse:
    """A scanned ASN reference opens its receive page; anything else is an error line."""
    try:
        code = clean_scan(request.POST.get("code"))
    except ScanRefused as refused:
        context = {
            "ok": False,
            "code": shown_scan(request.POST.get("code")),
            "message": refused.message,
        }
        return render(request, "handheld/_scan_result.html", context)
    warehouse = active_warehouse(request.user, request.session)
    asn = selectors.find_floor_asn(request.user, warehouse, code) if warehouse and code else None
    if asn is None:
        where = f" in {warehouse.code}" if warehouse else ""
        message = f"No open ASN “{code}”{where}: expected the reference of an ASN to receive."
        context = {"ok": False, "code": code, "message": message}
        return render(request, "handheld/_scan_result.html", context)
    return HttpResponseClientRedirect(f"/floor/receive/{asn.pk}/")


def _floor_asn_or_404(request: AuthedRequest, pk: int) -> Asn:
    asn = selectors.get_floor_asn(request.user, pk)
    if asn is None:
        raise Http404("No such ASN.")
    return asn


@page(FLOOR)
def receive_asn(request: AuthedRequest, pk: int) -> HttpResponse:
    asn = _floor_asn_or_404(request, pk)
    context = {
        "asn": asn,
        "lines": selectors.asn_lines(asn),
        "lpn": selectors.receiving_lpn(asn.warehouse_id, request.session.get(LPN_KEY)),
        "fields": forms.ReceiveScanForm(),
    }
    return render(request, "receiving/floor/receive.html", context)


@page(FLOOR, "POST")
def receive_new_lpn(request: AuthedRequest, pk: int) -> HttpResponse:
    request.session.pop(LPN_KEY, None)
    messages.success(request, "The next scan starts a new LPN.")
    return redirect("receive_asn", pk=_floor_asn_or_404(request, pk).pk)


def _lpn_for_scan(request: AuthedRequest, warehouse_id: int, lpn_key: str, key: str) -> Any:
    """The LPN this scan goes onto: the current one (kept in the session under `lpn_key`),
    except that a repeat of a key sends the LPN its first try was sent with, so the repeat
    matches it and counts once."""
    sent: dict[str, int | None] = request.session.get(SENT_LPN_KEY, {})
    lpn_pk = sent[key] if key in sent else request.session.get(lpn_key)
    if key:
        sent[key] = lpn_pk
        request.session[SENT_LPN_KEY] = dict(list(sent.items())[-REMEMBERED_KEYS:])
    return selectors.receiving_lpn(warehouse_id, lpn_pk)


def _scan_and_receive(
    request: AuthedRequest,
    warehouse_id: int,
    lpn_key: str,
    receive: Callable[..., Receipt],
    asn: Asn | None = None,
) -> HttpResponse:
    """One handheld receiving scan, with or without an ASN: reads the scan box and its fields,
    calls `receive` (a receipt service with its ASN, or warehouse and client, already bound)
    onto the page's current LPN, and answers with one result line. Always 200 (htmx does not
    swap 4xx)."""
    form = forms.ReceiveScanForm(request.POST)
    code = shown_scan(request.POST.get("code"))
    if not form.is_valid():
        context = {"ok": False, "code": code, "message": form.problem()}
        return render(request, "handheld/_scan_result.html", context)
    data = form.cleaned_data
    try:
        receipt = receive(
            code_or_product=data["code"],
            user=request.user,
            quantity=data["quantity"],
            lot_number=data["lot"] or None,
            expiry=data["expiry"],
            lpn=_lpn_for_scan(request, warehouse_id, lpn_key, data["idempotency_key"]),
            damaged=data["damaged"],
            idempotency_key=data["idempotency_key"] or None,
        )
    except DomainError as exc:
        context = {"ok": False, "code": code, "message": exc.message}
        return render(request, "handheld/_scan_result.html", context)
    if receipt.lpn_id:
        request.session[lpn_key] = receipt.lpn_id
    context = {
        "code": code,
        "receipt": receipt,
        "line": selectors.line_after_receipt(receipt),
        # The page's line table, swapped in out of band so it counts along with each scan.
        "lines": selectors.asn_lines(asn) if asn is not None else None,
    }
    return render(request, "receiving/floor/_receipt_result.html", context)


@page(FLOOR, "POST")
def receive_scan(request: AuthedRequest, pk: int) -> HttpResponse:
    """One scan against the ASN."""
    asn = _floor_asn_or_404(request, pk)
    receive = partial(services.receive_scan, asn=asn)
    return _scan_and_receive(request, asn.warehouse_id, LPN_KEY, receive, asn)


# --- Handheld blind receiving (no ASN; managers) ------------------------------------------------


def _blind_client_or_404(request: AuthedRequest, client_pk: int) -> tuple[Warehouse, Client]:
    """The active warehouse and the client in scope that blind receiving takes goods for."""
    warehouse = active_warehouse(request.user, request.session)
    client = inventory_selectors.get_client_for_user(request.user, client_pk)
    if warehouse is None or client is None:
        raise Http404("No such client, or no warehouse to receive into.")
    return warehouse, client


def _blind_lpn_key(client: Client) -> str:
    """Each client's blind receipts keep their own current LPN: clients never share a pallet."""
    return f"{BLIND_LPN_KEY}:{client.pk}"


@page(BLIND)
def receive_blind_home(request: AuthedRequest) -> HttpResponse:
    """Choose the client whose goods arrived without an ASN."""
    warehouse = active_warehouse(request.user, request.session)
    clients = inventory_selectors.clients_for_user(request.user) if warehouse else []
    context = {"warehouse": warehouse, "clients": clients}
    return render(request, "receiving/floor/blind_home.html", context)


@page(BLIND)
def receive_blind(request: AuthedRequest, client_pk: int) -> HttpResponse:
    warehouse, client = _blind_client_or_404(request, client_pk)
    lpn_pk = request.session.get(_blind_lpn_key(client))
    context = {
        "warehouse": warehouse,
        "client": client,
        "lpn": selectors.receiving_lpn(warehouse.pk, lpn_pk),
        "fields": forms.ReceiveScanForm(),
    }
    return render(request, "receiving/floor/blind.html", context)


@page(BLIND, "POST")
def receive_blind_new_lpn(request: AuthedRequest, client_pk: int) -> HttpResponse:
    _, client = _blind_client_or_404(request, client_pk)
    request.session.pop(_blind_lpn_key(client), None)
    messages.success(request, "The next scan starts a new LPN.")
    return redirect("receive_blind", client_pk=client.pk)


@page(BLIND, "POST")
def receive_blind_scan(request: AuthedRequest, client_pk: int) -> HttpResponse:
    """One scan of goods without an ASN, into the active warehouse's dock."""
    warehouse, client = _blind_client_or_404(request, client_pk)
    receive = partial(services.blind_receive, warehouse=warehouse, client=client)
    return _scan_and_receive(request, warehouse.pk, _blind_lpn_key(client), receive)
