"""Pieces every API router uses, whichever app it belongs to: the token's user, 404 for what the
user may not see, pagination and the Idempotency-Key header."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from django.http import Http404, HttpRequest
from ninja import Header

from wms.idempotency.services import MAX_KEY_LENGTH
from wms.pagination import Page as Page
from wms.validation import Text

T = TypeVar("T")

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
