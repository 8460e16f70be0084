"""The client portal's pages, every one of them here (wms.urls includes this at the root), all
under /portal/. tests/portal/test_isolation.py holds an isolation case for each pattern and fails
when one is added without."""

from django.urls import include, path

from portal.views import billing, branding, home, inbound, orders, products, reports, stock, users

portal_pages = [
    path("", home.home, name="portal_home"),
    path("logo/", branding.logo, name="portal_logo"),
    path("inventory/", stock.inventory, name="portal_inventory"),
    path("inventory/export.csv", stock.inventory_csv, name="portal_inventory_csv"),
    path("inventory/<int:pk>/", stock.sku_detail, name="portal_sku"),
    path("products/new/", products.product_create, name="portal_product_create"),
    path("products/import/", products.product_import, name="portal_product_import"),
    path("products/<int:pk>/edit/", products.product_edit, name="portal_product_edit"),
    path("orders/", orders.order_list, name="portal_orders"),
    path("orders/new/", orders.order_create, name="portal_order_create"),
    path("orders/import/", orders.order_import, name="portal_order_import"),
    path(
        "orders/import/template.csv",
        orders.order_import_template,
        name="portal_order_import_template",
    ),
    path("orders/<int:pk>/", orders.order_detail, name="portal_order"),
    path("orders/<int:pk>/cancel/", orders.order_cancel, name="portal_order_cancel"),
    path("inbound/", inbound.asn_list, name="portal_asns"),
    path("inbound/new/", inbound.asn_create, name="portal_asn_create"),
    path("inbound/import/", inbound.asn_import, name="portal_asn_import"),
    path("inbound/<int:pk>/", inbound.asn_detail, name="portal_asn"),
    path("inbound/<int:pk>/submit/", inbound.asn_submit, name="portal_asn_submit"),
    path("inbound/<int:pk>/closeout.csv", inbound.asn_closeout_csv, name="portal_asn_closeout_csv"),
    path("billing/", billing.billing_home, name="portal_billing"),
    path("billing/charges/", billing.charges, name="portal_charges"),
    path("billing/charges/<int:pk>/dispute/", billing.charge_dispute, name="portal_charge_dispute"),
    path("billing/disputes/<int:pk>/", billing.dispute_detail, name="portal_dispute"),
    path("billing/invoices/<int:pk>/", billing.invoice_detail, name="portal_invoice"),
    path("billing/invoices/<int:pk>/pdf/", billing.invoice_pdf, name="portal_invoice_pdf"),
    path("billing/invoices/<int:pk>/lines.csv", billing.invoice_csv, name="portal_invoice_csv"),
    path("reports/", reports.reports, name="portal_reports"),
    path("reports/stock/", reports.stock_report, name="portal_report_stock"),
    path("reports/shipments/", reports.shipments_report, name="portal_report_shipments"),
    path("reports/receipts/", reports.receipts_report, name="portal_report_receipts"),
    path("users/", users.user_list, name="portal_users"),
    path("users/invite/", users.user_invite, name="portal_user_invite"),
    path(
        "users/<int:pk>/deactivate/",
        users.user_set_active,
        {"active": False},
        name="portal_user_deactivate",
    ),
    path(
        "users/<int:pk>/reactivate/",
        users.user_set_active,
        {"active": True},
        name="portal_user_reactivate",
    ),
    path("tokens/", users.tokens, name="portal_tokens"),
    path("tokens/<int:pk>/revoke/", users.token_revoke, name="portal_token_revoke"),
]

urlpatterns = [
    path("portal/", include(portal_pages)),
    # The managers' side of the portal: the logo their clients see.
    path("branding/", branding.branding, name="portal_branding"),
]
