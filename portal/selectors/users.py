"""The people of a client, as their client admin keeps them in the portal: the client users of
the admin's own client and their API tokens. Anyone else's is not found (a 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from wms.accounts.models import ApiToken, Role, User
from wms.permissions import client_id_of


def client_users(user: User) -> QuerySet[User]:
    """The client users of the user's client, by e-mail."""
    return User.objects.filter(role=Role.CLIENT, scope__client_id=client_id_of(user)).order_by(
        "email"
    )


def get_client_user(user: User, pk: int) -> User | None:
    return client_users(user).filter(pk=pk).first()


def client_tokens(user: User) -> QuerySet[ApiToken]:
    """The API tokens of the client's users, newest first."""
    return (
        ApiToken.objects.filter(user__in=client_users(user))
        .select_related("user")
        .order_by("-created_at", "-pk")
    )


def get_client_token(user: User, pk: int) -> ApiToken | None:
    return client_tokens(user).filter(pk=pk).first()
