"""The portal's one piece of data of its own: the 3PL's branding (the logo its clients see beside
its name). Everything else the portal shows belongs to the apps below it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Branding(models.Model):
    """The tenant's logo, one row (pk 1). Stored in the tenant's schema, served from the same
    origin (the Content-Security-Policy allows images from 'self' only)."""

    logo = models.BinaryField()
    content_type = models.CharField(max_length=32)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return "Portal branding"
