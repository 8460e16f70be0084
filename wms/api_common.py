"""Pieces every API router uses, whichever app it belongs to: the token's user (and the check that
they hold a permission), 404 for what the user may not see, pagination, the Idempotency-Key header
and creates that run once per key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from django.db import models
from django.http import Http404, HttpRequest
from ninja import Header, Schema

from wms.idempotency.services import AS_JSON, MAX_KEY_LENGTH, model_codec, run_once
from wms.pagination import Page as Page
from wms.permissions import require
from wms.validation import Text

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

IdempotencyKey = Annotated[
    Text | None,
    Header(
        alias="Idempotency-Key",
        max_length=MAX_KEY_LENGTH,
        description="Repeat a request with the same key to get its first result; nothing is "
        "written twice. The same key with a different body is refused (409).",
    ),
]


def user_of(request: HttpRequest) -> Any:
    """The user the bearer token acts as (set by wms.api.TokenAuth)."""
    return request.auth  # type: ignore[attr-defined]


def found(obj: T | None, message: str) -> T:
    if obj is None:
        raise Http404(message)
    return obj


def staff_user(request: HttpRequest, perm: str) -> Any:
    """The token's user, or 403 unless they hold `perm` (checked before anything is read)."""
    user = user_of(request)
    require(user, perm)
    return user


def create_once(
    request: HttpRequest,
    *,
    key: str | None,
    scope: str,
    payload: Schema,
    model: type[M],
    create: Callable[[], M],
) -> M:
    """Runs a create at most once per Idempotency-Key: a repeated request gets the object the
    first one made instead of a duplicate-code error."""
    return run_once(
        user=user_of(request),
        key=key,
        scope=scope,
        payload=payload.model_dump(mode="json"),
        action=create,
        result=model_codec(model),
    )


def create_many_once(
    request: HttpRequest,
    *,
    key: str | None,
    scope: str,
    payload: Schema,
    create: Callable[[], list[M]],
) -> list[int]:
    """Like create_once for a batch: the primary keys of the objects the first request made."""
    return run_once(
        user=user_of(request),
        key=key,
        scope=scope,
        payload=payload.model_dump(mode="json"),
        action=lambda: [obj.pk for obj in create()],
        result=AS_JSON,
    )
