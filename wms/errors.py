"""Error pages, and the JSON error envelope every status answers with under /api/: the API's own
errors (wms.api), and those Django answers before or around it (an unknown path, a method the
API does not serve, a crash outside a route), so an API client never parses an HTML page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
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


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return api_error(404)
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return api_error(403, str(exception or ""))
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return api_error(500)
    return defaults.server_error(request)
