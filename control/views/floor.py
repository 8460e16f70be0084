"""The handheld count: get a count task, scan its bin, count each item (or case) with its lot
and LPN, finish. Blind: nothing on these pages says what the ledger expects in the bin. A
refusal answers 200 with the page and an error line, and writes nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render

from control import selectors
from control.forms import BinScanForm, CountLineForm
from control.models import CountStatus, CountTask
from control.services import counts
from inventory import selectors as inventory_selectors
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import found_or_404, page
from wms.permissions import require


@page("control.count", "GET", "POST")
def floor_count(request: AuthedRequest) -> HttpResponse:
    """The count home: the task the operator holds, or "Get work" for the next one."""
    warehouse = inventory_selectors.active_warehouse(request.user, request.session)
    message = ""
    if request.method == "POST" and warehouse is not None:
        task = counts.next_count_task(user=request.user, warehouse=warehouse)
        if task is not None:
            return redirect("floor_count_task", task.pk)
        message = f"No bins to count in {warehouse.code} now."
    return render(request, "control/floor_count.html", {"warehouse": warehouse, "message": message})


def _task_context(task: CountTask, **extra: Any) -> dict[str, Any]:
    counting = task.status in (CountStatus.COUNTING, CountStatus.RECOUNTING)
    return {
        "task": task,
        "counting": counting,
        "lines": selectors.counted_lines(task) if counting else [],
        "bin_form": BinScanForm(),
        "line_form": CountLineForm(),
        **extra,
    }


@page("control.count", "GET", "POST")
def floor_count_task(request: AuthedRequest, pk: int) -> HttpResponse:
    """One count task: POST `action` bin (the bin's scan), line (one counted item) or finish."""
    task = found_or_404(selectors.get_count_task_for_user(request.user, pk))
    require(request.user, "control.count", task)
    if request.method == "GET":
        return render(request, "control/floor_count_task.html", _task_context(task))
    action = request.POST.get("action", "")
    extra: dict[str, Any] = {}
    try:
        if action == "bin":
            form = BinScanForm(request.POST)
            extra["bin_form"] = form
            if form.is_valid():
                task = counts.start_count(
                    task=task, user=request.user, location_code=form.cleaned_data["location"]
                )
                extra["done"] = f"Bin {task.location.code}: count what is there."
        elif action == "line":
            line_form = CountLineForm(request.POST)
            if line_form.is_valid():
                data = line_form.cleaned_data
                counts.add_count_line(
                    task=task,
                    user=request.user,
                    item_code=data["item"],
                    quantity=data["quantity"],
                    lot_number=data["lot"],
                    lpn_code=data["lpn"],
                )
                extra["done"] = f"Counted {data['quantity']} of {data['item']}."
            else:
                extra["line_form"] = line_form
        elif action == "finish":
            task = counts.finish_count(task=task, user=request.user)
            extra["done"] = f"Count of {task.location.code} sent. Thank you."
        else:
            extra["error"] = "Unknown action: scan the bin, count an item, or finish."
    except DomainError as refused:
        extra["error"] = refused.message
    task.refresh_from_db()
    context = _task_context(task)
    context.update(extra)
    return render(request, "control/floor_count_task.html", context)
