from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants import services


class Command(BaseCommand):
    help = "Migrate the public schema, make the public tenant and the template, migrate all."

    def handle(self, *args: object, **options: object) -> None:
        verbosity = int(str(options.get("verbosity", 1)))
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        services.ensure_public_tenant()
        services.ensure_template_tenant()
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS("Platform schemas are up to date."))
