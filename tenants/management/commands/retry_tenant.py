from typing import cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants import services
from tenants.models import Tenant, TenantStatus


class Command(BaseCommand):
    help = (
        "Provision tenants whose sign-up is stuck (queued, failed, or a build whose worker died) "
        "now, in this process: no worker or broker needed. --queue hands them to the workers "
        "instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="+", metavar="slug")
        parser.add_argument(
            "--queue", action="store_true", help="Send the provisioning task to the workers."
        )

    def handle(self, *args: object, **options: object) -> None:
        slugs = cast(list[str], options["slugs"])
        tenants = {t.slug: t for t in Tenant.objects.filter(slug__in=slugs)}
        if unknown := [slug for slug in slugs if slug not in tenants]:
            raise CommandError(f"No tenant with slug {', '.join(unknown)}.")
        services.ensure_template_tenant()
        failures = []
        for slug in slugs:
            tenant = tenants[slug]
            if tenant.status == TenantStatus.READY:
                self.stdout.write(f"{slug}: already ready, nothing to do.")
                continue
            if tenant.status == TenantStatus.TEMPLATE or slug == "public":
                failures.append(f"{slug} is not a customer tenant")
                continue
            if options["queue"]:
                if services.retry_provisioning(tenant):
                    self.stdout.write(f"{slug}: queued for the workers.")
                else:
                    failures.append(f"{slug} is being provisioned by a worker right now")
                continue
            tenant = services.provision_now(tenant)
            if tenant.status == TenantStatus.PROVISIONING:
                failures.append(
                    f"{slug} is being provisioned by a worker right now ({tenant.progress}); "
                    "a run silent for 10 minutes is taken as dead and can be retried"
                )
            elif tenant.status == TenantStatus.READY:
                self.stdout.write(
                    self.style.SUCCESS(f"{slug}: ready at {services.tenant_domain(slug)}")
                )
            else:
                failures.append(f"{slug}: {tenant.failure_reason or tenant.progress}")
        if failures:
            raise CommandError("Not provisioned: " + "; ".join(failures))
