"""The portal's only write of its own: the 3PL's logo. Orders, ASNs, disputes, users and tokens
made in the portal are written by their own apps' services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from portal.exceptions import BrandingRefused
from portal.models import Branding

if TYPE_CHECKING:
    from wms.accounts.models import User

MAX_LOGO_BYTES = 200_000
# Recognised by their first bytes, never by the name or type the browser claims. No SVG: it can
# carry script.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def image_type(data: bytes) -> str:
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return ""


@transaction.atomic
def save_logo(*, user: User, data: bytes) -> Branding:
    """Stores the tenant's logo. Refused (nothing written) unless it is a PNG, JPEG or WebP
    image of at most 200 kB."""
    if len(data) > MAX_LOGO_BYTES:
        message = (
            f"The logo may be at most {MAX_LOGO_BYTES // 1000} kB; this one has "
            f"{len(data) // 1000} kB."
        )
        raise BrandingRefused(message, field_errors={"logo": [message]})
    content_type = image_type(data)
    if not content_type:
        message = "The logo must be a PNG, JPEG or WebP image."
        raise BrandingRefused(message, field_errors={"logo": [message]})
    branding, _ = Branding.objects.update_or_create(
        pk=1,
        defaults={
            "logo": data,
            "content_type": content_type,
            "updated_by": user,
            "updated_at": timezone.now(),
        },
    )
    return branding


@transaction.atomic
def remove_logo(*, user: User) -> None:
    """Back to the tenant's name alone."""
    Branding.objects.filter(pk=1).delete()
