"""The user pages of admins: the list with each user's scope, inviting a user, and changing a
user's name, role and scope. (Deactivating a user and their API tokens are wms.accounts' pages.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from rules.contrib.views import permission_required

from inventory import selectors
from inventory.forms.users import InviteUserForm, UserScopeForm
from inventory.services import users
from wms.accounts import selectors as account_selectors
from wms.accounts.exceptions import AccountError
from wms.http import AuthedRequest
from wms.pages import found_or_404, page
from wms.validation import filter_text

PAGE_SIZE = 25


@login_required
@permission_required("wms.manage_users", raise_exception=True)
def user_list(request: AuthedRequest) -> HttpResponse:
    query = filter_text(request.GET, "q")
    rows = Paginator(selectors.users_with_scope(query), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "accounts/users.html#table" if request.htmx else "accounts/users.html"
    return render(request, template, {"page": rows, "q": query})


@page("wms.manage_users", "GET", "POST")
def user_invite(request: AuthedRequest) -> HttpResponse:
    form = InviteUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = users.invite_user(
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


@page("wms.manage_users", "GET", "POST")
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = found_or_404(account_selectors.get_user(pk))
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "warehouses": selectors.assigned_warehouses(user),
        "client": selectors.client_of(user),
        "is_client_admin": user.is_client_admin,
    }
    form = UserScopeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            users.update_user(by=request.user, user=user, **form.cleaned_data)
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
