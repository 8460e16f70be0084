"""Upgrading a tenant whose users still carry their scope on the user row: inventory 0010 copies
each user's client and warehouses into inventory's UserScope before accounts 0002 drops the
columns. Run on a throwaway schema inside the test's transaction (PostgreSQL DDL rolls back)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("inventory", "0009_location_storage_type_event_txid"), ("accounts", "0001_initial")]
COPIED = [("inventory", "0010_user_scope"), ("accounts", "0001_initial")]
AFTER = [("inventory", "0010_user_scope"), ("accounts", "0002_scope_moves_to_inventory")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_schema(db: None) -> Any:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA scope_upgrade")
    connection.set_schema("scope_upgrade")
    yield
    connection.set_schema_to_public()


@pytest.mark.usefixtures("old_schema")
def test_each_users_client_and_warehouses_survive_the_move() -> None:
    old = migrate(BEFORE)
    user_model = old.get_model("accounts", "User")
    east = old.get_model("inventory", "Warehouse").objects.create(code="EAST", name="East")
    west = old.get_model("inventory", "Warehouse").objects.create(code="WEST", name="West")
    brand = old.get_model("inventory", "Client").objects.create(code="brand", name="Brand")
    operator = user_model.objects.create(email="op@x.test", role="operator")
    operator.warehouses.set([east, west])
    customer = user_model.objects.create(email="c@x.test", role="client", client=brand)
    admin = user_model.objects.create(email="a@x.test", role="admin")

    migrate(COPIED)
    with connection.cursor() as cursor:
        # Each migration commits on its own in a real upgrade; here one transaction holds them
        # all, so the copy's deferred foreign-key checks are run before the columns are dropped.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    new = migrate(AFTER)

    scopes = {
        row.user_id: (row.client_id, sorted(w.code for w in row.warehouses.all()))
        for row in new.get_model("inventory", "UserScope").objects.all()
    }
    assert scopes == {operator.pk: (None, ["EAST", "WEST"]), customer.pk: (brand.pk, [])}
    assert admin.pk not in scopes
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), "accounts_user"
        )
    }
    assert "client_id" not in columns
