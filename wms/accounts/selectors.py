"""Reads of users and tokens."""

from __future__ import annotations

import hmac
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from wms.accounts.models import TOKEN_PREFIX, ApiToken, Role, User


def sign_in_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in attempt names, for login throttling (django-axes)."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()


def get_user(pk: int) -> User | None:
    return User.objects.filter(pk=pk).first()


def get_user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def tokens_managed_by(user: User) -> QuerySet[ApiToken]:
    """The API tokens whose user `user` administers (wms.permissions: manage_tokens_of): every
    token for an admin; a manager's own and those of operators and client users; none for
    anyone else. Newest first."""
    tokens = ApiToken.objects.select_related("user", "created_by").order_by("-created_at", "-pk")
    if user.role == Role.ADMIN:
        return tokens
    if user.role == Role.MANAGER:
        return tokens.filter(Q(user=user) | Q(user__role__in=[Role.OPERATOR, Role.CLIENT]))
    return tokens.none()


def authenticate_token(raw: str) -> User | None:
    """The active user a bearer token acts as, or None. Records the last-used time."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_digest, ApiToken.digest(raw)):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        # At most one write a minute per token, so a busy integration doesn't hammer the row.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
