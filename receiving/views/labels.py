"""Label downloads and bulk bin labels for signed-in users (the session twin of the API's label
routes; both build the file with receiving.label_service), and the receiving history.

LPN and single bin labels: floor staff in their warehouses (another warehouse's LPN is a 404,
client users a 403). Bulk bin labels and the history: managers and admins."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from inventory import selectors as inventory_selectors
from receiving import forms, label_service, selectors
from receiving.exceptions import LabelRefused
from wms.http import AuthedRequest
from wms.pages import Column, page, table_page

PRINT = "receiving.print_labels"
PRINT_BULK = "receiving.print_location_labels"
HISTORY = "receiving.view_history"


def _refused(refused: LabelRefused) -> HttpResponse:
    return HttpResponse(refused.message, status=409, content_type="text/plain; charset=utf-8")


def _size(request: AuthedRequest) -> str:
    size = request.GET.get("size", "4x6")
    if size not in label_service.LABEL_SIZES:
        raise Http404(f"No label size “{size}”: expected 4x6 or 4x2.")
    return size


@page(PRINT)
def lpn_label(request: AuthedRequest, pk: int, fmt: label_service.LabelFormat) -> HttpResponse:
    lpn = inventory_selectors.get_lpn_for_user(request.user, pk)
    if lpn is None:
        raise Http404("No such LPN.")
    try:
        file = label_service.lpn_label_file(request.user, lpn, size=_size(request), fmt=fmt)
    except LabelRefused as refused:
        return _refused(refused)
    return file.response(inline=fmt == "pdf")


@page(PRINT)
def location_label(request: AuthedRequest, pk: int, fmt: label_service.LabelFormat) -> HttpResponse:
    location = inventory_selectors.get_location_for_user(request.user, pk)
    if location is None:
        raise Http404("No such location.")
    try:
        file = label_service.location_label_file(location, fmt=fmt)
    except LabelRefused as refused:
        return _refused(refused)
    return file.response(inline=fmt == "pdf")


def _range_summary(form: forms.LocationLabelRangeForm) -> dict[str, Any]:
    """How many labels the range prints, its first and last code, and why it cannot print."""
    rows = form.locations()
    count = rows.count()
    limit = label_service.MAX_BULK_LOCATION_LABELS
    problem = ""
    bad = label_service.unprintable(list(rows)) if 0 < count <= limit else []
    if count == 0:
        problem = "No locations in this range: nothing to print."
    elif count > limit:
        problem = f"{count} labels is more than {limit} at once: narrow the range."
    elif bad:
        problem = (
            f"The barcodes of {', '.join(bad[:10])} are not printable ASCII (Code 128's "
            "alphabet): change them first, or print a range without them."
        )
    first = rows.first() if count else None
    last = rows.last() if count else None
    return {"count": count, "first": first, "last": last, "problem": problem}


@page(PRINT_BULK)
def location_labels(request: AuthedRequest) -> HttpResponse:
    """Choose a warehouse and a range; the page says how many labels that is before download."""
    form = forms.LocationLabelRangeForm(request.user, request.GET or None)
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        context.update(_range_summary(form))
        context["query"] = request.GET.urlencode()
    return render(request, "receiving/labels/locations.html", context)


@page(PRINT_BULK)
def location_labels_download(
    request: AuthedRequest, fmt: label_service.LabelFormat
) -> HttpResponse:
    form = forms.LocationLabelRangeForm(request.user, request.GET)
    if not form.is_valid():
        return render(request, "receiving/labels/locations.html", {"form": form}, status=400)
    summary = _range_summary(form)
    if summary["problem"]:
        context = {"form": form, **summary, "query": request.GET.urlencode()}
        return render(request, "receiving/labels/locations.html", context, status=400)
    warehouse = form.cleaned_data["warehouse"]
    file = label_service.location_labels_file(warehouse, list(form.locations()), fmt=fmt)
    return file.response(inline=fmt == "pdf")


RECEIPT_COLUMNS = (
    Column("When", lambda r: r.created_at.isoformat(timespec="seconds"), ("created_at",)),
    Column("ASN", lambda r: r.asn.reference if r.asn else "blind", ("asn__reference",)),
    Column("Client", lambda r: r.client.code, ("client__code",)),
    Column("Warehouse", lambda r: r.warehouse.code, ("warehouse__code",)),
    Column("SKU", lambda r: r.product.sku, ("product__sku",)),
    Column("Qty", lambda r: r.quantity, ("quantity",), numeric=True),
    Column("Lot", lambda r: r.lot.number if r.lot else "", ("lot__number",)),
    Column("LPN", lambda r: r.lpn.code if r.lpn else "", ("lpn__code",)),
    Column("Location", lambda r: r.location.code, ("location__code",)),
    Column("Status", lambda r: r.get_status_display(), ("status",)),
    Column("By", lambda r: r.user.email if r.user else "", ("user__email",)),
)


@page(HISTORY)
def receiving_history(request: AuthedRequest) -> HttpResponseBase:
    """Receipts across ASNs, newest first (or as sorted): one query for the page and one for
    the count; CSV of every filtered receipt."""
    filters = forms.ReceiptHistoryForm(request.user, request.GET)
    rows = selectors.receipt_history(request.user, **filters.filters())
    return table_page(
        request,
        "receiving/history.html",
        rows,
        columns=RECEIPT_COLUMNS,
        csv_name="receipts",
        filters=filters,
    )
