from typing import Any

from django.db import connection
from django.http import HttpRequest

NAV = [
    ("Dashboard", "/dashboard/", "wms.view_dashboard"),
    ("Inventory", "/inventory/stock/", "inventory.view_stock"),
    ("Products", "/inventory/products/", "inventory.view_master_data"),
    ("Locations", "/inventory/locations/", "inventory.view_master_data"),
    ("Receiving", "/receiving/", "receiving.manage_asn"),
    ("Putaway", "/receiving/putaway/", "receiving.manage_putaway"),
    ("Orders", "/outbound/orders/", "picking.view_orders"),
    ("Waves", "/outbound/waves/", "picking.manage_waves"),
    ("Counts", "/control/counts/", "control.manage_counts"),
    ("Work", "/control/work/", "control.manage_work"),
    ("Shipping", "/shipping/boxes/", "shipping.view_catalog"),
    ("Billing", "/billing/", "billing.view_billing"),
    ("ERP", "/erp/", "erp.manage_erp"),
    ("Floor", "/floor/", "wms.use_floor"),
    ("Users", "/users/", "wms.manage_users"),
    ("Raw data", "/admin/", "wms.use_admin_site"),
    ("API docs", "/api/v1/docs", None),
]


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shells need: the tenant's name and the navigation the user may use."""
    tenant = getattr(connection, "tenant", None)
    user = getattr(request, "user", None)
    nav: list[tuple[str, str]] = []
    on_tenant = getattr(connection, "schema_name", "public") != "public"
    # On the public site there is no user table: never touch request.user there.
    if on_tenant and user is not None and user.is_authenticated:
        for label, url, perm in NAV:
            if perm is None or user.has_perm(perm):
                nav.append((label, url))
    return {"tenant": tenant, "nav": nav}
