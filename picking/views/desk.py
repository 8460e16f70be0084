"""Outbound desk pages, mounted at /outbound/ (managers and admins): the order list with filters
and bulk actions (allocate, cancel, create wave), order create by form or CSV, order detail with
allocations, picks and events; wave planning, the wave list and a wave's page with its release
form and live progress; wave rules; the pick monitor. Each POST calls one service; refusals
become messages or form errors and change nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from rules.contrib.views import permission_required

from inventory import selectors as inventory_selectors
from picking import csv_io, forms, selectors
from picking.models import (
    OPEN_FOR_ALLOCATION,
    Order,
    OrderStatus,
    PickMethod,
    Wave,
    WaveRule,
    WaveStatus,
)
from picking.services.allocation import allocate_orders
from picking.services.orders import cancel_order, create_order
from picking.services.wave_defaults import plan_and_release, save_wave_defaults
from picking.services.wave_rules import delete_wave_rule, save_wave_rule
from picking.services.waves import MAX_WAVE_ORDERS, cancel_wave, create_wave, release_wave
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import Column, form_page, page, table_page
from wms.permissions import require
from wms.validation import id_from

PAGE_SIZE = 50
VIEW = "picking.view_orders"
CREATE = "picking.create_order"
ALLOCATE = "picking.allocate"
WAVES = "picking.manage_waves"
MONITOR = "picking.view_pick_monitor"
PREVIEW_SIZE = 20


def _order_or_404(request: AuthedRequest, pk: int) -> Order:
    order = selectors.get_order_for_user(request.user, pk)
    if order is None:
        raise Http404("No such order.")
    return order


def _wave_or_404(request: AuthedRequest, pk: int) -> Wave:
    wave = selectors.get_wave_for_user(request.user, pk)
    if wave is None:
        raise Http404("No such wave.")
    return wave


def _selected(request: AuthedRequest) -> list[Order]:
    """The checked orders, as far as they lie in the user's scope."""
    ids = [pk for pk in map(id_from, request.POST.getlist("order")) if pk]
    return list(selectors.orders_for_user(request.user).filter(pk__in=ids))


# --- Orders ------------------------------------------------------------------------------------


ORDER_COLUMNS = (
    Column(""),
    Column("Reference", lambda o: o.reference, ("reference",)),
    Column("Client", lambda o: o.client.code, ("client__code",)),
    Column("Warehouse", lambda o: o.warehouse.code, ("warehouse__code",)),
    Column("Ship to", lambda o: f"{o.ship_to_name}, {o.ship_to_city}", ("ship_to_name",)),
    Column("Carrier service", lambda o: o.carrier_service, ("carrier_service",)),
    Column("Priority", lambda o: o.priority, ("priority",), numeric=True),
    Column("Ship by", lambda o: o.ship_by, ("ship_by",)),
    Column("Lines", lambda o: o.line_count, ("line_count",), numeric=True),
    Column("Units", lambda o: o.total_units, ("total_units",), numeric=True),
    Column("Wave", lambda o: o.wave.number if o.wave else "", ("wave__number",)),
    Column("Status", lambda o: o.get_status_display(), ("status",)),
    Column("Created", lambda o: o.created_at.isoformat(timespec="seconds"), ("created_at",)),
)


@page(VIEW)
@vary_on_headers("HX-Request")
def order_list(request: AuthedRequest) -> HttpResponseBase:
    filters = forms.OrderFilterForm(request.user, request.GET)
    rows = selectors.orders_for_user(request.user, filters.order_filters())
    return table_page(
        request,
        "picking/desk/order_list.html",
        rows,
        columns=ORDER_COLUMNS,
        csv_name="orders",
        filters=filters,
        carriers=selectors.carrier_services(request.user),
    )


@page(VIEW, "POST")
def order_bulk(request: AuthedRequest) -> HttpResponse:
    """The list's bulk actions on the checked orders: allocate, cancel (asks first), wave."""
    action = request.POST.get("action", "")
    orders = _selected(request)
    if not orders:
        messages.error(request, "Check at least one order first.")
        return redirect("order_list")
    if action == "allocate":
        require(request.user, ALLOCATE)
        result = allocate_orders(order_ids=[o.pk for o in orders], user=request.user)
        messages.success(request, f"Allocation: {result.summary}")
        return redirect("order_list")
    if action == "cancel":
        query = "&".join(f"order={o.pk}" for o in orders)
        return redirect(f"{reverse('order_bulk_cancel')}?{query}")
    if action == "wave":
        return _wave_from_orders(request, orders)
    messages.error(request, f"Unknown action “{action}”.")
    return redirect("order_list")


def _wave_from_orders(request: AuthedRequest, orders: list[Order]) -> HttpResponse:
    require(request.user, WAVES)
    warehouses = {o.warehouse_id for o in orders}
    if len(warehouses) != 1:
        messages.error(request, "A wave ships from one warehouse; check orders of one warehouse.")
        return redirect("order_list")
    try:
        created = create_wave(
            warehouse=orders[0].warehouse,
            order_ids=[o.pk for o in orders],
            user=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("order_list")
    messages.success(request, f"{created.wave} planned. Allocation: {created.allocation.summary}")
    return redirect("wave_detail", pk=created.wave.pk)


@page(VIEW, "GET", "POST")
def order_bulk_cancel(request: AuthedRequest) -> HttpResponse:
    """GET lists the orders to cancel and changes nothing; POST cancels each one it may and
    names the refusals (a packed order, one of another client)."""
    source = request.POST if request.method == "POST" else request.GET
    ids = [pk for pk in map(id_from, source.getlist("order")) if pk]
    orders = list(selectors.orders_for_user(request.user).filter(pk__in=ids))
    if not orders:
        messages.error(request, "Check at least one order first.")
        return redirect("order_list")
    if request.method == "GET":
        return render(request, "picking/desk/order_cancel.html", {"orders": orders})
    cancelled, refused = [], []
    for order in orders:
        if not request.user.has_perm("picking.cancel_order", order):
            refused.append(f"{order.reference}: you may not cancel it")
            continue
        try:
            cancel_order(order=order, user=request.user)
        except DomainError as exc:
            refused.append(f"{order.reference}: {exc.message}")
        else:
            cancelled.append(order.reference)
    if cancelled:
        messages.success(request, f"Cancelled {len(cancelled)}: {', '.join(cancelled)}.")
    for refusal in refused:
        messages.error(request, f"Not cancelled: {refusal}")
    return redirect("order_list")


@login_required
@permission_required(VIEW, raise_exception=True)
@permission_required(CREATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def order_create(request: AuthedRequest) -> HttpResponse:
    form = forms.OrderForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        kwargs = form.order_kwargs()
        if not request.user.has_perm(
            CREATE, Order(client=kwargs["client"], warehouse=kwargs["warehouse"])
        ):
            form.add_error("client", "You may not order for this client.")
        else:
            try:
                order, created = create_order(**kwargs, user=request.user)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                note = "Saved" if created else "This order already existed; nothing changed:"
                messages.success(request, f"{note} {order} with {order.line_count} line(s).")
                return redirect("order_detail", pk=order.pk)
    return render(request, "picking/desk/order_form.html", {"form": form})


@login_required
@permission_required(VIEW, raise_exception=True)
@permission_required(CREATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def order_import(request: AuthedRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = forms.OrderImportForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    result = None
    if posted and form.is_valid():
        result = csv_io.import_orders(
            form.cleaned_data["file"],
            request.user,
            lambda order: request.user.has_perm(CREATE, order),
        )
        if result.ok:
            messages.success(request, result.summary())
            return redirect("order_list")
    context = {"form": form, "result": result, "columns": csv_io.COLUMNS}
    return render(request, "picking/desk/order_import.html", context)


@page(VIEW)
def order_import_template(request: AuthedRequest) -> HttpResponse:
    response = HttpResponse(csv_io.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="orders-template.csv"'
    return response


@page(VIEW)
def order_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    context = {
        "detail": selectors.order_detail(order),
        "order": order,
        "can_allocate": order.status in OPEN_FOR_ALLOCATION,
        "can_cancel": order.status not in (OrderStatus.PACKED, OrderStatus.SHIPPED)
        and order.status != OrderStatus.CANCELLED,
    }
    return render(request, "picking/desk/order_detail.html", context)


@page(VIEW, "GET", "POST")
def order_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET asks and changes nothing; POST cancels the order (refused once packed)."""
    order = _order_or_404(request, pk)
    if not request.user.has_perm("picking.cancel_order", order):
        raise Http404("No such order.")
    if request.method == "GET":
        return render(request, "picking/desk/order_cancel.html", {"orders": [order], "one": order})
    try:
        cancel_order(order=order, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{order} is cancelled; its reserved stock is free again.")
    return redirect("order_detail", pk=order.pk)


@page(ALLOCATE, "POST")
def order_allocate(request: AuthedRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    result = allocate_orders(order_ids=[order.pk], user=request.user)
    messages.success(request, f"Allocation: {result.summary}")
    return redirect("order_detail", pk=order.pk)


# --- Waves -------------------------------------------------------------------------------------


WAVE_COLUMNS = (
    Column("Number", lambda w: w.number, ("number",)),
    Column("Warehouse", lambda w: w.warehouse.code, ("warehouse__code",)),
    Column("Method", lambda w: w.get_pick_method_display(), ("pick_method",)),
    Column("Orders", lambda w: w.order_count, ("order_count",), numeric=True),
    Column("Status", lambda w: w.get_status_display(), ("status",)),
    Column("Created", lambda w: w.created_at.isoformat(timespec="seconds"), ("created_at",)),
    Column(
        "Released",
        lambda w: w.released_at.isoformat(timespec="seconds") if w.released_at else "",
        ("released_at",),
    ),
    Column("Rule", lambda w: w.rule.name if w.rule else "", ("rule__name",)),
)


@page(WAVES)
def wave_list(request: AuthedRequest) -> HttpResponseBase:
    status = request.GET.get("status", "")
    status = status if status in WaveStatus.values else ""
    rows = selectors.waves_for_user(request.user, status=status)
    return table_page(
        request,
        "picking/desk/wave_list.html",
        rows,
        columns=WAVE_COLUMNS,
        csv_name="waves",
        status=status,
        statuses=WaveStatus.choices,
    )


@page(WAVES, "GET", "POST")
def wave_plan(request: AuthedRequest) -> HttpResponse:
    """GET filters open orders and previews them with the lists, carts and lines a release
    would make (the warehouse's default pick method unless one is chosen); POST creates a wave
    of the matching orders (the most urgent `max_orders`), allocating them, and with
    `release` releases it to the floor in the same step."""
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = forms.WavePlanForm(request.user, data)
    context: dict[str, Any] = {"form": form, "max_orders": MAX_WAVE_ORDERS}
    if data is not None and form.is_valid():
        warehouse = form.cleaned_data["warehouse"]
        filters = form.wave_filters()
        matching = selectors.open_orders(warehouse, filters)
        taking = list(matching[: form.cleaned_data["max_orders"]])
        defaults = selectors.wave_defaults_of(warehouse)
        largest = max((o.total_units for o in taking), default=0)
        method = form.cleaned_data["pick_method"] or selectors.proposed_method(defaults, largest)
        per_cart = form.cleaned_data["orders_per_cart"] or defaults.orders_per_cart
        if request.method == "POST":
            done = _create_wave(request, form, warehouse, taking, method, per_cart, filters)
            if done is not None:
                return done
        context |= {
            "count": matching.count(),
            "taking": len(taking),
            "preview": taking[:PREVIEW_SIZE],
            "method": PickMethod(method),
            "per_cart": per_cart,
            "release": selectors.release_preview(taking, method, per_cart),
            "defaults": defaults,
        }
    return render(request, "picking/desk/wave_plan.html", context)


def _create_wave(
    request: AuthedRequest,
    form: forms.WavePlanForm,
    warehouse: Any,
    orders: list[Order],
    method: str,
    per_cart: int,
    filters: dict[str, Any],
) -> HttpResponse | None:
    """Creates the wave (and releases it when the planner asked); None after a refusal, which
    is on the form and wrote nothing."""
    ids = [o.pk for o in orders]
    try:
        if request.POST.get("release"):
            out = plan_and_release(
                warehouse=warehouse,
                order_ids=ids,
                user=request.user,
                pick_method=method,
                orders_per_cart=per_cart,
                filters=filters,
            )
            messages.success(
                request, f"{out.created.wave} planned and released. {out.released.summary}"
            )
            return redirect("wave_detail", pk=out.created.wave.pk)
        created = create_wave(
            warehouse=warehouse,
            order_ids=ids,
            user=request.user,
            pick_method=method,
            filters=filters,
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, f"{created.wave} planned. Allocation: {created.allocation.summary}")
    return redirect("wave_detail", pk=created.wave.pk)


@page(WAVES)
def wave_defaults_list(request: AuthedRequest) -> HttpResponse:
    """Each of the user's warehouses with how it usually picks."""
    rows = [
        (warehouse, selectors.wave_defaults_of(warehouse))
        for warehouse in inventory_selectors.warehouses_for_user(request.user)
    ]
    return render(request, "picking/desk/wave_defaults.html", {"rows": rows})


@page(WAVES, "GET", "POST")
def wave_defaults_edit(request: AuthedRequest, warehouse_pk: int) -> HttpResponse:
    warehouse = inventory_selectors.get_warehouse_for_user(request.user, warehouse_pk)
    if warehouse is None:
        raise Http404("No such warehouse.")
    saved = selectors.wave_defaults_of(warehouse)
    initial = {
        "pick_method": saved.pick_method,
        "orders_per_cart": saved.orders_per_cart,
        "cluster_max_units": saved.cluster_max_units,
    }
    form = forms.WaveDefaultsForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        lambda data: save_wave_defaults(warehouse=warehouse, user=request.user, **data),
        title=f"How {warehouse.code} picks",
        back="wave_defaults_list",
    )


def _wave_context(wave: Wave) -> dict[str, Any]:
    return {
        "wave": wave,
        "progress": selectors.wave_progress(wave),
        "live": selectors.wave_is_live(wave),
        "pick_lists": list(selectors.wave_pick_lists(wave)),
    }


@page(WAVES)
def wave_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    wave = _wave_or_404(request, pk)
    context = _wave_context(wave) | {
        "orders": list(selectors.wave_orders(wave)),
        "allocation": selectors.wave_allocation_summary(wave),
        "release_form": forms.WaveReleaseForm(
            wave.warehouse_id,
            initial={
                "pick_method": wave.pick_method,
                "orders_per_cart": wave.orders_per_cart,
                "staging_location": wave.staging_location,
            },
        ),
    }
    return render(request, "picking/desk/wave_detail.html", context)


@page(WAVES)
def wave_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """The progress block alone, for htmx polling while pickers work."""
    wave = _wave_or_404(request, pk)
    return render(request, "picking/desk/wave_detail.html#progress", _wave_context(wave))


@page(WAVES, "POST")
def wave_release(request: AuthedRequest, pk: int) -> HttpResponse:
    wave = _wave_or_404(request, pk)
    form = forms.WaveReleaseForm(wave.warehouse_id, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("wave_detail", pk=wave.pk)
    try:
        released = release_wave(
            wave=wave,
            user=request.user,
            pick_method=form.cleaned_data["pick_method"],
            orders_per_cart=form.cleaned_data["orders_per_cart"],
            staging_location=form.cleaned_data["staging_location"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, released.summary)
    return redirect("wave_detail", pk=wave.pk)


@page(WAVES, "GET", "POST")
def wave_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET asks and changes nothing; POST takes the planned wave back."""
    wave = _wave_or_404(request, pk)
    if request.method == "GET":
        return render(request, "picking/desk/wave_cancel.html", {"wave": wave})
    try:
        cancel_wave(wave=wave, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{wave} is cancelled; its orders keep their allocations.")
    return redirect("wave_detail", pk=wave.pk)


# --- Wave rules --------------------------------------------------------------------------------


@page(WAVES)
def wave_rule_list(request: AuthedRequest) -> HttpResponse:
    rules = selectors.wave_rules_for_user(request.user)
    return render(request, "picking/desk/rule_list.html", {"rules": rules})


def _rule_page(request: AuthedRequest, rule: WaveRule | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if rule is not None:
        initial = forms.WaveRuleForm.initial_from(rule.warehouse, rule.filters) | {
            "name": rule.name,
            "pick_method": rule.pick_method,
            "release_immediately": rule.release_immediately,
            "max_orders": rule.max_orders,
            "interval_minutes": rule.interval_minutes,
            "is_active": rule.is_active,
        }
    form = forms.WaveRuleForm(request.user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_wave_rule(rule=rule, user=request.user, **form.rule_fields())
        except (DomainError, ValueError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Saved wave rule {saved}.")
            return redirect("wave_rule_list")
    return render(request, "picking/desk/rule_form.html", {"form": form, "rule": rule})


@page(WAVES, "GET", "POST")
def wave_rule_create(request: AuthedRequest) -> HttpResponse:
    return _rule_page(request, None)


def _rule_or_404(request: AuthedRequest, pk: int) -> WaveRule:
    rule = selectors.get_wave_rule_for_user(request.user, pk)
    if rule is None:
        raise Http404("No such wave rule.")
    return rule


@page(WAVES, "GET", "POST")
def wave_rule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _rule_page(request, _rule_or_404(request, pk))


@page(WAVES, "GET", "POST")
def wave_rule_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = _rule_or_404(request, pk)
    if request.method == "GET":
        return render(request, "picking/desk/rule_delete.html", {"rule": rule})
    delete_wave_rule(rule=rule, user=request.user)
    messages.success(request, f"Deleted wave rule {rule.name}.")
    return redirect("wave_rule_list")


# --- Pick monitor ------------------------------------------------------------------------------


@page(MONITOR)
@vary_on_headers("HX-Request")
def pick_monitor(request: AuthedRequest) -> HttpResponse:
    """Who is picking what, and how fast; refreshes itself every few seconds."""
    context = {"monitor": selectors.pick_monitor(request.user), "now": timezone.now()}
    name = "picking/desk/monitor.html#board" if request.htmx else "picking/desk/monitor.html"
    return render(request, name, context)
