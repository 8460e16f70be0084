from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


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
