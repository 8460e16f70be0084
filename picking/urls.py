"""Picking's pages, every one of them here (wms.urls includes this at the root): orders, waves,
wave rules and the pick monitor on the desk (/outbound/), picking on the handheld (/floor/pick/)."""

from django.urls import include, path

from picking.views import desk, floor

outbound = [
    path("orders/", desk.order_list, name="order_list"),
    path("orders/bulk/", desk.order_bulk, name="order_bulk"),
    path("orders/cancel/", desk.order_bulk_cancel, name="order_bulk_cancel"),
    path("orders/new/", desk.order_create, name="order_create"),
    path("orders/import/", desk.order_import, name="order_import"),
    path("orders/import/template.csv", desk.order_import_template, name="order_import_template"),
    path("orders/<int:pk>/", desk.order_detail, name="order_detail"),
    path("orders/<int:pk>/cancel/", desk.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/allocate/", desk.order_allocate, name="order_allocate"),
    path("waves/", desk.wave_list, name="wave_list"),
    path("waves/plan/", desk.wave_plan, name="wave_plan"),
    path("waves/defaults/", desk.wave_defaults_list, name="wave_defaults_list"),
    path("waves/defaults/<int:warehouse_pk>/", desk.wave_defaults_edit, name="wave_defaults_edit"),
    path("waves/rules/", desk.wave_rule_list, name="wave_rule_list"),
    path("waves/rules/new/", desk.wave_rule_create, name="wave_rule_create"),
    path("waves/rules/<int:pk>/", desk.wave_rule_edit, name="wave_rule_edit"),
    path("waves/rules/<int:pk>/delete/", desk.wave_rule_delete, name="wave_rule_delete"),
    path("waves/<int:pk>/", desk.wave_detail, name="wave_detail"),
    path("waves/<int:pk>/progress/", desk.wave_progress, name="wave_progress"),
    path("waves/<int:pk>/release/", desk.wave_release, name="wave_release"),
    path("waves/<int:pk>/cancel/", desk.wave_cancel, name="wave_cancel"),
    path("monitor/", desk.pick_monitor, name="pick_monitor"),
]

pick_floor = [
    path("", floor.home, name="floor_pick_home"),
    path("work/", floor.get_work, name="floor_pick_work"),
    path("<int:pk>/", floor.pick_list_page, name="floor_pick_list"),
    path("<int:pk>/scan/", floor.scan, name="floor_pick_scan"),
]

urlpatterns = [
    path("floor/pick/", include(pick_floor)),
    path("outbound/", include(outbound)),
]
