"""Pieces every API router uses, whichever app it belongs to: the token's user, 404 for what the
user may not see, pagination and the Idempotency-Key header. (inventory.api.common re-exports
them beside its own lookups.)"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from django.http import Http404, HttpRequest
from ninja import Header
from ninja.pagination import LimitOffsetPagination

from wms.idempotency.services import MAX_KEY_LENGTH

T = TypeVar("T")

MAX_PAGE = 500
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=MAX_KEY_LENGTH,
        description="Repeat a request with the same key to get its first result; nothing is "
        "written twice. The same key with a different body is refused (409).",
    ),
]


class Page(LimitOffsetPagination):
    """`limit` (default 50, at most 500) and `offset`; the response has `items` and `count`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE, **kwargs)


def user_of(request: HttpRequest) -> Any:
    """The user the bearer token acts as (set by wms.api.TokenAuth)."""
    return request.auth  # type: ignore[attr-defined]


def found(obj: T | None, message: str) -> T:
    if obj is None:
        raise Http404(message)
    return obj
