from django.urls import path

from desk import views

urlpatterns = [
    path("search/", views.search, name="desk_search"),
]
