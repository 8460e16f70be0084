"""The client's orders: the list with filters, create by form or CSV (picking's form, CSV import
and create_order: the same rules as the desk and the API, idempotent on the client's reference,
never merged), the order's page, and cancel with confirmation while the warehouse allows it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from picking import csv_io
from picking import selectors as picking_selectors
from picking.forms import OrderImportForm
from picking.models import Order
from picking.services.orders import cancel_order, create_order
from portal import forms, selectors
from portal.views.common import USE, portal_page
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import found_or_404, list_page

CREATE = "picking.create_order"
CANCEL = "picking.cancel_order"


def _order_or_404(request: AuthedRequest, pk: int) -> Order:
    return found_or_404(picking_selectors.get_order_for_user(request.user, pk))


@portal_page(USE)
def order_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.OrderFilterForm(request.GET)
    wanted = filters.filters()
    rows = selectors.client_orders(
        request.user,
        query=wanted.get("query", ""),
        status=wanted.get("status", ""),
        view=wanted.get("view", ""),
    )
    return list_page(request, "portal/orders.html", rows, filters)


@portal_page(USE, "GET", "POST")
def order_create(request: AuthedRequest) -> HttpResponse:
    form = forms.PortalOrderForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        kwargs = form.order_kwargs()
        if not request.user.has_perm(CREATE, Order(client=kwargs["client"])):
            form.add_error(None, "You may not order for this client.")
        else:
            try:
                order, created = create_order(**kwargs, user=request.user)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                note = "Saved" if created else "This order already existed; nothing changed:"
                messages.success(request, f"{note} {order} with {order.line_count} line(s).")
                return redirect("portal_order", pk=order.pk)
    return render(request, "portal/order_form.html", {"form": form})


@portal_page(USE, "GET", "POST")
def order_import(request: AuthedRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = OrderImportForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if posted and form.is_valid():
        result = csv_io.import_orders(
            form.cleaned_data["file"],
            request.user,
            lambda order: request.user.has_perm(CREATE, order),
        )
        if result.ok:
            messages.success(request, result.summary())
            return redirect("portal_orders")
    context = {"form": form, "result": result, "columns": csv_io.COLUMNS}
    return render(request, "portal/order_import.html", context)


@portal_page(USE)
def order_import_template(request: AuthedRequest) -> HttpResponse:
    response = HttpResponse(csv_io.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="orders-template.csv"'
    return response


@portal_page(USE)
def order_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    return render(request, "portal/order.html", {"view": selectors.order_page(order)})


@portal_page(USE, "GET", "POST")
def order_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET asks and changes nothing; POST cancels through picking's service, which refuses once
    the goods are packed."""
    order = _order_or_404(request, pk)
    if not request.user.has_perm(CANCEL, order):
        raise Http404("No such order.")
    if request.method == "GET":
        return render(request, "portal/order_cancel.html", {"order": order})
    try:
        cancel_order(order=order, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{order} is cancelled.")
    return redirect("portal_order", pk=order.pk)
