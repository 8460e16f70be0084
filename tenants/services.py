"""Writes to the tenant registry: sign-up, provisioning and its retry."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection as _connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_exists, tenant_context
from kombu.exceptions import OperationalError as KombuOperationalError

from tenants.models import Domain, Tenant, TenantStatus
from tenants.slugs import normalize_slug, schema_name_for, validate_slug

logger = logging.getLogger(__name__)
# django-tenants' wrapper (schema_name, set_tenant, set_schema_to_public); untyped in the stubs.
connection: Any = _connection

# A provisioning run that has said nothing for this long is taken as dead (its worker died).
STALE_PROVISIONING_AFTER = timedelta(minutes=10)
# A tenant still queued after this long is taken as never sent (the broker was down) or lost; the
# sweeper sends its task again. A repeat is harmless: provisioning claims the tenant first.
PENDING_REQUEUE_AFTER = timedelta(minutes=1)
WAITING_FOR_WORKER = "Queued: waiting for a worker"


def tenant_domain(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def check_slug_available(slug: str) -> None:
    """Raises ValidationError when the slug breaks the rules or is taken."""
    validate_slug(slug)
    schema_name = schema_name_for(slug)
    if (
        Tenant.objects.filter(slug=slug).exists()
        or Tenant.objects.filter(schema_name=schema_name).exists()
        or Domain.objects.filter(domain=tenant_domain(slug)).exists()
    ):
        raise ValidationError(f"“{slug}” is already taken. Choose another.", code="taken")


@transaction.atomic
def register_tenant(*, name: str, slug: str, admin_email: str, password: str) -> Tenant:
    """Registers a pending tenant (no schema yet). Writes nothing when the slug is invalid or
    taken; the unique constraints back the check against a concurrent sign-up."""
    slug = normalize_slug(slug)
    check_slug_available(slug)
    tenant = Tenant(
        name=name.strip(),
        slug=slug,
        schema_name=schema_name_for(slug),
        admin_email=admin_email.strip().lower(),
        pending_admin_password=make_password(password),
        status=TenantStatus.PENDING,
        progress="Queued",
    )
    tenant.save()
    return tenant


@transaction.atomic
def request_signup(*, name: str, slug: str, admin_email: str, password: str) -> Tenant:
    """The public sign-up: registers the tenant and queues its provisioning after commit, so the
    request returns at once and a worker builds the schema."""
    tenant = register_tenant(name=name, slug=slug, admin_email=admin_email, password=password)
    _queue_provisioning(tenant.pk)
    return tenant


def _retryable() -> Q:
    """Tenants a retry may take: failed ones, still queued ones, and provisioning runs that
    have been silent so long that their worker is taken as dead."""
    stale_before = timezone.now() - STALE_PROVISIONING_AFTER
    return Q(status__in=[TenantStatus.FAILED, TenantStatus.PENDING]) | Q(
        status=TenantStatus.PROVISIONING, progress_at__lt=stale_before
    )


@transaction.atomic
def retry_provisioning(tenant: Tenant) -> bool:
    """Queues a failed, still queued or stalled provisioning again; False when there is nothing
    to retry (the tenant is ready, or a worker is building it right now)."""
    if not _reset_to_pending(Tenant.objects.filter(pk=tenant.pk), "Queued again"):
        return False
    _queue_provisioning(tenant.pk)
    return True


def provision_now(tenant: Tenant) -> Tenant:
    """Provisions a stuck tenant in this process (manage.py retry_tenant): no worker or broker
    needed. A tenant a live worker is building right now is left to it."""
    with transaction.atomic():
        _reset_to_pending(Tenant.objects.filter(pk=tenant.pk), "Provisioning by hand")
    return provision_tenant(tenant.pk)


def _reset_to_pending(tenants: QuerySet[Tenant], progress: str) -> list[int]:
    """Puts the retryable ones among `tenants` back in the queue, under their row locks (a
    conditional UPDATE: a worker that claims one meanwhile wins); returns their pks."""
    pks = list(tenants.filter(_retryable()).select_for_update().values_list("pk", flat=True))
    Tenant.objects.filter(pk__in=pks).filter(_retryable()).update(
        status=TenantStatus.PENDING,
        progress=progress,
        failure_reason="",
        progress_at=timezone.now(),
    )
    return pks


@transaction.atomic
def requeue_stalled_tenants() -> list[int]:
    """The sweeper: sends provisioning again for tenants queued longer than
    PENDING_REQUEUE_AFTER (their task never reached a broker or a worker) and for runs silent
    longer than STALE_PROVISIONING_AFTER (their worker died). Failed tenants wait for a person:
    their failure has a reason that a blind retry would repeat. Returns the tenants' pks."""
    now = timezone.now()
    stalled = Tenant.objects.filter(
        Q(status=TenantStatus.PENDING, progress_at__lt=now - PENDING_REQUEUE_AFTER)
        | Q(status=TenantStatus.PROVISIONING, progress_at__lt=now - STALE_PROVISIONING_AFTER)
    )
    # progress_at moves on, so a tenant whose task waits behind a long queue is sent again at
    # most once per PENDING_REQUEUE_AFTER.
    pks = _reset_to_pending(stalled, WAITING_FOR_WORKER)
    for pk in pks:
        _queue_provisioning(pk)
    if pks:
        logger.info("re-queued provisioning of tenants %s", pks)
    return pks


def _queue_provisioning(tenant_pk: int) -> None:
    transaction.on_commit(lambda: send_provisioning(tenant_pk))


def send_provisioning(tenant_pk: int) -> bool:
    """Hands the tenant's provisioning to the workers; True when the broker took it. When the
    broker is down nothing is raised (a sign-up must not answer 500 for it): the tenant stays
    queued, its status page says it waits for a worker, and the sweeper sends it again."""
    from tenants.tasks import provision_tenant_task

    try:
        # In the public schema whatever schema the caller is in: tenant rows live there.
        provision_tenant_task.apply_async(
            (tenant_pk,), headers={"_schema_name": get_public_schema_name()}
        )
    except (KombuOperationalError, OSError) as exc:
        logger.warning(
            "provisioning of tenant %s not queued, broker unreachable: %s", tenant_pk, exc
        )
        Tenant.objects.filter(pk=tenant_pk, status=TenantStatus.PENDING).update(
            progress=WAITING_FOR_WORKER
        )
        return False
    return True


def _set_progress(tenant_pk: int, progress: str) -> None:
    Tenant.objects.filter(pk=tenant_pk).update(progress=progress, progress_at=timezone.now())


def provision_tenant(tenant_pk: int) -> Tenant:
    """Creates the tenant's schema (cloned from the template), its admin user and finally its
    domain, so the tenant is reachable only once whole. Safe to run twice: a second run on a
    ready tenant does nothing, and a failure drops the half-built schema and records why."""
    claimed = Tenant.objects.filter(
        pk=tenant_pk, status__in=[TenantStatus.PENDING, TenantStatus.FAILED]
    ).update(
        status=TenantStatus.PROVISIONING,
        progress="Creating the database schema",
        progress_at=timezone.now(),
    )
    tenant = Tenant.objects.get(pk=tenant_pk)
    if not claimed:
        return tenant
    started = time.monotonic()
    try:
        if schema_exists(tenant.schema_name):
            # Left by an earlier run that died; nothing in it is reachable (no domain yet).
            _drop_schema(tenant.schema_name)
        tenant.create_schema(check_if_exists=False, verbosity=0)
        _set_progress(tenant_pk, "Creating the admin user")
        _create_admin(tenant)
        _set_progress(tenant_pk, "Publishing the address")
        Domain.objects.get_or_create(
            domain=tenant_domain(tenant.slug), defaults={"tenant": tenant, "is_primary": True}
        )
        Tenant.objects.filter(pk=tenant_pk).update(
            status=TenantStatus.READY,
            progress="Ready",
            ready_at=timezone.now(),
            pending_admin_password="",
            failure_reason="",
        )
    except Exception as exc:
        logger.exception("provisioning tenant %s failed", tenant.schema_name)
        connection.set_schema_to_public()
        Domain.objects.filter(tenant_id=tenant_pk).delete()
        if schema_exists(tenant.schema_name):
            _drop_schema(tenant.schema_name)
        Tenant.objects.filter(pk=tenant_pk).update(
            status=TenantStatus.FAILED,
            progress="Failed",
            failure_reason=f"{type(exc).__name__}: {exc}"[:2000],
        )
    logger.info("provisioned tenant %s in %.2f s", tenant.schema_name, time.monotonic() - started)
    tenant.refresh_from_db()
    return tenant


def _drop_schema(schema_name: str) -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')


def _create_admin(tenant: Tenant) -> None:
    user_model = get_user_model()
    with tenant_context(tenant):
        if not user_model.objects.filter(email=tenant.admin_email).exists():
            admin = user_model.objects.create_superuser(tenant.admin_email)
            admin.password = tenant.pending_admin_password
            admin.save(update_fields=["password"])


def ensure_public_tenant() -> Tenant:
    """The public schema's own row and the bare domain (the landing page)."""
    tenant, _ = Tenant.objects.get_or_create(
        schema_name="public",
        defaults={
            "name": "FluxVantage",
            "slug": "public",
            "status": TenantStatus.READY,
            "progress": "Ready",
        },
    )
    Domain.objects.get_or_create(
        domain=settings.BASE_DOMAIN, defaults={"tenant": tenant, "is_primary": True}
    )
    return tenant


def ensure_template_tenant() -> Tenant:
    """The empty, migrated schema that new tenants are cloned from. It has no domain, so no
    request ever reaches it, and it must stay empty (its rows would be cloned)."""
    tenant = Tenant.objects.filter(schema_name=settings.TENANT_BASE_SCHEMA).first()
    if tenant is None:
        tenant = Tenant(
            name="Template",
            slug="tenant-template",
            schema_name=settings.TENANT_BASE_SCHEMA,
            status=TenantStatus.TEMPLATE,
            progress="Template",
        )
        tenant.save()
    if not schema_exists(tenant.schema_name):
        # The template itself cannot be cloned from itself: migrate it from scratch.
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{tenant.schema_name}"')
        from django.core.management import call_command

        call_command(
            "migrate_schemas",
            tenant=True,
            schema_name=tenant.schema_name,
            interactive=False,
            verbosity=0,
        )
        connection.set_schema_to_public()
    return tenant
