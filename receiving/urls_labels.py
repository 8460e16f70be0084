"""Label downloads for signed-in users, mounted at /labels/."""

from django.urls import path

from receiving import views_labels

urlpatterns = [
    path("lpn/<int:pk>.pdf", views_labels.lpn_label, {"fmt": "pdf"}, name="lpn_label_pdf"),
    path("lpn/<int:pk>.zpl", views_labels.lpn_label, {"fmt": "zpl"}, name="lpn_label_zpl"),
    path(
        "location/<int:pk>.pdf",
        views_labels.location_label,
        {"fmt": "pdf"},
        name="location_label_pdf",
    ),
    path(
        "location/<int:pk>.zpl",
        views_labels.location_label,
        {"fmt": "zpl"},
        name="location_label_zpl",
    ),
    path("locations/", views_labels.location_labels, name="location_labels"),
    path(
        "locations/labels.pdf",
        views_labels.location_labels_download,
        {"fmt": "pdf"},
        name="location_labels_pdf",
    ),
    path(
        "locations/labels.zpl",
        views_labels.location_labels_download,
        {"fmt": "zpl"},
        name="location_labels_zpl",
    ),
]
