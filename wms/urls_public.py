"""The public site at the bare domain: landing page and operator sign-up."""

from django.urls import include, path

urlpatterns = [path("", include("tenants.urls"))]

handler400 = "wms.errors.bad_request"
handler404 = "wms.errors.not_found"
handler500 = "wms.errors.server_error"
