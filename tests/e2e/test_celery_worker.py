"""A real worker runs each task in the schema it was sent from (tenant-schemas-celery carries the
sender's schema in the `_schema_name` header)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tests.live import LiveStack

pytestmark = pytest.mark.worker

RESULT_TIMEOUT_SECONDS = 10


def test_task_sent_from_a_tenant_schema_runs_in_that_tenant(live_stack: LiveStack) -> None:
    with live_stack.celery_client() as client:
        # Only sets the connection's schema name: the test database is never queried.
        with schema_context("demo"):
            result = client.send_task("wms.ping")
        assert result.get(timeout=RESULT_TIMEOUT_SECONDS) == "demo"


def test_task_sent_from_the_public_schema_runs_in_public(live_stack: LiveStack) -> None:
    with live_stack.celery_client() as client:
        result = client.send_task("wms.ping")
        assert result.get(timeout=RESULT_TIMEOUT_SECONDS) == "public"


def test_explicit_schema_header_wins_over_the_senders_schema(live_stack: LiveStack) -> None:
    with live_stack.celery_client() as client:
        result = client.send_task("wms.ping", headers={"_schema_name": "demo"})
        assert result.get(timeout=RESULT_TIMEOUT_SECONDS) == "demo"
