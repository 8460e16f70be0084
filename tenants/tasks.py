from celery import shared_task

from tenants import services


@shared_task(name="tenants.provision_tenant")
def provision_tenant_task(tenant_pk: int) -> str:
    """Provisions one tenant; safe to run twice (see services.provision_tenant)."""
    return services.provision_tenant(tenant_pk).status


@shared_task(name="tenants.requeue_stalled_tenants")
def requeue_stalled_tenants_task() -> list[int]:
    """The sweeper (beat, pinned to the public schema): provisioning sent again for tenants
    whose task never reached a worker or whose worker died (services.requeue_stalled_tenants)."""
    return services.requeue_stalled_tenants()
