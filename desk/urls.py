from django.urls import path

from desk import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("search/", views.search, name="desk_search"),
]
