"""`manage.py retry_tenant <slug>…`: recovers a stuck sign-up by hand, with no worker needed."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants import services
from tenants.models import Domain, Tenant, TenantStatus

pytestmark = pytest.mark.usefixtures("public")


def register(slug: str, status: str = TenantStatus.PENDING, **fields: Any) -> Tenant:
    tenant = services.register_tenant(
        name=slug, slug=slug, admin_email=f"a@{slug}.test", password="a-long-secret-99"
    )
    Tenant.objects.filter(pk=tenant.pk).update(status=status, **fields)
    return tenant


def retry(*args: str) -> str:
    out = io.StringIO()
    try:
        call_command("retry_tenant", *args, stdout=out)
    finally:
        connection.set_schema_to_public()
    return out.getvalue()


def test_pending_and_failed_tenants_are_provisioned_at_once() -> None:
    register("queued-co")
    register("broken-co", TenantStatus.FAILED, failure_reason="RuntimeError: disk full")

    output = retry("queued-co", "broken-co")

    assert "queued-co: ready at queued-co.localhost" in output
    assert "broken-co: ready at broken-co.localhost" in output
    tenants = Tenant.objects.filter(slug__in=["queued-co", "broken-co"])
    assert {(t.status, t.failure_reason) for t in tenants} == {(TenantStatus.READY, "")}
    assert schema_exists("queued_co") and schema_exists("broken_co")
    assert Domain.objects.filter(tenant__in=tenants).count() == 2


def test_a_run_a_live_worker_holds_is_left_alone_and_says_so() -> None:
    tenant = register("busy-co", TenantStatus.PROVISIONING, progress="Creating the admin user")
    with pytest.raises(CommandError, match="busy-co is being provisioned by a worker right now"):
        retry("busy-co")
    tenant.refresh_from_db()
    assert (tenant.status, tenant.progress) == (
        TenantStatus.PROVISIONING,
        "Creating the admin user",
    )
    assert not schema_exists("busy_co")


def test_a_run_silent_for_ten_minutes_is_taken_as_dead_and_redone() -> None:
    register(
        "dead-co",
        TenantStatus.PROVISIONING,
        progress_at=timezone.now() - services.STALE_PROVISIONING_AFTER - timedelta(seconds=5),
    )
    assert "dead-co: ready" in retry("dead-co")
    assert Tenant.objects.get(slug="dead-co").status == TenantStatus.READY


def test_ready_tenant_is_left_as_it_is() -> None:
    acme = Tenant.objects.get(slug="acme")
    assert "acme: already ready, nothing to do." in retry("acme")
    assert Tenant.objects.get(slug="acme").ready_at == acme.ready_at


def test_unknown_slug_changes_nothing() -> None:
    register("queued-co")
    with pytest.raises(CommandError, match="No tenant with slug nosuch"):
        retry("queued-co", "nosuch")
    assert Tenant.objects.get(slug="queued-co").status == TenantStatus.PENDING
    assert not schema_exists("queued_co")


def test_queue_hands_it_to_the_workers(django_capture_on_commit_callbacks: Any) -> None:
    register("queued-co", TenantStatus.FAILED, failure_reason="boom")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        output = retry("queued-co", "--queue")
    assert "queued-co: queued for the workers." in output
    tenant = Tenant.objects.get(slug="queued-co")
    assert (tenant.status, tenant.failure_reason) == (TenantStatus.PENDING, "")
    assert len(callbacks) == 1
    callbacks[0]()  # the worker (eager in tests)
    assert Tenant.objects.get(slug="queued-co").status == TenantStatus.READY
    connection.set_schema_to_public()
