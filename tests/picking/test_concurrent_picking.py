"""Waves and pickers at once, for real: each thread has its own database connection and
commits (the committed_tenant fixture). Waves allocating the same scarce stock never promise a
unit twice; operators asking for work never share a list; confirmations at once never pick a
unit twice; the ledger and check_ledger find no drift afterwards."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.db.models import F, Sum

from inventory.models import (
    Balance,
    Client,
    Location,
    Product,
    Reservation,
    ReservationStatus,
    StockMove,
)
from inventory.reconcile import find_drift
from inventory.services import ledger
from inventory.services.master import create_warehouse
from picking.models import Order, OrderLine, OrderStatus, PickLine, PickLineStatus, Wave
from picking.services.orders import OrderLineSpec, ShipTo, create_order
from picking.services.picks import confirm_pick, next_pick_list
from picking.services.waves import create_wave, release_wave
from tests.factories import give_scope
from tests.helpers import failures, run_concurrently
from wms.accounts.models import User

SHIP_TO = ShipTo(name="Lab", street1="1 Lab Way", city="Boston", postal_code="02110")
WAVES = 6
OPERATORS = 4


def _setup(stock: dict[str, int]) -> dict[str, Any]:
    warehouse = create_warehouse(code="LAB", name="Lab")
    client = Client.objects.create(code="lab", name="Lab client")
    product = Product.objects.create(client=client, sku="HOT", name="Hot item")
    for code, kind in (("P1", "pick_face"), ("P2", "pick_face"), ("B1", "storage")):
        Location.objects.create(
            warehouse=warehouse, code=code, barcode=code, kind=kind, is_pickable=True
        )
    Location.objects.create(warehouse=warehouse, code="STAGE", barcode="STAGE", kind="staging")
    manager = User.objects.create_user("lab@ledgerlab.test", role="manager")
    for code, quantity in stock.items():
        ledger.receive(
            user=manager,
            product=product,
            quantity=quantity,
            location=Location.objects.get(code=code),
        )
    operators = []
    for n in range(OPERATORS):
        operator = User.objects.create_user(f"picker{n}@ledgerlab.test", role="operator")
        give_scope(operator, warehouses=[warehouse])
        operators.append(operator)
    return {
        "warehouse": warehouse,
        "client": client,
        "product": product,
        "manager": manager,
        "operators": operators,
    }


def _orders(data: dict[str, Any], prefix: str, count: int, quantity: int) -> list[int]:
    return [
        create_order(
            client=data["client"],
            warehouse=data["warehouse"],
            reference=f"{prefix}-{n}",
            ship_to=SHIP_TO,
            lines=[OrderLineSpec(data["product"], quantity)],
            user=data["manager"],
        )[0].pk
        for n in range(count)
    ]


def _assert_ledger_clean(tenant: Any) -> None:
    assert not Balance.objects.filter(on_hand__lt=0).exists()
    assert not Balance.objects.filter(allocated__gt=F("on_hand")).exists()
    for balance in Balance.objects.all():
        active = Reservation.objects.filter(balance=balance, status=ReservationStatus.ACTIVE)
        assert balance.allocated == (active.aggregate(s=Sum("quantity"))["s"] or 0)
    assert find_drift() == []
    out = io.StringIO()
    call_command("check_ledger", tenant=tenant.slug, stdout=out)
    assert "balances match the ledger" in out.getvalue()
    connection.set_tenant(tenant)


def test_waves_allocating_scarce_stock_at_once_never_over_allocate(committed_tenant: Any) -> None:
    """22 units in three bins; six waves of two orders for 4 units each (48 wanted) are
    created at once. Exactly 22 are reserved, each bin's allocated equals its reservations,
    and every wave gets its own number."""
    data = _setup({"P1": 10, "P2": 7, "B1": 5})
    batches = [_orders(data, f"W{n}", 2, 4) for n in range(WAVES)]

    def wave_job(order_ids: list[int]) -> Callable[[], Any]:
        return lambda: (
            create_wave(
                warehouse=data["warehouse"], order_ids=order_ids, user=data["manager"]
            ).allocation.units
        )

    units = run_concurrently(committed_tenant, [wave_job(ids) for ids in batches])
    errors = failures(units)

    assert errors == []
    assert sum(units) == 22
    active = Reservation.objects.filter(status=ReservationStatus.ACTIVE)
    assert active.aggregate(s=Sum("quantity"))["s"] == 22
    assert sum(Balance.objects.values_list("allocated", flat=True)) == 22
    assert sum(OrderLine.objects.values_list("allocated_qty", flat=True)) == 22
    assert Wave.objects.values("number").distinct().count() == WAVES
    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses <= {
        OrderStatus.ALLOCATED,
        OrderStatus.PARTIALLY_ALLOCATED,
        OrderStatus.BACKORDERED,
    }
    _assert_ledger_clean(committed_tenant)


def test_operators_asking_at_once_get_different_lists(committed_tenant: Any) -> None:
    """Four operators ask for work at once on a freshly released wave of four lists: four
    different lists, each assigned to the one who got it, and the wave is in progress."""
    data = _setup({"P1": 100})
    wave = create_wave(
        warehouse=data["warehouse"],
        order_ids=_orders(data, "SO", OPERATORS, 1),
        user=data["manager"],
    ).wave
    release_wave(wave=wave, user=data["manager"])

    def ask(user: Any) -> Callable[[], Any]:
        return lambda: next_pick_list(user, [data["warehouse"].pk])

    lists = run_concurrently(committed_tenant, [ask(u) for u in data["operators"]])
    errors = failures(lists)

    assert errors == []
    assert all(pl is not None for pl in lists)
    assert len({pl.pk for pl in lists}) == OPERATORS
    assert [pl.assigned_to_id for pl in lists] == [u.pk for u in data["operators"]]
    wave.refresh_from_db()
    assert wave.status == "in_progress"


def test_operators_confirming_at_once_never_over_pick(committed_tenant: Any) -> None:
    """Twelve one-line orders (3 units each) over two shared bins; four operators take lists
    and confirm every line at once. Each line is picked exactly once (one move each), every
    order is picked, nothing stays reserved, and the ledger balances."""
    data = _setup({"P1": 20, "P2": 20})
    wave = create_wave(
        warehouse=data["warehouse"], order_ids=_orders(data, "SO", 12, 3), user=data["manager"]
    ).wave
    release_wave(wave=wave, user=data["manager"])
    warehouse_id = data["warehouse"].pk

    def work(user: Any) -> Callable[[], int]:
        def loop() -> int:
            done = 0
            while (pick_list := next_pick_list(user, [warehouse_id])) is not None:
                open_lines = pick_list.lines.filter(status=PickLineStatus.OPEN)
                for line in open_lines.select_related("location"):
                    confirm_pick(
                        user=user,
                        pick_line_id=line.pk,
                        location_code=line.location.code,
                        item_code="HOT",
                        idempotency_key=f"{user.pk}-{line.pk}",
                    )
                    done += 1
            return done

        return loop

    picked = run_concurrently(committed_tenant, [work(u) for u in data["operators"]])
    errors = failures(picked)

    assert errors == []
    assert sum(picked) == 12
    moves = StockMove.objects.filter(reason="pick")
    assert moves.count() == 12
    assert sorted(moves.values_list("reference_id", flat=True)) == sorted(
        str(pk) for pk in PickLine.objects.values_list("pk", flat=True)
    )
    assert moves.aggregate(s=Sum("quantity"))["s"] == 36
    assert set(PickLine.objects.values_list("status", flat=True)) == {PickLineStatus.PICKED}
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.PICKED}
    assert not Reservation.objects.filter(status=ReservationStatus.ACTIVE).exists()
    wave.refresh_from_db()
    assert wave.status == "done"
    _assert_ledger_clean(committed_tenant)


def test_the_same_pick_confirmed_twice_at_once_moves_once(committed_tenant: Any) -> None:
    """One operator's scanner fires twice at once. With the same idempotency key both calls
    return the one result; with two different keys one picks and the other is refused (its
    list is done by then). Either way exactly one move per line."""
    data = _setup({"P1": 20})
    wave = create_wave(
        warehouse=data["warehouse"], order_ids=_orders(data, "SO", 1, 1), user=data["manager"]
    ).wave
    release_wave(wave=wave, user=data["manager"])
    # A second order's line to confirm with two different keys, on a list of its own.
    second = create_wave(
        warehouse=data["warehouse"], order_ids=_orders(data, "SX", 1, 1), user=data["manager"]
    ).wave
    release_wave(wave=second, user=data["manager"])
    user = data["operators"][0]
    first_list = next_pick_list(user, [data["warehouse"].pk])
    assert first_list is not None
    line = first_list.lines.get()

    def confirm(pick_line_id: int, key: str) -> Callable[[], Any]:
        return lambda: confirm_pick(
            user=User.objects.get(pk=user.pk),
            pick_line_id=pick_line_id,
            location_code="P1",
            item_code="HOT",
            idempotency_key=key,
        )

    same = run_concurrently(committed_tenant, [confirm(line.pk, "k-same")] * 2)
    errors = failures(same)

    assert errors == []
    assert same[0] == same[1] and same[0].picked == 1
    assert StockMove.objects.filter(reason="pick", reference_id=str(line.pk)).count() == 1

    other_list = next_pick_list(user, [data["warehouse"].pk])
    assert other_list is not None and other_list.pk != first_list.pk
    other = other_list.lines.get()
    results = run_concurrently(
        committed_tenant, [confirm(other.pk, "k-a"), confirm(other.pk, "k-b")]
    )
    errors = failures(results)

    assert next(r for r in results if not isinstance(r, BaseException)).picked == 1
    # The line was the list's only one, so the loser finds the whole list done.
    assert errors == [f"PickRefused: Pick list {other_list.number} is done."]
    assert StockMove.objects.filter(reason="pick", reference_id=str(other.pk)).count() == 1
    assert StockMove.objects.filter(reason="pick").count() == 2
    _assert_ledger_clean(committed_tenant)


def test_picks_racing_a_cancel_of_their_order_never_deadlock(committed_tenant: Any) -> None:
    """An operator confirms the lines of a two-line order while a manager cancels it, many
    times over. Picks lock the order before the ledger, as cancel does, so they queue: each
    round either the pick lands first (and cancel then releases the rest) or the cancel does
    (and the pick is refused as cancelled). Never a deadlock or a half-done state."""
    from picking.exceptions import PickRefused
    from picking.services.orders import cancel_order

    data = _setup({"P1": 50, "P2": 50})
    operator = data["operators"][0]
    from picking.services.picks import PickResult

    for round_ in range(6):
        order_pk = _orders(data, f"RACE{round_}", 1, 2)[0]
        wave = create_wave(
            warehouse=data["warehouse"], order_ids=[order_pk], user=data["manager"]
        ).wave
        release_wave(wave=wave, user=data["manager"])
        pick_list = next_pick_list(operator, [data["warehouse"].pk])
        assert pick_list is not None
        line = pick_list.lines.select_related("location").get()

        def pick(line: Any = line) -> str:
            try:
                result: PickResult = confirm_pick(
                    user=operator,
                    pick_line_id=line.pk,
                    location_code=line.location.code,
                    item_code="HOT",
                    quantity=1,
                )
                return f"picked {result.picked}"
            except PickRefused as refused:
                return refused.code

        def cancel(order_pk: int = order_pk) -> str:
            cancel_order(order=Order.objects.get(pk=order_pk), user=data["manager"])
            return "cancelled"

        results = run_concurrently(committed_tenant, [pick, cancel])
        errors = failures(results)
        assert errors == []
        assert results[1] == "cancelled"
        assert results[0] in {"picked 1", "order_cancelled", "pick_refused"}
        assert Order.objects.get(pk=order_pk).status == OrderStatus.CANCELLED
        assert not Reservation.objects.filter(
            status=ReservationStatus.ACTIVE, reference_id=str(line.order_line_id)
        ).exists()
        # Another round's list must not wait behind this one: finish it.
        PickLine.objects.filter(pk=line.pk)
        pick_list.refresh_from_db()
        if pick_list.status == "in_progress":
            pick_list.status = "cancelled"
            pick_list.save(update_fields=["status"])
    _assert_ledger_clean(committed_tenant)
