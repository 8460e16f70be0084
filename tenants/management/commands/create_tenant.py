from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants import services
from tenants.models import TenantStatus


class Command(BaseCommand):
    help = "Create and provision a tenant now (schema, admin user, domain)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--password", required=True)

    def handle(self, *args: object, **options: str) -> None:
        services.ensure_public_tenant()
        services.ensure_template_tenant()
        try:
            tenant = services.register_tenant(
                name=options["name"],
                slug=options["slug"],
                admin_email=options["admin_email"],
                password=options["password"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        tenant = services.provision_tenant(tenant.pk)
        if tenant.status != TenantStatus.READY:
            raise CommandError(f"Provisioning failed: {tenant.failure_reason}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Tenant {tenant.slug} is ready at {services.tenant_domain(tenant.slug)}"
            )
        )
