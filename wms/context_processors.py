from typing import Any

from django.db import connection
from django.http import HttpRequest

from wms.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shells need: the tenant's name, whether this is a tenant site (the public
    site has no user table: nothing may touch request.user there) and the navigation the user
    may use, grouped by process, with the current place marked."""
    tenant = getattr(connection, "tenant", None)
    user = getattr(request, "user", None)
    on_tenant = getattr(connection, "schema_name", "public") != "public"
    nav: list[Any] = []
    if on_tenant and user is not None and user.is_authenticated:
        nav = navigation_for(user, request.path, request.get_full_path())
    return {"tenant": tenant, "nav": nav, "on_tenant": on_tenant}
