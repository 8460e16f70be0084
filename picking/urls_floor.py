"""Handheld picking, mounted at /floor/pick/."""

from django.urls import URLPattern

# Filled in by the pages of this app.
urlpatterns: list[URLPattern] = []
