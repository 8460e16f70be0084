"""The posting function in the database is the one inventory/sql/post_leg.sql defines: a change to
the file without a migration would leave existing databases on the old function."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import connection

SQL = Path(__file__).resolve().parents[2] / "inventory" / "sql" / "post_leg.sql"


def test_the_database_function_is_the_sql_file(acme: Any) -> None:
    text = SQL.read_text()
    body = text.split("$$", 2)[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE p.proname = 'inventory_post_leg' AND n.nspname = %s",
            [connection.schema_name],
        )
        (stored,) = cursor.fetchone()
    assert stored == body
