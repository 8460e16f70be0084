"""The handheld ship dock, under /floor/ship/."""

from django.urls import path

from shipping import views_floor_ship

urlpatterns = [
    path("", views_floor_ship.floor_ship, name="floor_ship"),
    path("scan/", views_floor_ship.floor_ship_scan, name="floor_ship_scan"),
]
