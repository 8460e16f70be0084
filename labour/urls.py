from django.urls import include, path

from labour import views

desk = [
    path("", views.day, name="labour_day"),
    path("shifts/<int:pk>/correct/", views.shift_correct, name="labour_shift_correct"),
    path("standards/<int:warehouse_pk>/<str:kind>/", views.standard_edit, name="labour_standard"),
]

urlpatterns = [
    path("floor/clock/", views.clock, name="labour_clock"),
    path("labour/", include(desk)),
]
