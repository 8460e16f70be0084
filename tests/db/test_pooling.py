"""Production settings pool connections (psycopg's pool, one per process) while django-tenants
switches search_path per request with TENANT_LIMIT_SET_CALLS on: requests for two tenants,
alternating through a pool of ONE connection, each read their own tenant's rows only."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from wms.dbpool import database_from_env

TENANTS = ("acme", "globex")


def read_users(server: Any, slug: str) -> dict[str, Any]:
    response = server.get(f"{slug}.localhost", "/__probe__/tenant-users")
    assert response.status_code == 200, response.text
    return response.json()


def test_two_tenants_alternating_through_one_pooled_connection_never_read_each_other(
    serve: Any,
) -> None:
    with serve(DB_POOL_MIN_SIZE="1", DB_POOL_MAX_SIZE="1") as server:
        one_by_one = [read_users(server, TENANTS[i % 2]) for i in range(20)]
        with ThreadPoolExecutor(max_workers=4) as threads:
            interleaved = list(threads.map(lambda i: read_users(server, TENANTS[i % 2]), range(40)))

    for answers in (one_by_one, interleaved):
        for i, answer in enumerate(answers):
            slug = TENANTS[i % 2]
            assert (answer["tenant"], answer["emails"]) == (slug, [f"owner@{slug}.test"])
    # All of it through one server process: the pool's only connection, passed between tenants.
    assert len({answer["backend_pid"] for answer in one_by_one + interleaved}) == 1


def test_production_settings_pool_by_default_and_keep_connections_without_it() -> None:
    url = "postgres://u@db:5432/fv"
    pooled = database_from_env(
        {"DATABASE_URL": url, "DB_POOL_MAX_SIZE": "6", "DB_POOL_TIMEOUT": "2"},
        pool_by_default=True,
        conn_max_age_by_default=60,
    )
    assert pooled["CONN_MAX_AGE"] == 0
    assert pooled["CONN_HEALTH_CHECKS"] is True
    pool = pooled["OPTIONS"]["pool"]
    assert (pool["min_size"], pool["max_size"], pool["timeout"]) == (1, 6, 2.0)
    assert pool["reset"].__name__ == "reset_search_path"

    kept = database_from_env(
        {"DATABASE_URL": url, "DB_POOL": "0"}, pool_by_default=True, conn_max_age_by_default=60
    )
    assert "pool" not in kept.get("OPTIONS", {})
    assert (kept["CONN_MAX_AGE"], kept["CONN_HEALTH_CHECKS"]) == (60, True)


def test_prod_settings_module_pools_and_answers_503_first(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import sys

    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.delenv("DB_POOL", raising=False)
    sys.modules.pop("wms.settings.prod", None)
    try:
        prod = importlib.import_module("wms.settings.prod")
        assert "pool" in prod.DATABASES["default"]["OPTIONS"]
        assert prod.TENANT_LIMIT_SET_CALLS is True
        # Outermost only the HTML compression, which touches no database.
        assert prod.MIDDLEWARE[:5] == [
            "wms.middleware.CompressPagesMiddleware",
            "wms.middleware.DatabaseUnavailableMiddleware",
            "django_tenants.middleware.main.TenantMainMiddleware",
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
        ]
    finally:
        sys.modules.pop("wms.settings.prod", None)
