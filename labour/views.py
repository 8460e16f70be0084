"""Labour pages: the handheld's clock in and out; the desk's day of measures per operator and
task kind (CSV too), who is clocked in now, a shift's correction and the standards."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from inventory import selectors as inventory_selectors
from labour import forms, selectors, services
from labour.exceptions import LabourRefused
from labour.models import IndirectCode, LabourStandard, Shift, TaskKind
from wms.http import AuthedRequest
from wms.pages import csv_download, form_page, page
from wms.validation import filter_text

CLOCK = "labour.clock"
MANAGE = "labour.manage_labour"


@page(CLOCK, "GET", "POST")
def clock(request: AuthedRequest) -> HttpResponse:
    """One big button: clock in (in the handheld's warehouse) or out; while clocked in, book
    the time from now to indirect work (cleaning, meeting, training, equipment) or end it."""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in IndirectCode.values:
                services.start_indirect(user=request.user, code=action)
                messages.success(request, f"{IndirectCode(action).label} from now.")
            elif action == "end_indirect":
                services.end_indirect(user=request.user)
                messages.success(request, "Back to tasks.")
            elif action == "in":
                warehouse = inventory_selectors.active_warehouse(request.user, request.session)
                if warehouse is None:
                    raise LabourRefused("You are assigned to no warehouse; ask a manager.")
                services.clock_in(user=request.user, warehouse=warehouse)
                messages.success(request, f"Clocked in at {warehouse.code}.")
            else:
                services.clock_out(user=request.user)
                messages.success(request, "Clocked out.")
        except LabourRefused as exc:
            messages.error(request, exc.message)
        return redirect("labour_clock")
    context = {
        "shift": selectors.open_shift_of(request.user),
        "indirect": selectors.open_indirect_of(request.user),
        "codes": IndirectCode.choices,
    }
    return render(request, "labour/clock.html", context)


def _day_window(request: AuthedRequest, warehouse: Any) -> tuple[dt.date, dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone() if not warehouse else _zone(warehouse)
    today = timezone.now().astimezone(zone).date()
    try:
        day = dt.date.fromisoformat(filter_text(request.GET, "day", max_length=10)) or today
    except ValueError:
        day = today
    start = dt.datetime.combine(day, dt.time(0), zone)
    return day, start, start + dt.timedelta(days=1)


def _zone(warehouse: Any) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(warehouse.time_zone)


CSV_COLUMNS = (
    "Operator",
    "Task kind",
    "Tasks",
    "Lines",
    "Units",
    "Locations",
    "Task minutes",
    "Standard minutes",
    "Lines per hour",
    "Units per hour",
    "Percent of standard",
)


def _csv_lines(days: list[selectors.OperatorDay]) -> Any:
    import csv

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)

    def fmt(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}"

    for day in days:
        for measure in day.kinds.values():
            yield writer.writerow(
                [
                    day.user.email,
                    measure.label,
                    measure.tasks,
                    measure.lines,
                    measure.units,
                    measure.locations,
                    fmt(measure.task_minutes),
                    fmt(measure.standard_minutes),
                    fmt(measure.lines_per_hour),
                    fmt(measure.units_per_hour),
                    fmt(measure.percent_of_standard),
                ]
            )


CLIENT_CSV_COLUMNS = (
    "Client",
    "Task kind",
    "Tasks",
    "Lines",
    "Units",
    "Locations",
    "Task minutes",
    "Standard minutes",
    "Lines per hour",
    "Units per hour",
    "Percent of standard",
)


def _client_csv_lines(measures: list[selectors.ClientMeasures]) -> Any:
    """The per-client measures, one line per client and task kind (labour hours a client's
    work took, which billing's labour charges can read)."""
    import csv

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(CLIENT_CSV_COLUMNS)

    def fmt(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}"

    for measure in measures:
        for kind in measure.kinds.values():
            yield writer.writerow(
                [
                    measure.client.code,
                    kind.label,
                    kind.tasks,
                    kind.lines,
                    kind.units,
                    kind.locations,
                    fmt(kind.task_minutes),
                    fmt(kind.standard_minutes),
                    fmt(kind.lines_per_hour),
                    fmt(kind.units_per_hour),
                    fmt(kind.percent_of_standard),
                ]
            )


@page(MANAGE)
def day(request: AuthedRequest) -> HttpResponseBase:
    """A warehouse's day (?warehouse=CODE&day=YYYY-MM-DD), or the week to that day
    (&span=week): who is clocked in now, each operator's measures per task kind, and the league
    per task kind, and the measures per client; `format=csv` downloads the measures
    (`&by=client`: the per-client ones)."""
    warehouses = list(inventory_selectors.warehouses_for_user(request.user))
    code = filter_text(request.GET, "warehouse", max_length=32)
    warehouse = next(
        (w for w in warehouses if w.code == code), warehouses[0] if warehouses else None
    )
    if code and (warehouse is None or warehouse.code != code):
        raise Http404("No such warehouse of yours.")
    if warehouse is None:
        return render(request, "labour/day.html", {"warehouses": []})
    the_day, start, end = _day_window(request, warehouse)
    week = request.GET.get("span") == "week"
    if week:
        start -= dt.timedelta(days=6)
    days = selectors.day_measures(warehouse, start, end, now=timezone.now())
    doing = selectors.current_tasks(warehouse)
    by_client = selectors.client_measures(warehouse, start, end)
    if request.GET.get("format") == "csv" and request.GET.get("by") == "client":
        span = "week-to" if week else "day"
        return csv_download(
            _client_csv_lines(by_client),
            f"labour-by-client-{warehouse.code}-{span}-{the_day.isoformat()}",
        )
    if request.GET.get("format") == "csv":
        span = "week-to" if week else "day"
        return csv_download(
            _csv_lines(days), f"labour-{warehouse.code}-{span}-{the_day.isoformat()}"
        )
    context = {
        "warehouses": warehouses,
        "warehouse": warehouse,
        "day": the_day,
        "week": week,
        "days": days,
        "league": selectors.league(days),
        "by_client": by_client,
        "on_shift": [
            (shift, doing.get(shift.user_id, "between tasks"))
            for shift in Shift.objects.filter(warehouse=warehouse, ended_at__isnull=True)
            .select_related("user")
            .order_by("started_at")
        ],
        "shifts": Shift.objects.filter(
            warehouse=warehouse, started_at__lt=end, started_at__gte=start - dt.timedelta(days=1)
        )
        .select_related("user", "corrected_by")
        .order_by("user__email", "started_at"),
        "standards": _standards(warehouse),
    }
    return render(request, "labour/day.html", context)


def _standards(warehouse: Any) -> list[tuple[str, str, LabourStandard | None]]:
    saved = {s.task_kind: s for s in LabourStandard.objects.filter(warehouse=warehouse)}
    return [(value, label, saved.get(value)) for value, label in TaskKind.choices]


@page(MANAGE, "GET", "POST")
def shift_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    ids = [w.pk for w in inventory_selectors.warehouses_for_user(request.user)]
    shift = Shift.objects.filter(pk=pk, warehouse_id__in=ids).select_related("warehouse").first()
    if shift is None:
        raise Http404("No such shift.")
    initial = {"started_at": shift.started_at, "ended_at": shift.ended_at}
    form = forms.ShiftCorrectionForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        lambda data: services.correct_shift(shift=shift, user=request.user, **data),
        title=f"Correct {shift.user} 's shift",
        back="labour_day",
    )


@page(MANAGE, "GET", "POST")
def standard_edit(request: AuthedRequest, warehouse_pk: int, kind: str) -> HttpResponse:
    warehouse = inventory_selectors.get_warehouse_for_user(request.user, warehouse_pk)
    if warehouse is None or kind not in TaskKind.values:
        raise Http404("No such warehouse or task kind.")
    saved = LabourStandard.objects.filter(warehouse=warehouse, task_kind=kind).first()
    fields = ("per_task_seconds", "per_line_seconds", "per_unit_seconds", "per_location_seconds")
    initial = {name: getattr(saved, name) for name in fields} if saved else {}
    form = forms.StandardForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        lambda data: services.set_standard(
            warehouse=warehouse, task_kind=kind, user=request.user, **data
        ),
        title=f"{TaskKind(kind).label} standard at {warehouse.code}",
        back="labour_day",
    )
