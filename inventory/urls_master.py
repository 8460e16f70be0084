"""Master data pages: list, search, create, edit, CSV import and export."""

from django.urls import path

from inventory import views_master as views

urlpatterns = [
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("warehouses/", views.warehouse_list, name="warehouse_list"),
    path("warehouses/new/", views.warehouse_create, name="warehouse_create"),
    path("warehouses/<int:pk>/edit/", views.warehouse_edit, name="warehouse_edit"),
    path("zones/", views.zone_list, name="zone_list"),
    path("zones/new/", views.zone_create, name="zone_create"),
    path("zones/<int:pk>/edit/", views.zone_edit, name="zone_edit"),
    path("locations/", views.location_list, name="location_list"),
    path("locations/new/", views.location_create, name="location_create"),
    path("locations/<int:pk>/edit/", views.location_edit, name="location_edit"),
    path("locations/import/", views.location_import, name="location_import"),
    path("locations/export.csv", views.location_export, name="location_export"),
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/import/", views.product_import, name="product_import"),
    path("products/export.csv", views.product_export, name="product_export"),
    path("lots/", views.lot_list, name="lot_list"),
    path("lots/new/", views.lot_create, name="lot_create"),
    path("lots/<int:pk>/edit/", views.lot_edit, name="lot_edit"),
    path("lpns/", views.lpn_list, name="lpn_list"),
    path("lpns/new/", views.lpn_create, name="lpn_create"),
    path("lpns/<int:pk>/edit/", views.lpn_edit, name="lpn_edit"),
]
