"""Desktop receiving pages, mounted at /receiving/."""

from django.urls import path

from receiving import views, views_labels

urlpatterns = [
    path("", views.asn_list, name="asn_list"),
    path("new/", views.asn_create, name="asn_create"),
    path("import/", views.asn_import, name="asn_import"),
    path("history/", views_labels.receiving_history, name="receiving_history"),
    path("<int:pk>/", views.asn_detail, name="asn_detail"),
    path("<int:pk>/expect/", views.asn_mark_expected, name="asn_mark_expected"),
    path("<int:pk>/cancel/", views.asn_cancel, name="asn_cancel"),
    path("<int:pk>/close/", views.asn_close, name="asn_close"),
    path("<int:pk>/discrepancy.csv", views.asn_discrepancy_csv, name="asn_discrepancy_csv"),
]
