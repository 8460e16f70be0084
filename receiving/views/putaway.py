"""Putaway on the handheld (the queue, a task's destination, the destination scan) and the
managers' desktop queue. Scans always answer 200 with a result line (htmx does not swap 4xx);
a refusal says what was expected and what was scanned."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from inventory import selectors as inventory_selectors
from inventory.selectors import active_warehouse
from receiving import selectors
from receiving.forms import PutawaySettingsForm
from receiving.models import PutawayStatus, PutawayTask
from receiving.services import putaway_settings, putaway_tasks
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import page
from wms.validation import ScanRefused, clean_scan, id_from, shown_scan

QUEUE_LIMIT = 50


def _task_or_404(request: AuthedRequest, pk: int) -> PutawayTask:
    task = selectors.get_putaway_task_for_user(request.user, pk)
    if task is None:
        raise Http404("No such putaway task.")
    return task


def _result(
    request: AuthedRequest, code: str, ok: bool, message: str, **extra: Any
) -> HttpResponse:
    context = {"code": code, "ok": ok, "message": message, **extra}
    return render(request, "receiving/putaway/_result.html", context)


@page("receiving.putaway")
def queue(request: AuthedRequest) -> HttpResponse:
    warehouse = active_warehouse(request.user, request.session)
    tasks = (
        list(selectors.putaway_queue(request.user, warehouse)[:QUEUE_LIMIT]) if warehouse else []
    )
    return render(
        request,
        "receiving/putaway/queue.html",
        {"warehouse": warehouse, "tasks": tasks, "now": timezone.now()},
    )


@page("receiving.putaway", "POST")
def scan_lpn(request: AuthedRequest) -> HttpResponse:
    """An LPN scanned from the queue: its task (made now if the LPN has none yet) is claimed and
    the handheld goes to its destination page."""
    try:
        code = clean_scan(request.POST.get("code"))
    except ScanRefused as refused:
        return _result(request, shown_scan(request.POST.get("code")), False, refused.message)
    warehouse = active_warehouse(request.user, request.session)
    if not code or warehouse is None:
        return _result(request, code, False, "Expected an LPN label; nothing was scanned.")
    lpn = inventory_selectors.find_lpn_for_user(request.user, warehouse.pk, code)
    if lpn is None:
        return _result(
            request, code, False, f"Expected an LPN in {warehouse.code}; scanned “{code}”."
        )
    try:
        task = selectors.active_putaway_for_lpn(
            request.user, lpn
        ) or putaway_tasks.create_task_for_lpn(user=request.user, lpn=lpn)
        task = putaway_tasks.start_task(user=request.user, task=task)
    except DomainError as error:
        return _result(request, code, False, error.message)
    url = reverse("putaway_task", args=[task.pk])
    # A started task always has a proposal: a task that fits nowhere cannot be started.
    destination = task.proposed_location.code if task.proposed_location else ""
    response = _result(request, code, True, f"{task.what}: take it to {destination}.", next_url=url)
    response["HX-Redirect"] = url
    return response


@page("receiving.putaway", "POST")
def start(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    try:
        putaway_tasks.start_task(user=request.user, task=task)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("putaway_queue")
    return redirect("putaway_task", pk=task.pk)


@page("receiving.putaway", "POST")
def release(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    try:
        putaway_tasks.release_task(user=request.user, task=task)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("putaway_queue")


@page("receiving.putaway")
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    return render(
        request,
        "receiving/putaway/task.html",
        {
            "task": task,
            "mine": task.status == PutawayStatus.IN_PROGRESS
            and task.assigned_to_id == request.user.pk,
            "contents": inventory_selectors.balances(
                request.user, inventory_selectors.BalanceFilters(lpn_id=task.lpn_id)
            )[:12]
            if task.lpn_id
            else [],
        },
    )


@page("receiving.putaway", "POST")
def confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    """The destination scan. A location other than the proposed one is refused, or for a
    manager asks for the reason (a small form posting the same code with it)."""
    task = _task_or_404(request, pk)
    try:
        code = clean_scan(request.POST.get("code"))
        override_reason = clean_scan(request.POST.get("override_reason"), what="Reason")
    except ScanRefused as refused:
        return _result(request, shown_scan(request.POST.get("code")), False, refused.message)
    if not code:
        expected = task.proposed_location.code if task.proposed_location else "a location"
        return _result(request, code, False, f"Expected {expected}; nothing was scanned.")
    try:
        done = putaway_tasks.confirm_putaway(
            user=request.user,
            task=task,
            scanned_location_code=code,
            override_reason=override_reason or None,
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except DomainError as error:
        ask_reason = error.code == "override_reason_required"
        return _result(request, code, False, error.message, ask_reason=ask_reason, task=task)
    where = done.confirmed_location.code if done.confirmed_location else code
    return _result(
        request, code, True, f"Put away {done.what} at {where}.", next_url=reverse("putaway_queue")
    )


# --- Desktop ------------------------------------------------------------------------------------


@page("receiving.manage_putaway")
def desk_queue(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in PutawayStatus.values:
        status = ""
    warehouse_id = id_from(request.GET.get("warehouse", ""))
    tasks = selectors.search_putaway_tasks(request.user, warehouse_id=warehouse_id, status=status)
    if not status:
        # Unfiltered, the queue is the work still to do; done tasks are one filter away.
        tasks = tasks.exclude(status=PutawayStatus.DONE)
    return render(
        request,
        "receiving/putaway/desk_queue.html",
        {
            "tasks": tasks[:200],
            "now": timezone.now(),
            "statuses": PutawayStatus.choices,
            "status": status,
            "warehouses": inventory_selectors.warehouses_for_user(request.user),
            "warehouse_id": warehouse_id,
        },
    )


@page("receiving.manage_putaway", "POST")
def desk_repropose(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    try:
        task = putaway_tasks.repropose(user=request.user, task=task)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if task.proposed_location is None:
            messages.warning(request, f"Still nothing fits {task.what}: {task.reason}")
        else:
            messages.success(request, f"{task.what} now goes to {task.proposed_location.code}.")
    return redirect("putaway_desk_queue")


@page("receiving.manage_putaway", "GET", "POST")
def desk_settings(request: AuthedRequest, warehouse_pk: int) -> HttpResponse:
    """A warehouse's putaway strategies and mixing rules; the defaults until first saved."""
    warehouse = inventory_selectors.get_warehouse_for_user(request.user, warehouse_pk)
    if warehouse is None:
        raise Http404("No such warehouse.")
    initial = PutawaySettingsForm.initial_for(selectors.putaway_policy_for(warehouse.pk))
    form = PutawaySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            putaway_settings.save_putaway_settings(
                user=request.user,
                warehouse=warehouse,
                strategies=data["strategies"],
                one_client_per_location=data["one_client_per_location"],
                one_product_per_location=data["one_product_per_location"],
                one_lot_per_location=data["one_lot_per_location"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Putaway settings of {warehouse.code} saved.")
            return redirect("putaway_settings", warehouse_pk=warehouse.pk)
    return render(
        request,
        "receiving/putaway/settings.html",
        {
            "warehouse": warehouse,
            "form": form,
            "saved": selectors.putaway_settings_for(warehouse.pk),
            "warehouses": inventory_selectors.warehouses_for_user(request.user),
        },
    )
