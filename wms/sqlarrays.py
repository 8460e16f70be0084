"""Array parameters for set-based statements (`unnest(%s::bigint[])`, `= ANY(%s)`), written as
one PostgreSQL array literal. psycopg, binding on the client as Django has it, quotes a list
element by element in Python: for a wave's 10,000-element arrays that cost more than the
database's work on them. A literal built with str.join is a single text parameter."""

from __future__ import annotations

from collections.abc import Iterable


def int_array(values: Iterable[int | None]) -> str:
    """`{1,2,NULL}` for `%s::bigint[]` or `%s::int[]`."""
    return "{" + ",".join("NULL" if v is None else str(int(v)) for v in values) + "}"
