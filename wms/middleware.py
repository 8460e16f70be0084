from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from wms.errors import api_error, is_api


class AdminSiteGuardMiddleware:
    """The Django admin is for the admin role: anyone else signed in gets 403 (not the admin's
    own login page), and anonymous visitors go to the ordinary sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/") and hasattr(request, "user"):
            if not request.user.is_authenticated:
                return redirect(f"/accounts/login/?next={request.path}")
            if not request.user.has_perm("wms.use_admin_site"):
                raise PermissionDenied("The raw-data admin is for admins.")
        return self.get_response(request)


class ApiErrorMiddleware:
    """Under /api/, an error answered by something other than an API route (Django's 404 for an
    unknown path, ninja's plain-text 405, a 413) becomes the JSON envelope with the same status
    (and headers such as Allow). The routes' own errors are JSON already and pass unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            is_api(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            envelope = api_error(response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    envelope[header] = response[header]
            return envelope
        return response
