"""A client admin's own people: invite and deactivate the client's users, and make and revoke
the client's API tokens (the secret is shown once). Each write is wms.accounts' or inventory's
service; the portal only chooses whom, among its own client's users."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from inventory import selectors as inventory_selectors
from inventory.services import users as user_services
from portal import forms, selectors
from portal.views.common import ADMIN, portal_page
from wms.accounts import services as account_services
from wms.accounts.exceptions import AccountError
from wms.accounts.models import Role, User
from wms.http import AuthedRequest
from wms.pages import found_or_404
from wms.permissions import require

ADMINISTER = "portal.administer_client_user"


def _subject(request: AuthedRequest, pk: int) -> User:
    subject = found_or_404(selectors.get_client_user(request.user, pk))
    require(request.user, ADMINISTER, subject)
    return subject


@portal_page(ADMIN)
def user_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "portal/users.html", {"users": selectors.client_users(request.user)})


@portal_page(ADMIN, "GET", "POST")
def user_invite(request: AuthedRequest) -> HttpResponse:
    form = forms.InviteClientUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_services.invite_user(
                by=request.user,
                role=Role.CLIENT,
                client=inventory_selectors.client_of(request.user),
                base_url=request.build_absolute_uri("/").rstrip("/"),
                **form.cleaned_data,
            )
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Invited {user.email}; they get an e-mail to set a password."
            )
            return redirect("portal_users")
    return render(request, "portal/user_invite.html", {"form": form})


@portal_page(ADMIN, "GET", "POST")
def user_set_active(request: AuthedRequest, pk: int, active: bool) -> HttpResponse:
    """GET asks; POST (de)activates one of the client's users (deactivating revokes their
    tokens)."""
    subject = _subject(request, pk)
    if request.method == "GET":
        context = {"subject": subject, "active": active}
        return render(request, "portal/user_confirm_active.html", context)
    try:
        account_services.set_user_active(by=request.user, user=subject, active=active)
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        verb = "Reactivated" if active else "Deactivated"
        messages.success(request, f"{verb} {subject.email}.")
    return redirect("portal_users")


@portal_page(ADMIN, "GET", "POST")
def tokens(request: AuthedRequest) -> HttpResponse:
    form = forms.TokenForm(request.user, request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_secret = account_services.create_api_token(
                by=request.user, user=form.cleaned_data["user"], name=form.cleaned_data["name"]
            )
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            form = forms.TokenForm(request.user)
    context = {
        "tokens": selectors.client_tokens(request.user),
        "form": form,
        "new_secret": new_secret,
    }
    return render(request, "portal/tokens.html", context)


@portal_page(ADMIN, "POST")
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = found_or_404(selectors.get_client_token(request.user, pk))
    account_services.revoke_api_token(by=request.user, token=token)
    messages.success(request, f"Revoked token “{token.name}”. It stops working at once.")
    return redirect("portal_tokens")
