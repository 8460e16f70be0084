"""Inventory's pages, every one of them here (wms.urls includes this at the root): the desk's
stock and master data under /inventory/, users and their scope under /users/, the handheld's
home, scan and lookup under /floor/."""

from django.urls import include, path

from inventory.views import floor, master, stock, users

desk = [
    path("stock/", stock.on_hand, name="stock_on_hand"),
    path("stock/products/<int:pk>/", stock.product_detail, name="stock_product"),
    path("stock/locations/<int:pk>/", stock.location_detail, name="stock_location"),
    path("stock/adjust/", stock.adjust, name="stock_adjust"),
    path("clients/", master.client_list, name="client_list"),
    path("clients/new/", master.client_create, name="client_create"),
    path("clients/<int:pk>/edit/", master.client_edit, name="client_edit"),
    path("warehouses/", master.warehouse_list, name="warehouse_list"),
    path("warehouses/new/", master.warehouse_create, name="warehouse_create"),
    path("warehouses/<int:pk>/edit/", master.warehouse_edit, name="warehouse_edit"),
    path("zones/", master.zone_list, name="zone_list"),
    path("zones/new/", master.zone_create, name="zone_create"),
    path("zones/<int:pk>/edit/", master.zone_edit, name="zone_edit"),
    path("locations/", master.location_list, name="location_list"),
    path("locations/new/", master.location_create, name="location_create"),
    path("locations/<int:pk>/edit/", master.location_edit, name="location_edit"),
    path("locations/import/", master.location_import, name="location_import"),
    path("locations/export.csv", master.location_export, name="location_export"),
    path("products/", master.product_list, name="product_list"),
    path("products/new/", master.product_create, name="product_create"),
    path("products/<int:pk>/edit/", master.product_edit, name="product_edit"),
    path("products/import/", master.product_import, name="product_import"),
    path("products/export.csv", master.product_export, name="product_export"),
    path("lots/", master.lot_list, name="lot_list"),
    path("lots/new/", master.lot_create, name="lot_create"),
    path("lots/<int:pk>/edit/", master.lot_edit, name="lot_edit"),
    path("lpns/", master.lpn_list, name="lpn_list"),
    path("lpns/new/", master.lpn_create, name="lpn_create"),
    path("lpns/<int:pk>/edit/", master.lpn_edit, name="lpn_edit"),
]

handheld = [
    path("", floor.floor_home, name="floor_home"),
    path("scan/", floor.floor_scan, name="floor_scan"),
    path("lookup/", floor.floor_lookup, name="floor_lookup"),
]

# People and where they work (/users/; deactivation and tokens are wms.accounts' pages there).
people = [
    path("", users.user_list, name="user_list"),
    path("invite/", users.user_invite, name="user_invite"),
    path("<int:pk>/", users.user_edit, name="user_edit"),
]

urlpatterns = [
    path("users/", include(people)),
    path("inventory/", include(desk)),
    path("floor/", include(handheld)),
]
