"""Rules for a tenant slug: it becomes a subdomain and a PostgreSQL schema name."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")
RESERVED_SLUGS = frozenset(
    {
        "public",
        "www",
        "api",
        "app",
        "admin",
        "static",
        "media",
        "mail",
        "smtp",
        "ftp",
        "help",
        "support",
        "status",
        "docs",
        "blog",
        "portal",
        "login",
        "signup",
        "auth",
        "dashboard",
        "billing",
        "demo-template",
        "tenant-template",
        "test",
        "localhost",
        "pg-catalog",
        "information-schema",
        "root",
        "postgres",
        "fluxvantage",
    }
)


def normalize_slug(value: str) -> str:
    return value.strip().lower()


def validate_slug(value: str) -> None:
    """Raises ValidationError naming what is wrong with the slug."""
    if not SLUG_PATTERN.match(value):
        raise ValidationError(
            "Use 3 to 32 characters: lowercase letters, digits and hyphens, "
            "starting with a letter and not ending with a hyphen.",
            code="charset",
        )
    if "--" in value:
        raise ValidationError("Use at most one hyphen in a row.", code="charset")
    if (
        value in RESERVED_SLUGS
        or value.startswith("pg-")
        or value.replace("-", "_") in {"tenant_template"}
    ):
        raise ValidationError(f"“{value}” is reserved. Choose another.", code="reserved")


def schema_name_for(slug: str) -> str:
    # Hyphens are valid in a host name but need quoting in SQL; schemas use underscores.
    return slug.replace("-", "_")
