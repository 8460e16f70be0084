from django.urls import path

from receiving import views_putaway

urlpatterns = [
    path("", views_putaway.queue, name="putaway_queue"),
    path("scan/", views_putaway.scan_lpn, name="putaway_scan"),
    path("<int:pk>/", views_putaway.task_detail, name="putaway_task"),
    path("<int:pk>/start/", views_putaway.start, name="putaway_start"),
    path("<int:pk>/release/", views_putaway.release, name="putaway_release"),
    path("<int:pk>/confirm/", views_putaway.confirm, name="putaway_confirm"),
]
