from django.urls import path

from receiving import views_putaway

urlpatterns = [
    path("", views_putaway.desk_queue, name="putaway_desk_queue"),
    path("<int:pk>/repropose/", views_putaway.desk_repropose, name="putaway_repropose"),
    path("settings/<int:warehouse_pk>/", views_putaway.desk_settings, name="putaway_settings"),
]
