"""Inventory control's pages: the managers' count desk under /control/ and the handheld count
under /floor/count/."""

from django.urls import include, path

from control.views import counts, floor, holds, moves, work

desk = [
    path("counts/", counts.count_list, name="count_list"),
    path("counts/<int:pk>/", counts.count_detail, name="count_detail"),
    path("counts/plans/", counts.plan_list, name="count_plans"),
    path("counts/plans/new/", counts.plan_create, name="count_plan_create"),
    path("counts/plans/<int:pk>/run/", counts.plan_run, name="count_plan_run"),
    path("counts/thresholds/", counts.thresholds, name="count_thresholds"),
    path("accuracy/", counts.accuracy, name="count_accuracy"),
    path("work/", work.work_queue, name="work_queue"),
    path("alerts/", counts.low_stock, name="low_stock"),
    path("lingering/", counts.lingering, name="lingering_stock"),
    path("holds/", holds.hold_list, name="hold_list"),
    path("holds/<int:pk>/release/", holds.hold_release, name="hold_release"),
    path("recall/lots/<int:pk>/", holds.recall, name="recall_report"),
]

handheld = [
    path("", floor.floor_count, name="floor_count"),
    path("<int:pk>/", floor.floor_count_task, name="floor_count_task"),
]

urlpatterns = [
    path("control/", include(desk)),
    path("floor/count/", include(handheld)),
    path("floor/move/", moves.floor_move, name="floor_move"),
    path("floor/work/", work.floor_work, name="floor_work"),
    path("floor/replenish/<int:pk>/", work.floor_replenish, name="floor_replenish"),
    path("floor/return/<int:pk>/", work.floor_return, name="floor_return"),
]
