"""The one pagination of every API list: `limit` and `offset`, both bounded (a 422 beyond), so
no offset reaches PostgreSQL as a number its bigint cannot hold."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from wms.validation import INT_MAX, IntParam

MAX_PAGE = 500
DEFAULT_PAGE = 50


class Page(LimitOffsetPagination):
    """`limit` (default 50, at most 500) and `offset` (at most 2**31-1); the response has
    `items` and `count`."""

    class Input(Schema):
        limit: IntParam = Field(DEFAULT_PAGE, ge=1, le=MAX_PAGE, description="At most 500.")
        offset: IntParam = Field(0, ge=0, le=INT_MAX)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE, **kwargs)
