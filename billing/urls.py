"""Billing's pages, every one of them here (wms.urls includes this at the root): the managers'
rate cards, charges, unrated queue, periods and invoices under /billing/."""

from django.urls import include, path

from billing.views import cards, charges, disputes, invoices

billing_pages = [
    path("", charges.home, name="billing_home"),
    path("rate/", charges.rate_now, name="billing_rate_now"),
    path("clients/<int:pk>/", charges.client_accrued, name="billing_client"),
    path("charges/new/", charges.charge_create, name="billing_charge_create"),
    path("unrated/", charges.unrated_list, name="billing_unrated"),
    path("unrated/rerate/", charges.unrated_rerate, name="billing_unrated_rerate"),
    path(
        "unrated/<int:pk>/non-billable/",
        charges.unrated_non_billable,
        name="billing_unrated_non_billable",
    ),
    path("rate-cards/", cards.card_list, name="billing_cards"),
    path("rate-cards/new/", cards.card_create, name="billing_card_create"),
    path("rate-cards/<int:pk>/", cards.card_detail, name="billing_card_detail"),
    path("rate-cards/<int:pk>/versions/new/", cards.version_create, name="billing_version_create"),
    path("periods/", invoices.period_list, name="billing_periods"),
    path("periods/<int:pk>/close/", invoices.period_close, name="billing_period_close"),
    path("periods/<int:pk>/rerate/", invoices.period_rerate, name="billing_period_rerate"),
    path("invoices/", invoices.invoice_list, name="billing_invoices"),
    path("invoices/<int:pk>/", invoices.invoice_detail, name="billing_invoice"),
    path("invoices/<int:pk>/finalize/", invoices.invoice_finalize, name="billing_invoice_finalize"),
    path(
        "invoices/<int:pk>/credit-note/",
        invoices.credit_note_create,
        name="billing_credit_note_create",
    ),
    path("invoices/<int:pk>/pdf/", invoices.invoice_pdf, name="billing_invoice_pdf"),
    path("invoices/<int:pk>/lines.csv", invoices.invoice_csv, name="billing_invoice_csv"),
    path("settings/", invoices.settings_edit, name="billing_settings"),
    path("disputes/", disputes.dispute_list, name="billing_disputes"),
    path("disputes/<int:pk>/", disputes.dispute_answer, name="billing_dispute"),
]

urlpatterns = [path("billing/", include(billing_pages))]
