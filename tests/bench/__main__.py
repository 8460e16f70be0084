"""`make bench`: performance figures, each beside a baseline measured in the same run.

Runs against its own database (<server>/fluxvantage_bench, recreated each run) on the server
that DATABASE_URL names, so figures never mix with a dev or test database."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = "fluxvantage_bench"


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fluxvantage")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def _recreate_database(url: str) -> None:
    import psycopg

    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def main() -> int:
    url = _bench_database_url()
    _recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wms.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from tests.bench import cartonization, ledger, provisioning

    print(f"FluxVantage benchmarks on {urlsplit(url).hostname or 'socket'} (db {BENCH_DB})")
    provisioning.run()
    ledger.run()
    cartonization.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
