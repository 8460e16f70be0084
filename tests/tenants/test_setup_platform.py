"""`manage.py setup_platform` (make run, the compose stack's migrate step) with tenants whose
schema does not exist: a sign-up whose task never reached a worker, and a failed one. They are
skipped and reported with the command that retries them; the start-up is not blocked."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists

from tenants import services
from tenants.models import Tenant, TenantStatus

pytestmark = pytest.mark.usefixtures("public")


def register(slug: str) -> Tenant:
    return services.register_tenant(
        name=slug.title(), slug=slug, admin_email=f"boss@{slug}.test", password="a-long-secret-99"
    )


def setup_platform() -> str:
    out = io.StringIO()
    call_command("setup_platform", verbosity=0, stdout=out)
    connection.set_schema_to_public()
    return out.getvalue()


def test_pending_and_failed_tenants_are_skipped_and_reported_with_the_retry() -> None:
    pending = register("queued-co")
    failed = register("broken-co")
    Tenant.objects.filter(pk=failed.pk).update(
        status=TenantStatus.FAILED, failure_reason="RuntimeError: disk full"
    )
    assert not schema_exists("queued_co") and not schema_exists("broken_co")

    output = setup_platform()

    assert "Platform schemas are up to date." in output
    assert "Skipped 2 tenants without a schema" in output
    assert "queued-co" in output and "pending" in output
    assert "broken-co" in output and "failed: RuntimeError: disk full" in output
    assert "manage.py retry_tenant broken-co queued-co" in output
    # Skipping changed nothing about them: still waiting, still no schema.
    statuses = dict(
        Tenant.objects.filter(pk__in=[pending.pk, failed.pk]).values_list("slug", "status")
    )
    assert statuses == {"queued-co": TenantStatus.PENDING, "broken-co": TenantStatus.FAILED}
    assert not schema_exists("queued_co") and not schema_exists("broken_co")


def test_ready_tenants_are_still_migrated(monkeypatch: pytest.MonkeyPatch) -> None:
    register("queued-co")
    migrated: list[str] = []
    from django_tenants.migration_executors import standard

    real = standard.run_migrations

    def record(
        args: object, options: object, codename: str, schema_name: str, **kw: object
    ) -> None:
        migrated.append(schema_name)
        real(args, options, codename, schema_name, **kw)

    monkeypatch.setattr(standard, "run_migrations", record)
    setup_platform()
    assert set(migrated) == {"public", "tenant_template", "acme", "globex", "ledgerlab"}


def test_nothing_skipped_reports_nothing() -> None:
    output = setup_platform()
    assert "Skipped" not in output
    assert "Platform schemas are up to date." in output
