"""The portal's home: where a client user lands after signing in."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from portal import selectors
from portal.views.common import USE, portal_page
from wms.http import AuthedRequest


@portal_page(USE)
def home(request: AuthedRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"home": selectors.home(request.user)})
