"""Receiving's pages, every one of them here (wms.urls includes this at the root): ASNs, the
receiving history and putaway on the desk; receiving and putaway on the handheld; labels."""

from django.urls import include, path

from receiving.views import asns, labels, putaway

asn_pages = [
    path("", asns.asn_list, name="asn_list"),
    path("new/", asns.asn_create, name="asn_create"),
    path("import/", asns.asn_import, name="asn_import"),
    path("history/", labels.receiving_history, name="receiving_history"),
    path("<int:pk>/", asns.asn_detail, name="asn_detail"),
    path("<int:pk>/expect/", asns.asn_mark_expected, name="asn_mark_expected"),
    path("<int:pk>/cancel/", asns.asn_cancel, name="asn_cancel"),
    path("<int:pk>/close/", asns.asn_close, name="asn_close"),
    path("<int:pk>/discrepancy.csv", asns.asn_discrepancy_csv, name="asn_discrepancy_csv"),
]

receive_floor = [
    path("", asns.receive_home, name="receive_home"),
    path("find/", asns.receive_find, name="receive_find"),
    path("<int:pk>/", asns.receive_asn, name="receive_asn"),
    path("<int:pk>/scan/", asns.receive_scan, name="receive_scan"),
    path("<int:pk>/new-lpn/", asns.receive_new_lpn, name="receive_new_lpn"),
    path("blind/", asns.receive_blind_home, name="receive_blind_home"),
    path("blind/<int:client_pk>/", asns.receive_blind, name="receive_blind"),
    path("blind/<int:client_pk>/scan/", asns.receive_blind_scan, name="receive_blind_scan"),
    path(
        "blind/<int:client_pk>/new-lpn/", asns.receive_blind_new_lpn, name="receive_blind_new_lpn"
    ),
]

label_files = [
    path("lpn/<int:pk>.pdf", labels.lpn_label, {"fmt": "pdf"}, name="lpn_label_pdf"),
    path("lpn/<int:pk>.zpl", labels.lpn_label, {"fmt": "zpl"}, name="lpn_label_zpl"),
    path(
        "location/<int:pk>.pdf",
        labels.location_label,
        {"fmt": "pdf"},
        name="location_label_pdf",
    ),
    path(
        "location/<int:pk>.zpl",
        labels.location_label,
        {"fmt": "zpl"},
        name="location_label_zpl",
    ),
    path("locations/", labels.location_labels, name="location_labels"),
    path(
        "locations/labels.pdf",
        labels.location_labels_download,
        {"fmt": "pdf"},
        name="location_labels_pdf",
    ),
    path(
        "locations/labels.zpl",
        labels.location_labels_download,
        {"fmt": "zpl"},
        name="location_labels_zpl",
    ),
]

putaway_floor = [
    path("", putaway.queue, name="putaway_queue"),
    path("scan/", putaway.scan_lpn, name="putaway_scan"),
    path("<int:pk>/", putaway.task_detail, name="putaway_task"),
    path("<int:pk>/start/", putaway.start, name="putaway_start"),
    path("<int:pk>/release/", putaway.release, name="putaway_release"),
    path("<int:pk>/confirm/", putaway.confirm, name="putaway_confirm"),
]

putaway_desk = [
    path("", putaway.desk_queue, name="putaway_desk_queue"),
    path("<int:pk>/repropose/", putaway.desk_repropose, name="putaway_repropose"),
    path("settings/<int:warehouse_pk>/", putaway.desk_settings, name="putaway_settings"),
]

urlpatterns = [
    path("floor/receive/", include(receive_floor)),
    path("floor/putaway/", include(putaway_floor)),
    path("receiving/putaway/", include(putaway_desk)),
    path("receiving/", include(asn_pages)),
    path("labels/", include(label_files)),
]
