"""The floor's one work queue: "Get work" on the handheld, the replenishment task page, and
the managers' queue (reassign, priority, the order of kinds of work per warehouse)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from control import queue, selectors
from control.models import WorkKind
from control.services.replenishment import complete_replenishment
from control.services.returns import complete_return
from inventory import selectors as inventory_selectors
from inventory.models import Warehouse
from inventory.selectors.scope import users_with_scope
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import found_or_404, page
from wms.permissions import require
from wms.validation import ScanField, WholeNumberField


@page("wms.use_floor", "GET", "POST")
def floor_work(request: AuthedRequest) -> HttpResponse:
    """GET: the "Get work" button; POST: the most urgent task the operator may do, opened."""
    warehouse = inventory_selectors.active_warehouse(request.user, request.session)
    message = ""
    if request.method == "POST" and warehouse is not None:
        item = queue.next_work(user=request.user, warehouse=warehouse)
        if item is not None:
            return redirect(item.url)
        message = f"No work waiting in {warehouse.code}."
    return render(request, "control/floor_work.html", {"warehouse": warehouse, "message": message})


class ReplenishForm(forms.Form):
    source = ScanField(max_length=64, label="From bin")
    target = ScanField(max_length=64, label="To pick face")


@page("control.replenish", "GET", "POST")
def floor_replenish(request: AuthedRequest, pk: int) -> HttpResponse:
    task = found_or_404(selectors.get_replenishment_task_for_user(request.user, pk))
    require(request.user, "control.replenish", task)
    form = ReplenishForm(request.POST or None)
    context: dict[str, Any] = {"task": task, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            task = complete_replenishment(
                task=task,
                user=request.user,
                from_code=form.cleaned_data["source"],
                to_code=form.cleaned_data["target"],
            )
        except DomainError as refused:
            context["error"] = refused.message
        else:
            context.update(task=task, done=f"Moved {task.quantity} to {task.location.code}.")
    return render(request, "control/floor_replenish.html", context)


class RulesForm(forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none())

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        warehouse_field = self.fields["warehouse"]
        assert isinstance(warehouse_field, forms.ModelChoiceField)
        warehouse_field.queryset = inventory_selectors.warehouses_for_user(user)
        for kind, label in WorkKind.choices:
            self.fields[kind] = WholeNumberField(min_value=1, max_value=9, label=f"{label} rank")


class ActionForm(forms.Form):
    kind = forms.ChoiceField(choices=WorkKind.choices)
    pk = WholeNumberField(min_value=1)
    assign_to = WholeNumberField(min_value=0, required=False)
    priority = WholeNumberField(min_value=-1000, max_value=1000, required=False)


@page("control.manage_work", "GET", "POST")
def work_queue(request: AuthedRequest) -> HttpResponse:
    """Every open task by kind; POST reassigns a task, changes its priority, or (with `rules`)
    sets the warehouse's order of kinds."""
    warehouses = list(inventory_selectors.warehouses_for_user(request.user))
    rules_form = RulesForm(request.user, request.POST if "rules" in request.POST else None)
    if request.method == "POST":
        try:
            if "rules" in request.POST:
                if rules_form.is_valid():
                    data = rules_form.cleaned_data
                    queue.save_rules(
                        warehouse=data["warehouse"],
                        ranks={k: data[k] for k in WorkKind.values},
                        user=request.user,
                    )
                    messages.success(request, f"Order of work saved for {data['warehouse'].code}.")
                    return redirect("work_queue")
            else:
                action = ActionForm(request.POST)
                if action.is_valid():
                    data = action.cleaned_data
                    if data["assign_to"] is not None:
                        target = (
                            users_with_scope().filter(pk=data["assign_to"]).first()
                            if data["assign_to"]
                            else None
                        )
                        queue.reassign(
                            kind=data["kind"], pk=data["pk"], to_user=target, by=request.user
                        )
                    if data["priority"] is not None:
                        queue.set_priority(
                            kind=data["kind"],
                            pk=data["pk"],
                            priority=data["priority"],
                            by=request.user,
                        )
                    messages.success(request, "Queue updated.")
                    return redirect("work_queue")
                messages.error(request, "Choose a task and what to change.")
        except DomainError as refused:
            messages.error(request, refused.message)
    items = queue.queue(w.pk for w in warehouses)
    orders = {w.code: queue.work_order(w.pk) for w in warehouses}
    operators = users_with_scope().filter(role__in=["operator", "manager"], is_active=True)
    context = {"items": items, "orders": orders, "rules_form": rules_form, "operators": operators}
    return render(request, "control/work_queue.html", context)


@page("control.replenish", "GET", "POST")
def floor_return(request: AuthedRequest, pk: int) -> HttpResponse:
    """A return to stock: scan where the units are, then the bin they go back to."""
    task = found_or_404(selectors.get_return_task_for_user(request.user, pk))
    require(request.user, "control.replenish", task)
    form = ReplenishForm(request.POST or None)
    context: dict[str, Any] = {"task": task, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            task = complete_return(
                task=task,
                user=request.user,
                from_code=form.cleaned_data["source"],
                to_code=form.cleaned_data["target"],
            )
        except DomainError as refused:
            context["error"] = refused.message
        else:
            assert task.to_location is not None
            context.update(task=task, done=f"Returned {task.quantity} to {task.to_location.code}.")
    return render(request, "control/floor_return.html", context)
