"""Handheld receiving, mounted at /floor/receive/."""

from django.urls import path

from receiving import views

urlpatterns = [
    path("", views.receive_home, name="receive_home"),
    path("find/", views.receive_find, name="receive_find"),
    path("<int:pk>/", views.receive_asn, name="receive_asn"),
    path("<int:pk>/scan/", views.receive_scan, name="receive_scan"),
    path("<int:pk>/new-lpn/", views.receive_new_lpn, name="receive_new_lpn"),
    path("blind/", views.receive_blind_home, name="receive_blind_home"),
    path("blind/<int:client_pk>/", views.receive_blind, name="receive_blind"),
    path("blind/<int:client_pk>/scan/", views.receive_blind_scan, name="receive_blind_scan"),
    path(
        "blind/<int:client_pk>/new-lpn/", views.receive_blind_new_lpn, name="receive_blind_new_lpn"
    ),
]
