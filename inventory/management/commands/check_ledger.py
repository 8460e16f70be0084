from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import get_tenant_model, tenant_context

from inventory.reconcile import check_and_record


class Command(BaseCommand):
    help = (
        "Recompute every balance from the ledger, for one tenant or all; print any drift and "
        "exit non-zero if there is some."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="slug of one tenant (default: all ready tenants)")

    def handle(self, *args: object, **options: str | None) -> None:
        tenants = get_tenant_model().objects.filter(status="ready").exclude(schema_name="public")
        if options["tenant"]:
            tenants = tenants.filter(slug=options["tenant"])
            if not tenants.exists():
                raise CommandError(f"No ready tenant “{options['tenant']}”.")
        drifted = 0
        for tenant in tenants.order_by("slug"):
            with tenant_context(tenant):
                result = check_and_record()
            if result.drift_count:
                drifted += 1
                self.stdout.write(
                    self.style.ERROR(f"{tenant.slug}: {result.drift_count} balances drifted")
                )
                for row in result.drift:
                    self.stdout.write(f"  {row}")
            else:
                self.stdout.write(
                    f"{tenant.slug}: {result.balances_checked} balances match the ledger"
                )
        if drifted:
            raise CommandError(f"Drift found in {drifted} tenant(s).")
