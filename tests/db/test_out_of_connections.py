"""When no database connection can be had, requests answer 503 with Retry-After (the JSON error
envelope under /api/, a plain page elsewhere) instead of 500, and recover by themselves."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.db.conftest import database_url_of


def assert_unavailable(server: Any) -> None:
    api = server.get("acme.localhost", "/api/v1/me", headers={"Authorization": "Bearer fv_x_y"})
    assert api.status_code == 503
    assert api.headers["Retry-After"] == "5"
    assert api.headers["Content-Type"] == "application/json"
    assert api.json()["error"]["code"] == "unavailable"
    assert set(api.json()["error"]) == {"code", "message", "field_errors"}

    page = server.get("acme.localhost", "/accounts/login/")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Busy, try again" in page.text

    public = server.get("localhost", "/signup/")
    assert (public.status_code, public.headers["Retry-After"]) == (503, "5")


def test_pool_exhausted_past_its_timeout_answers_503_then_recovers(serve: Any) -> None:
    with serve(DB_POOL_MIN_SIZE="1", DB_POOL_MAX_SIZE="1", DB_POOL_TIMEOUT="1") as server:
        holder = threading.Thread(
            target=lambda: server.get("acme.localhost", "/__probe__/hold?seconds=6")
        )
        holder.start()
        time.sleep(1.0)  # the holder has the pool's only connection
        started = time.monotonic()
        assert_unavailable(server)
        # Each request waited about the pool's timeout, not gunicorn's or the client's.
        assert time.monotonic() - started < 5
        holder.join()
        assert server.get("acme.localhost", "/accounts/login/").status_code == 200


@pytest.fixture
def limited_role(django_db_setup: None) -> Iterator[str]:
    """A login role allowed one connection at a time (and the owner's privileges)."""
    name = f"fv_limited_{os.getpid()}"
    with psycopg.connect(database_url_of(), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN CONNECTION LIMIT 1").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("GRANT postgres TO {}").format(sql.Identifier(name)))
        try:
            yield name
        finally:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [name]
            )
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_postgresql_refusing_connections_answers_503_then_recovers(
    serve: Any, limited_role: str
) -> None:
    # Without the pool, each request connects (DB_CONN_MAX_AGE=0): PostgreSQL itself refuses
    # ("too many connections for role", SQLSTATE 53300) while the test holds the only slot.
    env = {"DB_POOL": "0", "DB_CONN_MAX_AGE": "0", "DATABASE_URL": database_url_of(limited_role)}
    with serve(**env) as server:
        with psycopg.connect(database_url_of(limited_role)):
            assert_unavailable(server)
        assert server.get("acme.localhost", "/accounts/login/").status_code == 200
