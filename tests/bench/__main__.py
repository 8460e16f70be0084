"""`make bench`: performance figures, each beside a baseline measured in the same run.

Runs against its own database (<server>/fluxvantage_bench, recreated each run; env BENCH_DB
names another, so parallel checkouts never share one) on the server that DATABASE_URL names,
so figures never mix with a dev or test database.

    python -m tests.bench                  # every benchmark
    python -m tests.bench picking ledger   # only these, in this order"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = os.environ.get("BENCH_DB", "fluxvantage_bench")
BENCHES = (
    "provisioning",
    "ledger",
    "cartonization",
    "picking",
    "billing",
    "webhooks",
    "channels",
    "pageweight",
    "portal",
    "desk",
    "work_queue",
)


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


def _prepare_public_schema() -> None:
    """What the provisioning benchmark does first; needed when it is not selected."""
    from django.core.management import call_command

    from tenants import services

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    services.ensure_public_tenant()
    services.ensure_template_tenant()


def main(argv: list[str]) -> int:
    selected = argv or list(BENCHES)
    unknown = [name for name in selected if name not in BENCHES]
    if unknown:
        print(f"Unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHES)}.")
        return 2
    url = _bench_database_url()
    _recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wms.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from tests.bench import (
        billing,
        cartonization,
        channels,
        desk,
        ledger,
        pageweight,
        picking,
        portal,
        provisioning,
        webhooks,
        work_queue,
    )

    print(f"FluxVantage benchmarks on {urlsplit(url).hostname or 'socket'} (db {BENCH_DB})")
    if "provisioning" not in selected:
        _prepare_public_schema()
    runs = {
        "provisioning": provisioning.run,
        "ledger": ledger.run,
        "cartonization": cartonization.run,
        "picking": picking.run,
        "billing": billing.run,
        "webhooks": webhooks.run,
        "channels": channels.run,
        "pageweight": pageweight.run,
        "portal": portal.run,
        "desk": desk.run,
        "work_queue": work_queue.run,
    }
    for name in selected:
        runs[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
