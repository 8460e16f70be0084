"""The desk's one navigation: links grouped by process, in the order a shift works. Each app's
pages are named here by path, never imported (wms depends on no app); a new page is one line in
its group. The shell marks the link whose path is the longest prefix of the current one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    perm: str | None


@dataclass(frozen=True)
class Group:
    label: str
    links: tuple[Link, ...]


NAV: tuple[Group, ...] = (
    Group(
        "Today",
        (
            Link("Dashboard", "/dashboard/", "wms.view_dashboard"),
            Link("Work queue", "/control/work/", "control.manage_work"),
        ),
    ),
    Group(
        "Inbound",
        (
            Link("ASNs", "/receiving/", "receiving.manage_asn"),
            Link("Putaway", "/receiving/putaway/", "receiving.manage_putaway"),
            Link("Receipts", "/receiving/history/", "receiving.view_history"),
        ),
    ),
    Group(
        "Inventory",
        (
            Link("Stock", "/inventory/stock/", "inventory.view_stock"),
            Link("Products", "/inventory/products/", "inventory.view_master_data"),
            Link("Locations", "/inventory/locations/", "inventory.view_master_data"),
            Link("Lots", "/inventory/lots/", "inventory.view_master_data"),
            Link("LPNs", "/inventory/lpns/", "inventory.view_master_data"),
            Link("Counts", "/control/counts/", "control.manage_counts"),
            Link("Accuracy", "/control/accuracy/", "control.manage_counts"),
            Link("Holds", "/control/holds/", "control.manage_holds"),
            Link("Low stock", "/control/alerts/", "control.manage_counts"),
            Link("Lingering stock", "/control/lingering/", "control.manage_counts"),
        ),
    ),
    Group(
        "Outbound",
        (
            Link("Orders", "/outbound/orders/", "picking.view_orders"),
            Link("Waves", "/outbound/waves/", "picking.manage_waves"),
            Link("Plan a wave", "/outbound/waves/plan/", "picking.manage_waves"),
            Link("Wave defaults", "/outbound/waves/defaults/", "picking.manage_waves"),
            Link("Pick monitor", "/outbound/monitor/", "picking.view_pick_monitor"),
            Link("Labour", "/labour/", "labour.manage_labour"),
        ),
    ),
    Group(
        "Shipping",
        (
            Link("Shipments", "/shipping/shipments/", "shipping.manage_shipments"),
            Link(
                "Needs attention",
                "/shipping/shipments/?status=needs_attention",
                "shipping.manage_shipments",
            ),
            Link("Manifests", "/shipping/manifests/", "shipping.manage_shipments"),
            Link("Pack station", "/shipping/pack/", "shipping.pack"),
            Link("Boxes", "/shipping/boxes/", "shipping.view_catalog"),
        ),
    ),
    Group(
        "Billing",
        (
            Link("Charges", "/billing/", "billing.view_billing"),
            Link("Invoices", "/billing/invoices/", "billing.view_billing"),
            Link("Rate cards", "/billing/rate-cards/", "billing.view_billing"),
            Link("Disputes", "/billing/disputes/", "billing.answer_disputes"),
        ),
    ),
    Group(
        "Setup",
        (
            Link("Warehouses", "/inventory/warehouses/", "inventory.view_master_data"),
            Link("Clients", "/inventory/clients/", "inventory.view_master_data"),
            Link("Carriers", "/shipping/carriers/", "shipping.view_catalog"),
            Link("ERP", "/erp/", "erp.manage_erp"),
            Link("Webhooks", "/webhooks/", "webhooks.manage_webhooks"),
            Link("Sales channels", "/channels/", "saleschannels.manage_channels"),
            Link("Branding", "/branding/", "portal.manage_branding"),
            Link("Users", "/users/", "wms.manage_users"),
            Link("Floor (handheld)", "/floor/", "wms.use_floor"),
            Link("Raw data", "/admin/", "wms.use_admin_site"),
            Link("API docs", "/api/v1/docs", None),
        ),
    ),
)


# A client user's whole menu: the portal (the desk's groups are the 3PL's, and a superuser, who
# holds the portal's permissions too, has no client of its own to see there).
PORTAL_NAV: tuple[Group, ...] = (
    Group(
        "Your business",
        (
            Link("Home", "/portal/", "portal.use_portal"),
            Link("Inventory", "/portal/inventory/", "portal.use_portal"),
            Link("Orders", "/portal/orders/", "portal.use_portal"),
            Link("Inbound", "/portal/inbound/", "portal.use_portal"),
            Link("Billing", "/portal/billing/", "portal.use_portal"),
            Link("Reports", "/portal/reports/", "portal.use_portal"),
        ),
    ),
    Group(
        "Settings",
        (
            Link("Users", "/portal/users/", "portal.manage_client_users"),
            Link("API tokens", "/portal/tokens/", "portal.manage_client_users"),
            Link("Webhooks", "/webhooks/", "webhooks.manage_webhooks"),
            Link("API docs", "/api/v1/docs", None),
        ),
    ),
)


@dataclass(frozen=True)
class ShownLink:
    label: str
    url: str
    current: bool


def current_url(path: str, full_path: str, urls: list[str]) -> str:
    """The link that marks where the user is: an exact match with the query string first (the
    attention queue is the shipments list filtered), else the longest path prefix."""
    if full_path in urls:
        return full_path
    prefixes = [url for url in urls if "?" not in url and path.startswith(url) and url != "/"]
    return max(prefixes, key=len, default="")


def navigation_for(user: object, path: str, full_path: str) -> list[tuple[str, list[ShownLink]]]:
    """The groups and links `user` may use, with the current one marked; empty groups dropped."""
    allowed = [
        (group, [link for link in group.links if link.perm is None or user.has_perm(link.perm)])  # type: ignore[attr-defined]
        for group in (PORTAL_NAV if getattr(user, "role", "") == "client" else NAV)
    ]
    here = current_url(path, full_path, [link.url for _, links in allowed for link in links])
    return [
        (group.label, [ShownLink(link.label, link.url, link.url == here) for link in links])
        for group, links in allowed
        if links
    ]
