"""Desktop pages of inventory: stock (on-hand, product, location, adjustment) and master data."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("inventory.urls_master")),
]
