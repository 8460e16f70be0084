"""Desktop pages of shipping, under /shipping/: the box, material and carrier catalog."""

from django.urls import path

from shipping import views

urlpatterns = [
    path("boxes/", views.box_type_list, name="box_type_list"),
    path("boxes/new/", views.box_type_create, name="box_type_create"),
    path("boxes/<int:pk>/edit/", views.box_type_edit, name="box_type_edit"),
    path(
        "boxes/<int:pk>/deactivate/",
        views.box_type_set_active,
        {"active": False},
        name="box_type_deactivate",
    ),
    path(
        "boxes/<int:pk>/reactivate/",
        views.box_type_set_active,
        {"active": True},
        name="box_type_reactivate",
    ),
    path("materials/", views.material_list, name="material_list"),
    path("materials/new/", views.material_create, name="material_create"),
    path("materials/<int:pk>/edit/", views.material_edit, name="material_edit"),
    path(
        "materials/<int:pk>/deactivate/",
        views.material_set_active,
        {"active": False},
        name="material_deactivate",
    ),
    path(
        "materials/<int:pk>/reactivate/",
        views.material_set_active,
        {"active": True},
        name="material_reactivate",
    ),
    path("webhook/", views.webhook_settings, name="webhook_settings"),
    path("carriers/", views.carrier_account_list, name="carrier_account_list"),
    path("carriers/new/", views.carrier_account_create, name="carrier_account_create"),
    path("carriers/<int:pk>/edit/", views.carrier_account_edit, name="carrier_account_edit"),
    path(
        "carriers/<int:pk>/deactivate/",
        views.carrier_account_set_active,
        {"active": False},
        name="carrier_account_deactivate",
    ),
    path(
        "carriers/<int:pk>/reactivate/",
        views.carrier_account_set_active,
        {"active": True},
        name="carrier_account_reactivate",
    ),
]
