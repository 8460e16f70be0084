"""Quantities as every service checks them: whole numbers above zero, never a bool (True is an
int in Python, and a JSON `true` must not pick one unit)."""

from __future__ import annotations

from typing import TypeGuard


def is_count(value: object) -> TypeGuard[int]:
    """True for an int above zero that is not a bool: a quantity, a weight in grams."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
