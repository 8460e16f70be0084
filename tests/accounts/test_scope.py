"""wms.scope: where a user may work, read once per user object and read again after it changes."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.services.users import assign_scope
from wms.permissions import in_scope, warehouse_ids_for
from wms.scope import Scope, scope_of


def test_the_scope_is_read_once_per_user_object(operator: Any, east: Any) -> None:
    with CaptureQueriesContext(connection) as first:
        assert scope_of(operator) == Scope(warehouse_ids=frozenset({east.pk}))
    with CaptureQueriesContext(connection) as again:
        for _ in range(5):
            assert warehouse_ids_for(operator) == frozenset({east.pk})
    reads = [q for q in first.captured_queries if not q["sql"].startswith("SET search_path")]
    assert (len(reads), len(again.captured_queries)) == (1, 0)


def test_a_changed_scope_is_seen_at_once_by_the_same_user_object(
    operator: Any, east: Any, west: Any
) -> None:
    assert in_scope(operator, east) and not in_scope(operator, west)
    assign_scope(user=operator, warehouses=[west])
    assert not in_scope(operator, east) and in_scope(operator, west)


def test_a_user_without_a_scope_row_has_none(admin_user: Any) -> None:
    assert scope_of(admin_user) == Scope()
