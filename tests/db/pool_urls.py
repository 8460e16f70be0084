"""The tenant URLs and two probes for tests/db: what the request's tenant reads, and a request
that holds its database connection for a while."""

from __future__ import annotations

import time

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path

from wms.accounts.models import User
from wms.urls import handler403, handler404
from wms.urls import urlpatterns as tenant_urlpatterns


def tenant_users(request: HttpRequest) -> JsonResponse:
    """Which tenant the host named, which rows the ORM reads, and on which server process."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend_pid,) = cursor.fetchone()
    emails = list(User.objects.order_by("email").values_list("email", flat=True))
    return JsonResponse(
        {"tenant": request.tenant.schema_name, "emails": emails, "backend_pid": backend_pid}  # type: ignore[attr-defined]
    )


def hold(request: HttpRequest) -> JsonResponse:
    time.sleep(float(request.GET.get("seconds", "1")))
    return JsonResponse({"held": True})


urlpatterns = [
    path("__probe__/tenant-users", tenant_users),
    path("__probe__/hold", hold),
    *tenant_urlpatterns,
]
__all__ = ["handler403", "handler404", "urlpatterns"]
