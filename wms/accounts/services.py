"""Every write to users and API tokens. Each function is one transaction."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from wms.accounts.exceptions import AccountError
from wms.accounts.models import ApiToken, Role, User
from wms.idempotency.services import Codec, idempotent


@transaction.atomic
def invite_user(
    *,
    by: User,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    base_url: str,
    is_client_admin: bool = False,
) -> User:
    """Creates a user with no usable password and e-mails a link to set one (after commit). Where
    they may work is inventory's to set (inventory.services.users, in the same transaction)."""
    email = email.strip().lower()
    if is_client_admin and role != Role.CLIENT:
        raise AccountError("Only client users can be client admins.")
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(f"A user with e-mail {email} already exists.")
    user = User.objects.create_user(
        email,
        password=None,
        role=role,
        first_name=first_name,
        last_name=last_name,
        is_client_admin=is_client_admin,
        # Admins may do everything, the Django admin included.
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    link = base_url + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    body = render_to_string("accounts/email/invite.txt", {"user": user, "by": by, "link": link})
    transaction.on_commit(
        lambda: send_mail("You are invited to FluxVantage", body, None, [user.email])
    )
    return user


@transaction.atomic
def update_user(
    *,
    by: User,
    user: User,
    role: str,
    first_name: str,
    last_name: str,
    is_client_admin: bool = False,
) -> User:
    """Changes a user's name and role. An admin cannot demote themselves, so a tenant always
    keeps an admin who can undo a mistake."""
    if user.pk == by.pk and role != Role.ADMIN:
        raise AccountError("You cannot take the admin role from yourself.")
    if is_client_admin and role != Role.CLIENT:
        raise AccountError("Only client users can be client admins.")
    user.role = role
    user.is_client_admin = is_client_admin
    user.first_name = first_name
    user.last_name = last_name
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.save()
    return user


@transaction.atomic
def set_user_active(*, by: User, user: User, active: bool) -> User:
    """Deactivates (or reactivates) a user; deactivation also revokes their API tokens."""
    if user.pk == by.pk and not active:
        raise AccountError("You cannot deactivate yourself.")
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return user


def _require_manages_tokens_of(by: User, user: User) -> None:
    if not by.has_perm("wms.manage_tokens_of", user):
        raise PermissionDenied(f"You may not manage the API tokens of {user.email}.")


@transaction.atomic
@idempotent(
    "token.create",
    result=Codec(dump=lambda made: made[0].pk, load=lambda pk: (ApiToken.objects.get(pk=pk), None)),
    actor="by",
)
def create_api_token(
    *, by: User, user: User, name: str, idempotency_key: str | None = None
) -> tuple[ApiToken, str | None]:
    """Makes a token for the user; returns it with the secret, which is never stored (a repeat
    with the same idempotency key returns the token without it). Refused (PermissionDenied,
    nothing written) unless `by` administers `user` (wms.permissions)."""
    _require_manages_tokens_of(by, user)
    if not name.strip():
        raise AccountError("Give the token a name, such as the system that will use it.")
    if not user.is_active:
        raise AccountError("This user is deactivated.")
    secret, prefix, digest = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name.strip(), key_prefix=prefix, key_digest=digest, created_by=by
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, by: User, token: ApiToken) -> ApiToken:
    """Revokes a token; revoking twice keeps the first time. Refused (PermissionDenied, nothing
    changed) unless `by` administers the token's user."""
    _require_manages_tokens_of(by, token.user)
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token
