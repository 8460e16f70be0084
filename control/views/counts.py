"""The managers' count desk: count tasks and their review (approve or reject), count plans
(make and run), the variance thresholds, and inventory accuracy per zone and client."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from control import selectors
from control.forms import (
    CountFilterForm,
    CountPlanForm,
    DecisionForm,
    LowStockFilterForm,
    ThresholdsForm,
)
from control.services import counts, plans
from inventory import selectors as inventory_selectors
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import Column, add_refusal, form_page, found_or_404, page, table_page

COUNT_COLUMNS = (
    Column("Task", lambda t: t.pk, ("pk",), key="task"),
    Column("Warehouse", lambda t: t.warehouse.code, ("warehouse__code",)),
    Column("Bin", lambda t: t.location.code, ("location__code",)),
    Column("Source", lambda t: t.get_source_display(), ("source",)),
    Column("Status", lambda t: t.get_status_display(), ("status",)),
    Column("Priority", lambda t: t.priority, ("priority",), numeric=True),
    Column("Counter", lambda t: str(t.counted_by or ""), ("counted_by__email",)),
    Column("Recounter", lambda t: str(t.recounted_by or ""), ("recounted_by__email",)),
    Column("Created", lambda t: t.created_at.isoformat(timespec="seconds"), ("created_at",)),
)
LOW_STOCK_COLUMNS = (
    Column("Warehouse", lambda a: a.warehouse.code, ("warehouse__code",)),
    Column("SKU", lambda a: a.product.sku, ("product__sku",)),
    Column(
        "Available at alert",
        lambda a: a.available_at_raise,
        ("available_at_raise",),
        key="available",
        numeric=True,
    ),
    Column("Reorder point", lambda a: a.reorder_point, ("reorder_point",), numeric=True),
    Column("Since", lambda a: a.raised_at.isoformat(timespec="seconds"), ("raised_at",)),
)


@page("control.manage_counts")
def count_list(request: AuthedRequest) -> HttpResponseBase:
    filters = CountFilterForm(request.GET)
    chosen = filters.filters()
    rows = selectors.search_count_tasks(request.user, status=chosen.get("status", ""))
    if query := chosen.get("query"):
        rows = rows.filter(location__code__icontains=query)
    return table_page(
        request,
        "control/count_list.html",
        rows,
        columns=COUNT_COLUMNS,
        csv_name="count-tasks",
        filters=filters,
    )


@page("control.manage_counts", "GET", "POST")
def count_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A count with each round's variances; POST approves or rejects it."""
    task = found_or_404(selectors.get_count_task_for_user(request.user, pk))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            counts.decide_count(
                task=task,
                user=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except DomainError as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, f"Count {task.pk} of {task.location.code} decided.")
            return redirect("count_detail", task.pk)
    context: dict[str, Any] = {"task": task, "rounds": selectors.review(task), "form": form}
    return render(request, "control/count_detail.html", context)


@page("control.manage_counts")
def plan_list(request: AuthedRequest) -> HttpResponse:
    rows = selectors.plans_for_user(request.user).order_by("warehouse__code", "name")
    return render(request, "control/plan_list.html", {"plans": rows})


@page("control.manage_counts", "GET", "POST")
def plan_create(request: AuthedRequest) -> HttpResponse:
    form = CountPlanForm(request.user, request.POST or None)
    return form_page(
        request, form, lambda data: form.save(), title="New count plan", back="count_plans"
    )


@page("control.manage_counts", "POST")
def plan_run(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = found_or_404(selectors.get_plan_for_user(request.user, pk))
    made = plans.run_plan(plan=plan, user=request.user)
    messages.success(request, f"{plan.name}: {made} count task{'s' if made != 1 else ''} made.")
    return redirect("count_plans")


@page("control.manage_counts", "GET", "POST")
def thresholds(request: AuthedRequest) -> HttpResponse:
    form = ThresholdsForm(request.user, request.POST or None)
    return form_page(
        request,
        form,
        lambda data: counts.save_thresholds(user=request.user, **data),
        title="Count variance thresholds",
        back="count_list",
        note="A difference beyond any of these on one item sends the bin to a recount by "
        "someone other than the first counter.",
    )


@page("control.manage_counts")
def accuracy(request: AuthedRequest) -> HttpResponse:
    days = 90
    since = timezone.now() - dt.timedelta(days=days)
    warehouse_id = (
        inventory_selectors.get_warehouse_for_user(request.user, int(request.GET["warehouse"]))
        if request.GET.get("warehouse", "").isdigit()
        else None
    )
    by_zone, by_client = selectors.accuracy(
        request.user, since=since, warehouse_id=warehouse_id.pk if warehouse_id else None
    )
    return render(
        request,
        "control/accuracy.html",
        {"by_zone": by_zone, "by_client": by_client, "days": days},
    )


@page("control.manage_counts")
def low_stock(request: AuthedRequest) -> HttpResponseBase:
    """Open low-stock alerts (available below the reorder point), filtered by the URL
    (warehouse, client, SKU), sortable, exported to CSV as filtered."""
    filters = LowStockFilterForm(request.GET)
    chosen = filters.filters()
    rows = selectors.low_stock_alerts(request.user)
    if warehouse := chosen.get("warehouse"):
        rows = rows.filter(warehouse=warehouse)
    if client := chosen.get("client"):
        rows = rows.filter(client=client)
    if query := chosen.get("query"):
        rows = rows.filter(product__sku__icontains=query)
    return table_page(
        request,
        "control/low_stock.html",
        rows.order_by("-raised_at", "-pk"),
        columns=LOW_STOCK_COLUMNS,
        csv_name="low-stock",
        filters=filters,
    )


@page("control.manage_counts")
def lingering(request: AuthedRequest) -> HttpResponse:
    """Stock left at dock, staging, pack or ship-dock locations longer than `hours` (default 4)."""
    raw = request.GET.get("hours", "")
    hours = int(raw) if raw.isdigit() and 0 < int(raw) <= 24 * 90 else 4
    rows = selectors.lingering_stock(request.user, hours=hours)[:500]
    return render(request, "control/lingering.html", {"rows": rows, "hours": hours})
