from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from rules.contrib.views import permission_required

from wms.accounts import selectors, services
from wms.accounts.exceptions import AccountError
from wms.accounts.forms import ApiTokenForm, InviteUserForm, UserScopeForm
from wms.accounts.models import ApiToken, Role, User
from wms.http import AuthedRequest
from wms.pages import page
from wms.validation import filter_text

PAGE_SIZE = 25


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Sends each role to where its work is."""
    if request.user.role == Role.OPERATOR:
        return redirect("floor_home")
    if request.user.has_perm("wms.view_dashboard"):
        return redirect("dashboard")
    return redirect("account")


@login_required
@permission_required("wms.view_dashboard", raise_exception=True)
def dashboard(request: AuthedRequest) -> HttpResponse:
    users = User.objects.filter(is_active=True)
    context = {
        "users_by_role": [
            (label, users.filter(role=value).count()) for value, label in Role.choices
        ],
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
@permission_required("wms.view_account", raise_exception=True)
def account(request: AuthedRequest) -> HttpResponse:
    return render(request, "accounts/account.html")


@login_required
@permission_required("wms.manage_users", raise_exception=True)
def user_list(request: AuthedRequest) -> HttpResponse:
    query = filter_text(request.GET, "q")
    page = Paginator(selectors.search_users(query), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "accounts/users.html#table" if request.htmx else "accounts/users.html"
    return render(request, template, {"page": page, "q": query})


@page("wms.manage_users", "GET", "POST")
def user_invite(request: AuthedRequest) -> HttpResponse:
    form = InviteUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_user(
                by=request.user,
                base_url=request.build_absolute_uri("/").rstrip("/"),
                **form.cleaned_data,
            )
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Invited {user.email}; they get an e-mail to set a password."
            )
            return redirect("user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": "Invite a user"})


def _get_user_or_404(pk: int) -> User:
    user = selectors.get_user(pk)
    if user is None:
        raise Http404("No such user.")
    return user


@page("wms.manage_users", "GET", "POST")
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _get_user_or_404(pk)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "warehouses": user.warehouses.all(),
        "client": user.client,
    }
    form = UserScopeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(by=request.user, user=user, **form.cleaned_data)
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Saved {user.email}.")
            return redirect("user_list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": f"Edit {user.email}", "subject": user},
    )


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
