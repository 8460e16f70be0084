"""The 3PL's logo, if it set one."""

from __future__ import annotations

from portal.models import Branding


def has_logo() -> bool:
    return Branding.objects.filter(pk=1).exists()


def logo() -> Branding | None:
    return Branding.objects.filter(pk=1).first()
