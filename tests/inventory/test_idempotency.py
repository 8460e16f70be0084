from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Balance, Event, StockMove
from inventory.services import ledger
from tests.helpers import run_concurrently
from wms.idempotency.services import IdempotencyConflict


def test_repeated_key_returns_the_first_move_and_writes_nothing(
    manager: Any, widget: Any, dock: Any
) -> None:
    first = ledger.receive(
        user=manager, product=widget, quantity=3, location=dock, idempotency_key="scan-1"
    )
    again = ledger.receive(
        user=manager, product=widget, quantity=3, location=dock, idempotency_key="scan-1"
    )
    assert again.pk == first.pk
    assert (StockMove.objects.count(), Event.objects.count()) == (1, 1)
    assert Balance.objects.get(product=widget).on_hand == 3


def test_same_key_with_a_different_body_is_refused(manager: Any, widget: Any, dock: Any) -> None:
    ledger.receive(
        user=manager, product=widget, quantity=3, location=dock, idempotency_key="scan-1"
    )
    with pytest.raises(IdempotencyConflict, match="already used for a different request"):
        ledger.receive(
            user=manager, product=widget, quantity=4, location=dock, idempotency_key="scan-1"
        )
    assert StockMove.objects.count() == 1


def test_keys_are_per_user(manager: Any, admin_user: Any, widget: Any, dock: Any) -> None:
    ledger.receive(user=manager, product=widget, quantity=3, location=dock, idempotency_key="k")
    ledger.receive(user=admin_user, product=widget, quantity=3, location=dock, idempotency_key="k")
    assert StockMove.objects.count() == 2


def test_a_refused_action_does_not_burn_its_key(
    manager: Any, widget: Any, bin_a: Any, bin_b: Any
) -> None:
    from inventory.exceptions import InsufficientStock

    with pytest.raises(InsufficientStock):
        ledger.move(
            user=manager,
            product=widget,
            quantity=1,
            from_location=bin_a,
            to_location=bin_b,
            idempotency_key="m-1",
        )
    ledger.receive(user=manager, product=widget, quantity=1, location=bin_a)
    ledger.move(
        user=manager,
        product=widget,
        quantity=1,
        from_location=bin_a,
        to_location=bin_b,
        idempotency_key="m-1",
    )
    assert Balance.objects.get(location=bin_b).on_hand == 1


def test_concurrent_repeats_of_one_scan_count_once(committed_tenant: Any) -> None:
    from inventory.models import Client, Location, Product
    from inventory.services.master import create_warehouse
    from wms.accounts.models import User

    warehouse = create_warehouse(code="IDEM", name="Idem")
    dock = Location.objects.create(warehouse=warehouse, code="D", barcode="D", kind="dock")
    product = Product.objects.create(
        client=Client.objects.create(code="i", name="I"), sku="I", name="I"
    )
    user = User.objects.create_user("i@ledgerlab.test", role="operator")

    def scan() -> int:
        return ledger.receive(
            user=User.objects.get(pk=user.pk),
            product=Product.objects.get(pk=product.pk),
            quantity=1,
            location=Location.objects.get(pk=dock.pk),
            idempotency_key="dup",
        ).pk

    results = run_concurrently(committed_tenant, [scan] * 4)
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    assert StockMove.objects.filter(product=product).count() == 1
