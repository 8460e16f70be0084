"""What every portal page shares: its guard. A portal page is for client users only, whatever
else a user may do: a superuser holds every permission, yet the portal's pages read "my client",
which only a client user has, so everyone else is refused (403) before anything is read."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase

from wms.accounts.models import Role
from wms.http import AuthedRequest
from wms.pages import page

USE = "portal.use_portal"
ADMIN = "portal.manage_client_users"

View = Callable[..., HttpResponseBase]


def portal_page(perm: str, *methods: str) -> Callable[[View], View]:
    """`wms.pages.page` for the portal: signed in, holding `perm`, a client user, and one of
    `methods` (GET by default)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def client_only(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.user.role != Role.CLIENT:
                raise PermissionDenied("The client portal is for client users.")
            return view(request, *args, **kwargs)

        return page(perm, *methods)(client_only)

    return decorate
