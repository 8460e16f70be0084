"""Desk pages for outbound work, mounted at /outbound/ (orders, waves, the pick monitor)."""

from django.urls import URLPattern

# Filled in by the pages of this app.
urlpatterns: list[URLPattern] = []
