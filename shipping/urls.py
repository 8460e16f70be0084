"""Shipping's pages, every one of them here (wms.urls includes this at the root): the catalog,
shipments and manifests on the desk (/shipping/); the pack station, included twice, at
/shipping/pack/ (namespace pack_desk, surface "desk") and /floor/pack/ (namespace pack_floor,
surface "floor"); the ship dock on the handheld; the carriers' webhooks."""

from django.urls import include, path

from shipping.views import catalog, packing, ship_dock, shipments, webhooks

desk = [
    path("boxes/", catalog.box_type_list, name="box_type_list"),
    path("boxes/new/", catalog.box_type_create, name="box_type_create"),
    path("boxes/<int:pk>/edit/", catalog.box_type_edit, name="box_type_edit"),
    path(
        "boxes/<int:pk>/deactivate/",
        catalog.box_type_set_active,
        {"active": False},
        name="box_type_deactivate",
    ),
    path(
        "boxes/<int:pk>/reactivate/",
        catalog.box_type_set_active,
        {"active": True},
        name="box_type_reactivate",
    ),
    path("materials/", catalog.material_list, name="material_list"),
    path("materials/new/", catalog.material_create, name="material_create"),
    path("materials/<int:pk>/edit/", catalog.material_edit, name="material_edit"),
    path(
        "materials/<int:pk>/deactivate/",
        catalog.material_set_active,
        {"active": False},
        name="material_deactivate",
    ),
    path(
        "materials/<int:pk>/reactivate/",
        catalog.material_set_active,
        {"active": True},
        name="material_reactivate",
    ),
    path("webhook/", catalog.webhook_settings, name="webhook_settings"),
    path("carriers/", catalog.carrier_account_list, name="carrier_account_list"),
    path("carriers/new/", catalog.carrier_account_create, name="carrier_account_create"),
    path("carriers/<int:pk>/edit/", catalog.carrier_account_edit, name="carrier_account_edit"),
    path(
        "carriers/<int:pk>/deactivate/",
        catalog.carrier_account_set_active,
        {"active": False},
        name="carrier_account_deactivate",
    ),
    path(
        "carriers/<int:pk>/reactivate/",
        catalog.carrier_account_set_active,
        {"active": True},
        name="carrier_account_reactivate",
    ),
    path("shipments/", shipments.shipment_list, name="shipment_list"),
    path("shipments/<int:pk>/", shipments.shipment_detail, name="shipment_detail"),
    path("shipments/<int:pk>/retry/", shipments.shipment_retry, name="shipment_retry"),
    path("shipments/<int:pk>/void/", shipments.shipment_void, name="shipment_void"),
    path("shipments/<int:pk>/reconcile/", shipments.shipment_reconcile, name="shipment_reconcile"),
    path(
        "shipments/<int:pk>/label.pdf",
        shipments.shipment_label,
        {"fmt": "pdf"},
        name="shipment_pdf",
    ),
    path(
        "shipments/<int:pk>/label.zpl",
        shipments.shipment_label,
        {"fmt": "zpl"},
        name="shipment_zpl",
    ),
    path("shipments/<int:pk>/status/", shipments.shipment_status, name="shipment_status"),
    path(
        "shipments/carton/<int:carton_id>/status/",
        shipments.carton_shipment_status,
        name="carton_shipment_status",
    ),
    path("manifests/", shipments.manifest_list, name="manifest_list"),
    path("manifests/<int:pk>/pdf/", shipments.manifest_pdf, name="manifest_pdf"),
]

pack_station = (
    [
        path("", packing.station, name="station"),
        path("scan/", packing.scan_order, name="scan"),
        path("orders/<int:pk>/", packing.order_page, name="order"),
        path("orders/<int:pk>/scan/", packing.scan_item, name="scan_item"),
        path("orders/<int:pk>/station/", packing.set_station, name="set_station"),
        path("orders/<int:pk>/cartons/", packing.open_carton, name="open_carton"),
        path("orders/<int:pk>/shipments/", packing.shipments, name="shipments"),
        path("orders/<int:pk>/packing-slip.pdf", packing.packing_slip, name="packing_slip"),
        path("cartons/<int:pk>/close/", packing.close_carton, name="close_carton"),
        path("cartons/<int:pk>/unpack/", packing.unpack_carton, name="unpack_carton"),
        path("cartons/<int:pk>/label.pdf", packing.carton_label, name="carton_label"),
        path("cartons/<int:pk>/shipping-label.pdf", packing.shipping_label, name="shipping_label"),
    ],
    "pack",
)

ship_floor = [
    path("", ship_dock.floor_ship, name="floor_ship"),
    path("scan/", ship_dock.floor_ship_scan, name="floor_ship_scan"),
]

urlpatterns = [
    path("floor/ship/", include(ship_floor)),
    path("floor/pack/", include(pack_station, namespace="pack_floor"), {"surface": "floor"}),
    path("shipping/pack/", include(pack_station, namespace="pack_desk"), {"surface": "desk"}),
    path("shipping/", include(desk)),
    path(
        "webhooks/",
        include([path("easypost/", webhooks.easypost_webhook, name="easypost_webhook")]),
    ),
]
