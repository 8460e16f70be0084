"""Reads of the tenant registry."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from tenants.models import Tenant, TenantStatus

# Built and reachable (or the template new tenants are cloned from): these are migrated.
MIGRATED_STATUSES = (TenantStatus.READY, TenantStatus.TEMPLATE)


def schemas_to_migrate() -> list[str]:
    """The schemas `setup_platform` migrates: the template and every ready tenant whose schema
    exists, in a stable order. A tenant still pending, being built or failed has no schema to
    migrate yet (provisioning clones the migrated template), so it never blocks a start-up."""
    names = (
        Tenant.objects.filter(status__in=MIGRATED_STATUSES)
        .exclude(schema_name=get_public_schema_name())
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )
    existing = existing_schemas()
    return [name for name in names if name in existing]


def unbuilt_tenants() -> QuerySet[Tenant]:
    """Tenants without a usable schema: pending, being provisioned or failed, oldest first."""
    return Tenant.objects.filter(
        status__in=[TenantStatus.PENDING, TenantStatus.PROVISIONING, TenantStatus.FAILED]
    ).order_by("created_at", "pk")


def ready_tenants_without_schema() -> list[Tenant]:
    """Ready tenants whose schema is gone (restored from the wrong backup, dropped by hand)."""
    tenants = Tenant.objects.filter(status=TenantStatus.READY).exclude(
        schema_name=get_public_schema_name()
    )
    existing = existing_schemas()
    return [tenant for tenant in tenants.order_by("pk") if tenant.schema_name not in existing]


def existing_schemas() -> set[str]:
    """Every schema in the database, in one query (not one per tenant)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {name for (name,) in cursor.fetchall()}
