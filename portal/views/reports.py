"""The client's reports, each a page and (with `?format=csv`) the same rows as CSV: stock on a
chosen date from the ledger, shipments in a period, receipts in a period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from portal import forms, selectors
from portal.csv_io import csv_lines
from portal.views.common import USE, portal_page
from wms.http import AuthedRequest
from wms.pages import csv_download


def _report(
    request: AuthedRequest,
    form: Any,
    title: str,
    header: Sequence[str],
    rows: Callable[[dict[str, Any]], list[tuple[object, ...]]],
    name: str,
) -> HttpResponseBase:
    result = rows(form.cleaned_data) if form.is_valid() else None
    if result is not None and request.GET.get("format") == "csv":
        return csv_download(csv_lines(header, result), name)
    context = {"form": form, "title": title, "header": header, "rows": result}
    return render(request, "portal/report.html", context)


def _month_so_far() -> dict[str, dt.date]:
    today = timezone.localdate()
    return {"date_from": today.replace(day=1), "date_to": today}


@portal_page(USE)
def reports(request: AuthedRequest) -> HttpResponse:
    return render(request, "portal/reports.html", {"today": timezone.localdate()})


@portal_page(USE)
def stock_report(request: AuthedRequest) -> HttpResponseBase:
    data = request.GET if "date" in request.GET else {"date": timezone.localdate()}
    return _report(
        request,
        forms.StockOnDateForm(data),
        "Stock on a date",
        selectors.STOCK_HEADER,
        lambda d: selectors.stock_on(request.user, d["date"]),
        "stock-on-date",
    )


@portal_page(USE)
def shipments_report(request: AuthedRequest) -> HttpResponseBase:
    data = request.GET if "date_from" in request.GET else _month_so_far()
    return _report(
        request,
        forms.PeriodForm(data),
        "Shipments in a period",
        selectors.SHIPMENTS_HEADER,
        lambda d: selectors.shipments_between(request.user, d["date_from"], d["date_to"]),
        "shipments",
    )


@portal_page(USE)
def receipts_report(request: AuthedRequest) -> HttpResponseBase:
    data = request.GET if "date_from" in request.GET else _month_so_far()
    return _report(
        request,
        forms.PeriodForm(data),
        "Receipts in a period",
        selectors.RECEIPTS_HEADER,
        lambda d: selectors.receipts_between(request.user, d["date_from"], d["date_to"]),
        "receipts",
    )
