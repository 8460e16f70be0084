"""Error pages, and the JSON error envelope every status answers with under /api/: the API's own
errors (wms.api), and those Django answers before or around it (an unknown path, a method the
API does not serve, a crash outside a route), so an API client never parses an HTML page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults

API_PREFIX = "/api/"
STATUS_CODES = {
    400: ("bad_request", "The request could not be read."),
    403: ("forbidden", "You may not do this."),
    404: ("not_found", "No such path in the API; see /api/v1/docs."),
    405: ("method_not_allowed", "This path does not take that method."),
    413: ("too_large", "The request is too large."),
    500: ("server_error", "Something went wrong on our side; it has been logged."),
    503: ("unavailable", "The service is busy; try again shortly."),
}


def error_body(
    code: str, message: str, field_errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field_errors": field_errors or {}}}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int, message: str = "") -> JsonResponse:
    code, default = STATUS_CODES.get(status, (f"http_{status}", "The request failed."))
    return JsonResponse(error_body(code, message or default), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return api_error(400)
    return defaults.bad_request(request, exception or Exception())


HANDHELD_PREFIX = "/floor/"


def shell_of(request: HttpRequest) -> str:
    """The page shell an error is shown in: the handheld's under /floor/, else the desk's."""
    return "handheld.html" if request.path.startswith(HANDHELD_PREFIX) else "desktop.html"


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return api_error(404)
    return render(request, "errors/404.html", {"shell": shell_of(request)}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return api_error(403, str(exception or ""))
    context = {"reason": str(exception or ""), "shell": shell_of(request)}
    return render(request, "errors/403.html", context, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """A static page: rendered without the request (no context processors), so it needs no
    database, session or user, any of which may be what failed."""
    if is_api(request):
        return api_error(500)
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
