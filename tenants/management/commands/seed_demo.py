from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import tenant_context

from tenants import services
from tenants.models import Tenant, TenantStatus

DEMO_PASSWORD = "demo-pass-123"


class Command(BaseCommand):
    help = (
        "Create (or top up) the demo tenant and run each app's demo.seed(), in app order. "
        "Idempotent: run it as often as you like."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", default="demo")
        parser.add_argument("--password", default=DEMO_PASSWORD)

    def handle(self, *args: object, **options: str) -> None:
        slug = options["slug"]
        services.ensure_public_tenant()
        services.ensure_template_tenant()
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            tenant = services.register_tenant(
                name="Demo Logistics",
                slug=slug,
                admin_email=f"admin@{slug}.test",
                password=options["password"],
            )
        if tenant.status != TenantStatus.READY:
            tenant = services.provision_tenant(tenant.pk)
            if tenant.status != TenantStatus.READY:
                raise CommandError(f"Provisioning failed: {tenant.failure_reason}")
        with tenant_context(tenant):
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(password=options["password"], stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo tenant {slug} is ready."))
