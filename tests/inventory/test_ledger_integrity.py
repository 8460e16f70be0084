"""The ledger cannot be rewritten, the cache can be checked against it, and quantity is
conserved."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import tenant_context

from inventory.models import Balance, LedgerCheck, StockMove
from inventory.reconcile import find_drift
from inventory.selectors import move_history, virtual_positions, with_running_on_hand
from inventory.services import ledger
from inventory.tasks import nightly_ledger_check


def _try_sql(sql: str, params: list[Any]) -> str:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        return str(exc)
    return "allowed"


def test_trigger_refuses_update_and_delete_of_moves(manager: Any, widget: Any, dock: Any) -> None:
    move = ledger.receive(user=manager, product=widget, quantity=5, location=dock)
    updated = _try_sql("UPDATE inventory_stockmove SET quantity = 50 WHERE id = %s", [move.pk])
    deleted = _try_sql("DELETE FROM inventory_stockmove WHERE id = %s", [move.pk])
    assert "stock moves are immutable: UPDATE refused" in updated
    assert "stock moves are immutable: DELETE refused" in deleted
    with pytest.raises(DatabaseError), transaction.atomic():
        StockMove.objects.filter(pk=move.pk).update(quantity=1)
    assert StockMove.objects.get(pk=move.pk).quantity == 5


def test_trigger_exists_in_a_tenant_created_later(public: None) -> None:
    from tenants import services
    from tenants.models import Tenant

    tenant = services.register_tenant(
        name="Later", slug="later-co", admin_email="a@later.test", password="a-long-secret-99"
    )
    services.provision_tenant(tenant.pk)
    tenant = Tenant.objects.get(pk=tenant.pk)
    with tenant_context(tenant):
        from inventory.models import Client, Location, Product
        from inventory.services.master import create_warehouse
        from wms.accounts.models import User

        user = User.objects.create_user("m@later.test", role="manager")
        warehouse = create_warehouse(code="L1", name="Later DC")
        bin_ = Location.objects.create(warehouse=warehouse, code="B1", barcode="B1")
        product = Product.objects.create(
            client=Client.objects.create(code="c", name="C"), sku="S", name="S"
        )
        move = ledger.receive(user=user, product=product, quantity=2, location=bin_)
        refused = _try_sql("DELETE FROM inventory_stockmove WHERE id = %s", [move.pk])
        assert "stock moves are immutable: DELETE refused" in refused
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.pronamespace::regnamespace::text FROM pg_trigger t "
                "JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = 'inventory_stockmove_immutable' AND c.relnamespace::regnamespace::text = %s",
                ["later_co"],
            )
            # The clone points the trigger at the new schema's own function, not the template's.
            assert cursor.fetchone() == ("later_co",)
    connection.set_schema_to_public()


def test_check_ledger_finds_drift_and_exits_non_zero(
    acme: Any, manager: Any, widget: Any, dock: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger.receive(user=manager, product=widget, quantity=5, location=dock)
    call_command("check_ledger", tenant="acme")
    assert "acme: 1 balances match the ledger" in capsys.readouterr().out
    Balance.objects.filter(product=widget).update(on_hand=7)  # a cache written around the door
    connection.set_tenant(acme)
    with pytest.raises(CommandError, match=r"Drift found in 1 tenant\(s\)"):
        call_command("check_ledger", tenant="acme")
    out = capsys.readouterr().out
    assert "acme: 1 balances drifted" in out
    assert "'cached_on_hand': 7, 'ledger_on_hand': 5" in out
    connection.set_tenant(acme)
    check = LedgerCheck.objects.first()
    assert (check.drift_count, check.drift[0]["ledger_on_hand"]) == (1, 5)


def test_check_ledger_sees_allocated_that_no_reservation_explains(
    manager: Any, widget: Any, pick_face: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=5, location=pick_face)
    Balance.objects.filter(product=widget).update(allocated=2)
    [drift] = find_drift()
    assert (drift.cached_allocated, drift.reserved) == (2, 0)


def test_unknown_tenant_for_check_ledger_is_an_error(acme: Any) -> None:
    with pytest.raises(CommandError, match="No ready tenant “nope”"):
        call_command("check_ledger", tenant="nope")


def test_nightly_task_records_a_check(manager: Any, widget: Any, dock: Any) -> None:
    ledger.receive(user=manager, product=widget, quantity=5, location=dock)
    assert nightly_ledger_check.delay().get() == 0
    check = LedgerCheck.objects.get()
    assert (check.balances_checked, check.drift_count) == (1, 0)


def test_beat_schedules_the_check_for_ready_tenants_only(public: None) -> None:
    from django.conf import settings

    from wms.beat import ReadyTenantsScheduler

    entry = settings.CELERY_BEAT_SCHEDULE["nightly-ledger-check"]
    assert entry["task"] == "inventory.nightly_ledger_check"
    slugs = set(ReadyTenantsScheduler.get_queryset().values_list("schema_name", flat=True))
    assert "tenant_template" not in slugs
    assert {"acme", "globex"} <= slugs


def test_quantity_is_conserved_over_all_locations_virtual_included(
    manager: Any, widget: Any, dock: Any, bin_a: Any, pick_face: Any
) -> None:
    def total() -> int:
        physical = sum(Balance.objects.filter(product=widget).values_list("on_hand", flat=True))
        return physical + sum(virtual_positions(widget).values())

    assert total() == 0
    ledger.receive(user=manager, product=widget, quantity=30, location=dock)
    assert total() == 0
    ledger.move(
        user=manager, product=widget, quantity=10, from_location=dock, to_location=pick_face
    )
    ledger.adjust(user=manager, product=widget, location=bin_a, quantity=4, reason_code="FOUND")
    ledger.adjust(user=manager, product=widget, location=dock, quantity=-6, reason_code="DAMAGED")
    assert total() == 0
    assert virtual_positions(widget) == {"EAST/~SUPPLIER": -30, "EAST/~ADJUSTMENT": 2}


def test_move_history_explains_the_number_with_a_running_balance(
    manager: Any, widget: Any, dock: Any, bin_a: Any
) -> None:
    ledger.receive(user=manager, product=widget, quantity=10, location=dock)
    ledger.move(user=manager, product=widget, quantity=4, from_location=dock, to_location=bin_a)
    ledger.adjust(user=manager, product=widget, location=bin_a, quantity=-1, reason_code="DAMAGED")
    whole = with_running_on_hand(list(move_history(widget)), widget)
    assert [(m.reason, m.signed, m.running) for m in whole] == [
        ("adjust", -1, 9),
        ("move", 0, 10),
        ("receipt", 10, 10),
    ]
    # A later page starts from the sum of everything older than it.
    second_page = with_running_on_hand(list(move_history(widget)[1:]), widget)
    assert [m.running for m in second_page] == [10, 10]
    first_only = with_running_on_hand(list(move_history(widget)[:1]), widget)
    assert [m.running for m in first_only] == [9]
    at_bin = with_running_on_hand(
        list(move_history(widget, location=bin_a)), widget, location=bin_a
    )
    assert [(m.reason, m.signed, m.running) for m in at_bin] == [("adjust", -1, 3), ("move", 4, 4)]
