from typing import Any

from django.db import connection
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shells need: the tenant's name and the navigation the user may use."""
    tenant = getattr(connection, "tenant", None)
    user = getattr(request, "user", None)
    nav: list[tuple[str, str]] = []
    if user is not None and getattr(connection, "schema_name", "public") != "public":
        if user.is_authenticated:
            if user.has_perm("wms.view_dashboard"):
                nav.append(("Dashboard", "/"))
            if user.has_perm("wms.use_floor"):
                nav.append(("Floor", "/floor/"))
            if user.has_perm("wms.manage_users"):
                nav.append(("Users", "/users/"))
            if user.has_perm("wms.use_admin_site"):
                nav.append(("Raw data", "/admin/"))
            nav.append(("API docs", "/api/v1/docs"))
    return {"tenant": tenant, "nav": nav}
