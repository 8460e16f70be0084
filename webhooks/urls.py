"""The webhook desk's pages (wms.urls includes this at the root), all under /webhooks/."""

from django.urls import include, path

from webhooks import views

webhook_pages = [
    path("", views.home, name="webhooks_home"),
    path("new/", views.endpoint_create, name="webhooks_endpoint_create"),
    path("<int:pk>/", views.endpoint_detail, name="webhooks_endpoint"),
    path("<int:pk>/edit/", views.endpoint_edit, name="webhooks_endpoint_edit"),
    path("<int:pk>/rotate/", views.endpoint_rotate, name="webhooks_endpoint_rotate"),
    path("<int:pk>/test/", views.endpoint_test, name="webhooks_endpoint_test"),
    path("<int:pk>/replay/", views.endpoint_replay, name="webhooks_endpoint_replay"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="webhooks_delivery"),
    path("deliveries/<int:pk>/replay/", views.delivery_replay, name="webhooks_delivery_replay"),
]

urlpatterns = [path("webhooks/", include(webhook_pages))]
