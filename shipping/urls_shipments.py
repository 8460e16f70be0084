"""Desk pages of shipments and manifests, mounted under /shipping/ (so /shipping/shipments/… and
/shipping/manifests/…), and the status partial the pack station polls."""

from django.urls import path

from shipping import views_shipments as views

urlpatterns = [
    path("shipments/", views.shipment_list, name="shipment_list"),
    path("shipments/<int:pk>/", views.shipment_detail, name="shipment_detail"),
    path("shipments/<int:pk>/retry/", views.shipment_retry, name="shipment_retry"),
    path("shipments/<int:pk>/void/", views.shipment_void, name="shipment_void"),
    path("shipments/<int:pk>/reconcile/", views.shipment_reconcile, name="shipment_reconcile"),
    path("shipments/<int:pk>/label.pdf", views.shipment_label, {"fmt": "pdf"}, name="shipment_pdf"),
    path("shipments/<int:pk>/label.zpl", views.shipment_label, {"fmt": "zpl"}, name="shipment_zpl"),
    path("shipments/<int:pk>/status/", views.shipment_status, name="shipment_status"),
    path(
        "shipments/carton/<int:carton_id>/status/",
        views.carton_shipment_status,
        name="carton_shipment_status",
    ),
    path("manifests/", views.manifest_list, name="manifest_list"),
    path("manifests/<int:pk>/pdf/", views.manifest_pdf, name="manifest_pdf"),
]
