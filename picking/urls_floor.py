"""Handheld picking, mounted at /floor/pick/."""

from django.urls import path

from picking import views_floor

urlpatterns = [
    path("", views_floor.home, name="floor_pick_home"),
    path("work/", views_floor.get_work, name="floor_pick_work"),
    path("<int:pk>/", views_floor.pick_list_page, name="floor_pick_list"),
    path("<int:pk>/scan/", views_floor.scan, name="floor_pick_scan"),
]
