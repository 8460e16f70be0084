"""The pack station's URLs, included twice by wms.urls: at /shipping/pack/ (namespace pack_desk,
surface "desk") and at /floor/pack/ (namespace pack_floor, surface "floor")."""

from django.urls import path

from shipping import views_pack

app_name = "pack"

urlpatterns = [
    path("", views_pack.station, name="station"),
    path("scan/", views_pack.scan_order, name="scan"),
    path("orders/<int:pk>/", views_pack.order_page, name="order"),
    path("orders/<int:pk>/scan/", views_pack.scan_item, name="scan_item"),
    path("orders/<int:pk>/station/", views_pack.set_station, name="set_station"),
    path("orders/<int:pk>/cartons/", views_pack.open_carton, name="open_carton"),
    path("orders/<int:pk>/shipments/", views_pack.shipments, name="shipments"),
    path("orders/<int:pk>/packing-slip.pdf", views_pack.packing_slip, name="packing_slip"),
    path("cartons/<int:pk>/close/", views_pack.close_carton, name="close_carton"),
    path("cartons/<int:pk>/label.pdf", views_pack.carton_label, name="carton_label"),
    path("cartons/<int:pk>/shipping-label.pdf", views_pack.shipping_label, name="shipping_label"),
]
