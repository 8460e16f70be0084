from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from rules.contrib.views import permission_required

from wms.accounts import selectors, services
from wms.accounts.exceptions import AccountError
from wms.accounts.forms import ApiTokenForm
from wms.accounts.models import ApiToken, Role, User
from wms.http import AuthedRequest
from wms.pages import page


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Sends each role to where its work is."""
    if request.user.role == Role.OPERATOR:
        return redirect("floor_home")
    if request.user.role == Role.CLIENT:
        return redirect("portal_home")
    if request.user.has_perm("wms.view_dashboard"):
        return redirect("dashboard")
    return redirect("account")


@login_required
@permission_required("wms.view_account", raise_exception=True)
def account(request: AuthedRequest) -> HttpResponse:
    return render(request, "accounts/account.html")


def _get_user_or_404(pk: int) -> User:
    user = selectors.get_user(pk)
    if user is None:
        raise Http404("No such user.")
    return user


@page("wms.manage_users", "GET", "POST")
def user_set_active(request: AuthedRequest, pk: int, active: bool) -> HttpResponse:
    """GET asks for confirmation; POST does it."""
    user = _get_user_or_404(pk)
    if request.method == "POST":
        try:
            services.set_user_active(by=request.user, user=user, active=active)
        except AccountError as exc:
            messages.error(request, str(exc))
        else:
            verb = "Reactivated" if active else "Deactivated"
            messages.success(request, f"{verb} {user.email}.")
        return redirect("user_list")
    return render(request, "accounts/user_confirm_active.html", {"subject": user, "active": active})


@page("wms.manage_api_tokens", "GET", "POST")
def user_tokens(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _get_user_or_404(pk)
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_secret = services.create_api_token(
                by=request.user,
                user=user,
                name=form.cleaned_data["name"],
            )
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"subject": user, "tokens": user.api_tokens.all(), "form": form, "new_secret": new_secret},
    )


@page("wms.manage_api_tokens", "POST")
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk).select_related("user").first()
    if token is None:
        raise Http404("No such token.")
    services.revoke_api_token(by=request.user, token=token)
    messages.success(request, f"Revoked token “{token.name}”. It stops working at once.")
    return redirect("user_tokens", pk=token.user_id)
