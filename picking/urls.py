"""Desk pages for outbound work, mounted at /outbound/ (orders, waves, wave rules, the pick
monitor)."""

from django.urls import path

from picking import views

urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("orders/bulk/", views.order_bulk, name="order_bulk"),
    path("orders/cancel/", views.order_bulk_cancel, name="order_bulk_cancel"),
    path("orders/new/", views.order_create, name="order_create"),
    path("orders/import/", views.order_import, name="order_import"),
    path("orders/import/template.csv", views.order_import_template, name="order_import_template"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/allocate/", views.order_allocate, name="order_allocate"),
    path("waves/", views.wave_list, name="wave_list"),
    path("waves/plan/", views.wave_plan, name="wave_plan"),
    path("waves/rules/", views.wave_rule_list, name="wave_rule_list"),
    path("waves/rules/new/", views.wave_rule_create, name="wave_rule_create"),
    path("waves/rules/<int:pk>/", views.wave_rule_edit, name="wave_rule_edit"),
    path("waves/rules/<int:pk>/delete/", views.wave_rule_delete, name="wave_rule_delete"),
    path("waves/<int:pk>/", views.wave_detail, name="wave_detail"),
    path("waves/<int:pk>/progress/", views.wave_progress, name="wave_progress"),
    path("waves/<int:pk>/release/", views.wave_release, name="wave_release"),
    path("waves/<int:pk>/cancel/", views.wave_cancel, name="wave_cancel"),
    path("monitor/", views.pick_monitor, name="pick_monitor"),
]
