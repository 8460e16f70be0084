""" "Nothing was written": every row of the floor apps (and idempotency keys), counted in one query
before and after a refused request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connection

WRITTEN_APPS = ("inventory", "receiving", "picking", "shipping", "idempotency")


def row_counts() -> dict[str, int]:
    """Rows per table of the written apps, in the active tenant's schema."""
    tables = [
        model._meta.db_table
        for label in WRITTEN_APPS
        for model in apps.get_app_config(label).get_models()
    ]
    sql = " UNION ALL ".join(f"SELECT '{table}', count(*) FROM {table}" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


@contextmanager
def nothing_written() -> Iterator[None]:
    """Asserts that the block leaves every table of the floor apps with the rows it had."""
    before = row_counts()
    yield
    after = row_counts()
    assert after == before, {t: (before[t], after[t]) for t in before if before[t] != after[t]}
