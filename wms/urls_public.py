"""The public site at the bare domain: landing page and operator sign-up."""

from django.urls import include, path

urlpatterns = [path("", include("tenants.urls"))]

handler404 = "wms.errors.not_found"
