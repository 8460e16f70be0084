from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.timesince import timesince

from tenants import selectors, services
from tenants.models import Tenant, TenantStatus


class Command(BaseCommand):
    help = (
        "Migrate the public schema, make the public tenant and the template, migrate the template "
        "and every ready tenant. Tenants without a schema yet (queued, being built, failed) are "
        "skipped and reported with the command that retries them."
    )

    def handle(self, *args: object, **options: object) -> None:
        verbosity = int(str(options.get("verbosity", 1)))
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        services.ensure_public_tenant()
        services.ensure_template_tenant()
        # One schema at a time, by name: migrate_schemas without a name takes every tenant row,
        # and a sign-up that has no schema yet would stop every start-up.
        for schema_name in selectors.schemas_to_migrate():
            call_command(
                "migrate_schemas",
                tenant=True,
                schema_name=schema_name,
                interactive=False,
                verbosity=verbosity,
            )
        self.report_skipped(list(selectors.unbuilt_tenants()))
        for tenant in selectors.ready_tenants_without_schema():
            self.stderr.write(
                self.style.ERROR(
                    f"Tenant {tenant.slug} is ready but its schema {tenant.schema_name} is "
                    "missing; its site fails until the schema is restored from a backup."
                )
            )
        self.stdout.write(self.style.SUCCESS("Platform schemas are up to date."))

    def report_skipped(self, tenants: list[Tenant]) -> None:
        if not tenants:
            return
        now = timezone.now()
        lines = [f"Skipped {len(tenants)} tenants without a schema (nothing to migrate yet):"]
        for tenant in tenants:
            if tenant.status == TenantStatus.FAILED:
                state = f"failed: {tenant.failure_reason or 'no reason recorded'}"
            else:
                state = (
                    f"{tenant.status} for {timesince(tenant.progress_at, now)}: "
                    f"{tenant.progress or 'queued'}"
                )
            lines.append(f"  {tenant.slug}  {state}")
        slugs = " ".join(sorted(tenant.slug for tenant in tenants))
        lines += [
            f"Retry them now with: manage.py retry_tenant {slugs}",
            "(with a Celery worker and beat running, queued ones are also sent again every "
            "minute; failed ones wait for a retry, from their sign-up page or this command)",
        ]
        self.stdout.write(self.style.WARNING("\n".join(lines)))
