"""The manager's desk: the global search (any code to its page)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from desk.selectors.search import find_code
from wms.http import AuthedRequest
from wms.pages import page
from wms.validation import filter_text

DESK = "wms.view_dashboard"


@page(DESK)
def search(request: AuthedRequest) -> HttpResponse:
    """One match opens its page; several are listed to choose from; none says so."""
    code = filter_text(request.GET, "q")
    hits = find_code(request.user, code)
    if len(hits) == 1:
        return redirect(hits[0].url)
    return render(request, "desk/search.html", {"search_q": code, "hits": hits})
