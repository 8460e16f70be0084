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
    ("Shipping", "/shipping/boxes/", "shipping.view_catalog"),
    ("Billing", "/billing/", "billing.view_billing"),
    ("ERP", "/erp/", "erp.manage_erp"),
    ("Webhooks", "/webhooks/", "webhooks.manage_webhooks"),
    ("Channels", "/channels/", "saleschannels.manage_channels"),
    ("Floor", "/floor/", "wms.use_floor"),
    ("Home", "/portal/", "portal.use_portal"),
    ("Inventory", "/portal/inventory/", "portal.use_portal"),
    ("Orders", "/portal/orders/", "portal.use_portal"),
    ("Inbound", "/portal/inbound/", "portal.use_portal"),
    ("Billing", "/portal/billing/", "portal.use_portal"),
    ("Reports", "/portal/reports/", "portal.use_portal"),
    ("Users", "/portal/users/", "portal.manage_client_users"),
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
            # The portal's entries are a client user's whole menu, and nobody else's (a
            # superuser holds the portal's permissions too, but has no client).
            if url.startswith("/portal/") != (user.role == "client"):
                continue
            if perm is None or user.has_perm(perm):
                nav.append((label, url))
    return {"tenant": tenant, "nav": nav}
