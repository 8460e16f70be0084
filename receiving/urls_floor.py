"""Handheld receiving, mounted at /floor/receive/."""

from django.urls import path

from receiving import views

urlpatterns = [
    path("", views.receive_home, name="receive_home"),
    path("find/", views.receive_find, name="receive_find"),
    path("<int:pk>/", views.receive_asn, name="receive_asn"),
    path("<int:pk>/scan/", views.receive_scan, name="receive_scan"),
    path("<int:pk>/new-lpn/", views.receive_new_lpn, name="receive_new_lpn"),
]
