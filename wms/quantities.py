"""Quantities as every service checks them: whole numbers above zero, never a bool (True is an
int in Python, and a JSON `true` must not pick one unit), and never above what PostgreSQL's
integer holds (the quantity columns and the ledger function's arguments), so a service refuses
2**31 itself instead of leaving it to the database."""

from __future__ import annotations

from typing import TypeGuard

from wms.validation import INT_MAX

MAX_QUANTITY = INT_MAX


def is_count(value: object) -> TypeGuard[int]:
    """True for an int from 1 to MAX_QUANTITY that is not a bool: a quantity, a weight in grams."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_QUANTITY
