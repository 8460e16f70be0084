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
