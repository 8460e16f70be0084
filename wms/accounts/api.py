"""The tokens API, /api/v1/tokens: managers and admins set up integrations without the admin
pages. List, create (the secret is in the 201 answer only), read and revoke the tokens of the
users one administers (wms.permissions: manage_tokens_of): admins anyone of their tenant,
managers themselves, operators and client users. Operators and client users get 403."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wms.accounts import selectors
from wms.accounts.models import ApiToken, User
from wms.accounts.services import create_api_token, revoke_api_token
from wms.api_common import IdempotencyKey, Page, found, user_of
from wms.permissions import require
from wms.schemas import Input
from wms.validation import Id, IdParam, Text

router = Router(tags=["tokens"])


class TokenIn(Input):
    name: Text = Field(
        min_length=1, max_length=80, description="What will use it, such as “ERP sync”."
    )
    user_id: Id | None = Field(
        None, description="The token's user; leave out (and `email`) for yourself."
    )
    email: Text | None = Field(None, max_length=254, description="The token's user, by e-mail.")


class TokenQuery(Schema):
    user_id: IdParam | None = Field(None, description="Only this user's tokens.")
    active: bool | None = Field(None, description="true: not revoked; false: revoked only.")


class TokenUserOut(Schema):
    id: int
    email: str
    role: str


class TokenOut(Schema):
    id: int
    name: str
    user: TokenUserOut
    key_prefix: str = Field(description="The token's public part: fv_<key_prefix>_…")
    active: bool
    created_at: datetime.datetime
    created_by: str | None = Field(description="E-mail of who made it.")
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None

    @staticmethod
    def resolve_created_by(token: ApiToken) -> str | None:
        return token.created_by.email if token.created_by else None

    @staticmethod
    def resolve_active(token: ApiToken) -> bool:
        return token.is_active


class NewTokenOut(TokenOut):
    secret: str | None = Field(
        description="The token to send as `Authorization: Bearer <secret>`. Shown in this answer "
        "only: it is stored as a digest. null when the request repeated an Idempotency-Key."
    )


def _subject(user: User, payload: TokenIn) -> User:
    """The user the token is for, or 422 with a field error when there is no such user."""
    if payload.user_id is not None and payload.email is not None:
        raise ValidationError({"user_id": ["Give user_id or email, not both."]})
    if payload.user_id is not None:
        subject = selectors.get_user(payload.user_id)
        if subject is None:
            raise ValidationError({"user_id": [f"No user {payload.user_id}."]})
        return subject
    if payload.email is not None:
        subject = selectors.get_user_by_email(payload.email)
        if subject is None:
            raise ValidationError({"email": [f"No user with e-mail {payload.email}."]})
        return subject
    return user


def _token(user: User, pk: int) -> ApiToken:
    """A token of a user one administers; 404 for any other, so ids cannot be probed."""
    return found(selectors.tokens_managed_by(user).filter(pk=pk).first(), f"No token {pk}.")


@router.get("/tokens", response=list[TokenOut], summary="API tokens of the users you administer")
@paginate(Page)
def list_tokens(request: HttpRequest, filters: Query[TokenQuery]) -> Any:
    """Newest first. Admins see every token; managers their own and those of operators and
    client users."""
    user = user_of(request)
    require(user, "wms.use_tokens_api")
    tokens = selectors.tokens_managed_by(user)
    if filters.user_id is not None:
        tokens = tokens.filter(user_id=filters.user_id)
    if filters.active is not None:
        tokens = tokens.filter(revoked_at__isnull=filters.active)
    return tokens


@router.post("/tokens", response={201: NewTokenOut}, summary="Create an API token")
def create_token(
    request: HttpRequest, payload: TokenIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Makes a token for yourself or a user you administer (`user_id` or `email`) and answers
    201 with its secret, which is shown this once. A manager's token for an admin or another
    manager is 403, an unknown user 422, a deactivated one 400; nothing is written then.
    A repeat with the same Idempotency-Key answers the same token without its secret (it was
    never stored): if the first answer was lost, revoke that token and create another."""
    user = user_of(request)
    require(user, "wms.use_tokens_api")
    subject = _subject(user, payload)
    require(user, "wms.manage_tokens_of", subject)
    token, secret = create_api_token(
        by=user, user=subject, name=payload.name, idempotency_key=idempotency_key
    )
    token = _token(user, token.pk)
    token.secret = secret  # type: ignore[attr-defined]
    return Status(201, token)


@router.get("/tokens/{pk}", response=TokenOut, summary="An API token (never its secret)")
def get_token(request: HttpRequest, pk: IdParam) -> Any:
    user = user_of(request)
    require(user, "wms.use_tokens_api")
    return _token(user, pk)


@router.post("/tokens/{pk}/revoke", response=TokenOut, summary="Revoke an API token")
def revoke_token(request: HttpRequest, pk: IdParam) -> Any:
    """The token stops working at once (its next request is 401). Revoking again keeps the first
    revocation time. A token of a user you do not administer is 404 and stays active."""
    user = user_of(request)
    require(user, "wms.use_tokens_api")
    token = _token(user, pk)
    revoke_api_token(by=user, token=token)
    return _token(user, pk)
