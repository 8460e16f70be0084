"""The manager's desk: the morning dashboard and the global search (any code to its page)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString

from desk.charts import hourly_chart
from desk.selectors.dashboard import Board, board
from desk.selectors.search import find_code
from wms.http import AuthedRequest
from wms.pages import page
from wms.validation import filter_text

DESK = "wms.view_dashboard"
MEASURES = {"units": "units", "lines": "lines"}
REFRESH_SECONDS = 60


def _charts(shown: Board, measure: str) -> list[tuple[str, SafeString]]:
    current_hour = shown.clock.now.astimezone(shown.clock.zone).hour
    return [
        (
            flow.label,
            hourly_chart(
                chart_id=f"chart-{flow.reason}",
                title=f"{flow.label} {measure} per hour, today against the 7-day average",
                today=flow.today_units if measure == "units" else flow.today_lines,
                average=flow.average_units if measure == "units" else flow.average_lines,
                current_hour=current_hour,
                unit=measure,
            ),
        )
        for flow in shown.flows
    ]


@page(DESK)
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The morning dashboard of one warehouse (?warehouse=CODE) or all; htmx polls the board
    every minute while the page is open."""
    shown = board(request.user, filter_text(request.GET, "warehouse", max_length=32))
    if shown is None:
        raise Http404("No such warehouse of yours.")
    measure = MEASURES.get(request.GET.get("measure", ""), "units")
    context = {
        "board": shown,
        "measure": measure,
        "charts": _charts(shown, measure),
        "refresh_seconds": REFRESH_SECONDS,
    }
    name = "desk/dashboard.html#board" if request.htmx else "desk/dashboard.html"
    return render(request, name, context)


@page(DESK)
def search(request: AuthedRequest) -> HttpResponse:
    """One match opens its page; several are listed to choose from; none says so."""
    code = filter_text(request.GET, "q")
    hits = find_code(request.user, code)
    if len(hits) == 1:
        return redirect(hits[0].url)
    return render(request, "desk/search.html", {"search_q": code, "hits": hits})
