"""Desktop pages of inventory: stock (on-hand, product, location, adjustment) and master data."""

from django.urls import include, path

from inventory import views_stock

urlpatterns = [
    path("stock/", views_stock.on_hand, name="stock_on_hand"),
    path("stock/products/<int:pk>/", views_stock.product_detail, name="stock_product"),
    path("stock/locations/<int:pk>/", views_stock.location_detail, name="stock_location"),
    path("stock/adjust/", views_stock.adjust, name="stock_adjust"),
    path("", include("inventory.urls_master")),
]
