from django.urls import path

from tenants import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("signup/", views.signup, name="signup"),
    path("signup/<uuid:token>/", views.signup_status, name="signup_status"),
    path("signup/<uuid:token>/retry/", views.signup_retry, name="signup_retry"),
]
