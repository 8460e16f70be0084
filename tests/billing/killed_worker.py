"""A rating worker that stops for good right after writing its batch's lines (uncommitted), for
tests/billing/test_exactly_once.py to kill. Its own module: a spawned process imports it before
Django is set up, so it imports nothing of the project at the top."""

from __future__ import annotations

import os
import time
from typing import Any


def run(database_url: str, schema: str, ready: Any) -> None:
    # The test's own server, wherever devstack found it (a private cluster may use another port).
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "wms.settings.test"
    import django

    django.setup()
    from django.db import connection

    from billing.services import rating
    from tenants.models import Tenant

    connection.set_tenant(Tenant.objects.get(schema_name=schema))
    real = rating._rate_batch

    def write_then_hang(cursor: Any, period: Any) -> Any:
        result = real(cursor, period)
        # The server notices a vanished client within 100 ms, even mid-statement.
        cursor.execute("SET client_connection_check_interval = '100ms'")
        ready.set()
        cursor.execute("SELECT pg_sleep(60)")
        return result

    rating._rate_batch = write_then_hang  # type: ignore[assignment]
    # The outbox's horizon is the oldest writing transaction of the whole PostgreSQL cluster:
    # another session's open transaction can hold the batch back for a while.
    deadline = time.monotonic() + 180
    while not ready.is_set() and time.monotonic() < deadline:
        rating.rate_pending(batch_size=1000)
        time.sleep(0.2)
