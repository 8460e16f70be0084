"""The sales-channel desk's pages (wms.urls includes this at the root), all under /channels/."""

from django.urls import include, path

from channels import views

channel_pages = [
    path("", views.home, name="channels_home"),
    path("<int:pk>/", views.channel_detail, name="channel"),
    path("<int:pk>/sync/", views.channel_sync, name="channel_sync"),
    path("<int:pk>/drift/", views.channel_drift, name="channel_drift"),
]

urlpatterns = [path("channels/", include(channel_pages))]
