"""The beat scheduler (imported by `celery beat` only, once Django is set up)."""

from django.db.models import QuerySet
from tenant_schemas_celery.scheduler import TenantAwareScheduler


class ReadyTenantsScheduler(TenantAwareScheduler):
    """Periodic tasks go to ready tenants only: never the template or a half-built schema."""

    @classmethod
    def get_queryset(cls) -> QuerySet:
        from django_tenants.utils import get_tenant_model

        return get_tenant_model().objects.filter(status="ready")
