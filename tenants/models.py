"""The public-schema registry of operator companies. Knows nothing about warehouses."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin


class TenantStatus(models.TextChoices):
    TEMPLATE = "template", "Template"  # the empty schema new tenants are cloned from
    PENDING = "pending", "Queued"
    PROVISIONING = "provisioning", "Provisioning"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class Tenant(TenantMixin):
    """An operator company (a 3PL or a brand): one PostgreSQL schema named after its slug."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=32, unique=True)
    admin_email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=16, choices=TenantStatus.choices, default=TenantStatus.PENDING
    )
    progress = models.CharField(max_length=120, blank=True)
    progress_at = models.DateTimeField(default=timezone.now)
    failure_reason = models.TextField(blank=True)
    # Held only until provisioning creates the admin user, then cleared.
    pending_admin_password = models.CharField(max_length=256, blank=True)
    signup_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)

    # Schemas are made by the provisioning task, never inside a web request.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.schema_name

    @property
    def is_ready(self) -> bool:
        return self.status == TenantStatus.READY


class Domain(DomainMixin):
    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain
