import logging
from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect
from django.template.loader import render_to_string

from wms.errors import api_error, is_api

logger = logging.getLogger(__name__)
# What a 503 asks the client to wait: long enough for a burst to pass, short for a person.
RETRY_AFTER_SECONDS = 5


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


class DatabaseUnavailableMiddleware:
    """First in MIDDLEWARE: takes the request's database connection before anything else does,
    and answers 503 with Retry-After when none can be had (PostgreSQL out of connections, the
    pool's wait timed out, the server restarting), JSON under /api/, a plain page elsewhere.

    It has to take the connection itself: the first query is the tenant lookup in the next
    middleware, and Django turns an exception there into a 500 before any outer middleware
    could see it. Once taken, the connection serves the whole request (and goes back to the
    pool, or is kept, at its end), so a later query does not wait for another one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            return unavailable(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view that had to connect again (its connection was closed mid-request) and found
        no connection: the same 503. Any other database error stays a 500."""
        if isinstance(exception, OperationalError) and is_connect_failure(exception):
            return unavailable(request, exception)
        return None


def is_connect_failure(exc: OperationalError) -> bool:
    """True when the error is about getting a connection, not about a query. psycopg reports a
    refused connection ("too many clients", SQLSTATE 53300) with no SQLSTATE, only a message
    starting "connection failed"; the pool raises PoolTimeout (or TooManyRequests) instead."""
    from psycopg_pool import PoolTimeout, TooManyRequests

    cause = exc.__cause__
    if isinstance(cause, PoolTimeout | TooManyRequests):
        return True
    return str(cause or exc).startswith("connection failed")


def unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("no database connection for %s %s: %s", request.method, request.path, exc)
    response: HttpResponse
    if is_api(request):
        response = api_error(
            503,
            "The service is busy. Nothing was changed; try again in "
            f"{RETRY_AFTER_SECONDS} seconds.",
        )
    else:
        # Rendered without the request: context processors would ask the database again.
        response = HttpResponse(render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, for HTML documents only. A label or slip PDF is shown by
    Chromium's viewer inside the PDF's own document, which a strict policy leaves blank
    (crbug.com/271452); JSON, CSV and images run no script, so they need none."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)


class CompressPagesMiddleware(GZipMiddleware):
    """Django's gzip, for HTML documents only: a handheld page shrinks about fivefold (issue 18's
    page weight). API responses stay as they are: some carry secrets (a new token) beside
    values the caller chose, the mix BREACH reads through compression; and files (PDFs, CSV,
    static files that WhiteNoise precompresses) gain little or are compressed already. Django
    pads each gzip body randomly, and the CSRF token in a page is masked per response."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
