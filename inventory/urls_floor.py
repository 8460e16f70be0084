from django.urls import path

from inventory import views_floor

urlpatterns = [
    path("", views_floor.floor_home, name="floor_home"),
    path("scan/", views_floor.floor_scan, name="floor_scan"),
    path("lookup/", views_floor.floor_lookup, name="floor_lookup"),
]
