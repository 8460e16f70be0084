"""Template helpers of the portal's pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[Any, Any], key: Any) -> Any:
    """`mapping|get_item:key`: a dict's value by a variable key (None when absent)."""
    return mapping.get(key) if mapping else None


@register.simple_tag
def portal_logo_url() -> str:
    """The logo's address when the 3PL set one, else "" (one small query per page)."""
    from django.urls import reverse

    from portal.selectors import has_logo

    return reverse("portal_logo") if has_logo() else ""
