"""Reads for the client portal. Every selector takes the signed-in client user and starts from
the selectors of the app that owns the data (inventory, picking, receiving, shipping, billing),
which scope by the user's client: a record of another client is never found (a 404)."""

from portal.selectors.branding import has_logo, logo
from portal.selectors.home import Home, home, late_orders, week_of
from portal.selectors.inbound import client_asns
from portal.selectors.orders import VIEWS as ORDER_VIEWS
from portal.selectors.orders import OrderPage, client_orders, order_page
from portal.selectors.reports import (
    RECEIPTS_HEADER,
    SHIPMENTS_HEADER,
    STOCK_HEADER,
    receipts_between,
    shipments_between,
    stock_on,
)
from portal.selectors.stock import (
    SORT_CHOICES,
    STOCK_FILTERS,
    LotRow,
    get_sku_for_user,
    sku_history,
    sku_inventory,
    sku_lots,
)
from portal.selectors.users import (
    client_tokens,
    client_users,
    get_client_token,
    get_client_user,
)

__all__ = [
    "ORDER_VIEWS",
    "RECEIPTS_HEADER",
    "SHIPMENTS_HEADER",
    "SORT_CHOICES",
    "STOCK_FILTERS",
    "STOCK_HEADER",
    "Home",
    "LotRow",
    "OrderPage",
    "client_asns",
    "client_orders",
    "client_tokens",
    "client_users",
    "get_client_token",
    "get_client_user",
    "get_sku_for_user",
    "has_logo",
    "home",
    "late_orders",
    "logo",
    "order_page",
    "receipts_between",
    "shipments_between",
    "sku_history",
    "sku_inventory",
    "sku_lots",
    "stock_on",
    "week_of",
]
