"""Tenant sites: <slug>.<base domain>. App URLs are included by dotted path, never imported, so
wms depends on no floor app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from wms.accounts import views as account_views
from wms.accounts.forms import EmailAuthenticationForm
from wms.api import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path("account/", account_views.account, name="account"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path(
        "users/<int:pk>/deactivate/",
        account_views.user_set_active,
        {"active": False},
        name="user_deactivate",
    ),
    path(
        "users/<int:pk>/reactivate/",
        account_views.user_set_active,
        {"active": True},
        name="user_reactivate",
    ),
    path("users/<int:pk>/tokens/", account_views.user_tokens, name="user_tokens"),
    path("tokens/<int:pk>/revoke/", account_views.token_revoke, name="token_revoke"),
    # Each app's pages, by dotted path; every app's urls.py names its own prefixes.
    path("", include("receiving.urls")),
    path("", include("picking.urls")),
    path("", include("shipping.urls")),
    path("", include("inventory.urls")),
    path("", include("control.urls")),
    path("", include("billing.urls")),
    path("", include("erp.urls")),
    path("", include("webhooks.urls")),
    path("", include("channels.urls")),
    path("", include("portal.urls")),
    path("", include("labour.urls")),
    path("", include("desk.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler400 = "wms.errors.bad_request"
handler404 = "wms.errors.not_found"
handler403 = "wms.errors.forbidden"
handler500 = "wms.errors.server_error"
