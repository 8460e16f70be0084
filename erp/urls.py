"""The ERP desk's pages (wms.urls includes this at the root), all under /erp/."""

from django.urls import include, path

from erp import views

erp_pages = [
    path("", views.home, name="erp_home"),
    path("connections/new/", views.connection_create, name="erp_connection_create"),
    path("connections/<int:pk>/", views.connection_detail, name="erp_connection"),
    path("connections/<int:pk>/edit/", views.connection_edit, name="erp_connection_edit"),
    path("connections/<int:pk>/test/", views.connection_test, name="erp_connection_test"),
    path("connections/<int:pk>/sync/", views.connection_sync, name="erp_connection_sync"),
    path(
        "connections/<int:pk>/reconcile/",
        views.connection_reconcile,
        name="erp_connection_reconcile",
    ),
    path("reconciliations/<int:pk>/", views.reconciliation, name="erp_reconciliation"),
    path("log/", views.log, name="erp_log"),
    path("log/<int:pk>/retry/", views.record_retry, name="erp_record_retry"),
    path("log/<int:pk>/skip/", views.record_skip, name="erp_record_skip"),
]

urlpatterns = [path("erp/", include(erp_pages))]
