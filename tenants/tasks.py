from celery import shared_task

from tenants import services


@shared_task(name="tenants.provision_tenant")
def provision_tenant_task(tenant_pk: int) -> str:
    """Provisions one tenant; safe to run twice (see services.provision_tenant)."""
    return services.provision_tenant(tenant_pk).status
