"""Database connections: psycopg's pool in production settings, persistent connections where the
pool is off, and the settings both are read from (wms/settings). Imports no Django model, so the
settings modules can import it."""

from __future__ import annotations

import os
from typing import Any

import dj_database_url

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fluxvantage"


def reset_search_path(conn: Any) -> None:
    """The pool's reset: a connection goes back to the pool with the server's default
    search_path. django-tenants sets the tenant's path again before the next borrower's first
    query; should that ever be skipped, the query then finds no tenant's tables at all rather
    than the previous borrower's."""
    conn.execute("RESET search_path")
    if not conn.autocommit:
        conn.commit()


def database_from_env(
    environ: Any = os.environ, *, pool_by_default: bool, conn_max_age_by_default: int
) -> dict[str, Any]:
    """The default database, from DATABASE_URL and:
    DB_POOL (1/0): psycopg's pool in each process, DB_POOL_MIN_SIZE (default 1) to
      DB_POOL_MAX_SIZE (default 4) connections; a request waits DB_POOL_TIMEOUT seconds (default
      5) for one, then answers 503 (wms.middleware.DatabaseUnavailableMiddleware);
    without the pool, DB_CONN_MAX_AGE: seconds a connection is kept for the next request.
    Either way a kept connection is checked before reuse (CONN_HEALTH_CHECKS), so one that a
    PostgreSQL restart broke is replaced instead of failing a request."""
    database: dict[str, Any] = dict(
        dj_database_url.parse(
            environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            engine="django_tenants.postgresql_backend",
            conn_max_age=0,
            conn_health_checks=True,
        )
    )
    if environ.get("DB_POOL", "1" if pool_by_default else "0").lower() in {
        "1",
        "true",
        "yes",
        "on",
    }:
        # Django refuses a pool together with persistent connections: the pool keeps them.
        database["CONN_MAX_AGE"] = 0
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(environ.get("DB_POOL_MIN_SIZE", "1")),
            "max_size": int(environ.get("DB_POOL_MAX_SIZE", "4")),
            "timeout": float(environ.get("DB_POOL_TIMEOUT", "5")),
            "reset": reset_search_path,
        }
    else:
        database["CONN_MAX_AGE"] = int(environ.get("DB_CONN_MAX_AGE", str(conn_max_age_by_default)))
    return database
