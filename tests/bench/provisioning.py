"""Tenant provisioning: cloning the template schema (what sign-up does) against replaying every
migration (django-tenants' default), both measured here, now."""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.core.management import call_command
from django.db import connection as _connection
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings

from tenants import services
from tenants.models import TenantStatus

connection: Any = _connection
GOAL_SECONDS = 2.0


def _provision(slug: str) -> float:
    tenant = services.register_tenant(
        name=slug, slug=slug, admin_email=f"a@{slug}.test", password="bench-pass-123"
    )
    started = time.perf_counter()
    tenant = services.provision_tenant(tenant.pk)
    elapsed = time.perf_counter() - started
    assert tenant.status == TenantStatus.READY, tenant.failure_reason
    return elapsed


def run(rounds: int = 5) -> None:
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    services.ensure_public_tenant()
    services.ensure_template_tenant()
    migrations = len(MigrationLoader(connection).disk_migrations)
    clone = [_provision(f"clone-{n}") for n in range(rounds)]
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        replay = [_provision(f"replay-{n}") for n in range(rounds)]
    clone_median, replay_median = statistics.median(clone), statistics.median(replay)
    print(f"\nTenant provisioning ({migrations} migrations, {rounds} tenants each)")
    print(
        f"  clone template + fake migrations: median {clone_median:.2f} s, max {max(clone):.2f} s"
    )
    print(
        f"  replay all migrations (baseline): median {replay_median:.2f} s, max {max(replay):.2f} s"
    )
    print(f"  ratio clone/replay: {clone_median / replay_median:.2f}")
    verdict = "met" if max(clone) <= GOAL_SECONDS else "MISSED"
    print(f"  goal: every provisioning <= {GOAL_SECONDS:.1f} s: {verdict}")
