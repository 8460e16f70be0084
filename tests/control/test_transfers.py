"""Transfers between warehouses: shipped to the sender's in-transit location, received into a
bin at the other end (scanned quantities or blind), in-transit stock visible on the ledger's
virtual positions; more than is free is refused and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from control.exceptions import TransferRefused
from control.services.transfers import (
    TransferLineSpec,
    create_transfer,
    receive_transfer,
    ship_transfer,
)
from inventory.exceptions import InsufficientStock
from inventory.models import Balance, Reason, StockMove
from inventory.reconcile import find_drift
from inventory.selectors import virtual_positions
from inventory.services import ledger
from inventory.services.master import ensure_virtual_locations
from tests.factories import LocationFactory
from tests.helpers import assert_nothing_written


@pytest.fixture
def west_bin(west: Any) -> Any:
    ensure_virtual_locations(west)
    return LocationFactory(warehouse=west, code="W-01")


def test_ship_then_receive_partly_leaves_the_rest_in_transit(
    manager: Any, wh: Any, west: Any, west_bin: Any, stocked: Any, bin_a: Any, widget: Any
) -> None:
    transfer = create_transfer(
        user=manager,
        from_warehouse=wh,
        to_warehouse=west,
        lines=[TransferLineSpec(product=widget, quantity=10, from_location=bin_a)],
    )
    transfer = ship_transfer(transfer=transfer, user=manager)
    assert transfer.status == "shipped"
    assert Balance.objects.get(location=bin_a, on_hand__gt=0).on_hand == 27
    assert virtual_positions(widget)["EAST/~IN-TRANSIT"] == 10
    [line] = transfer.lines.all()
    transfer = receive_transfer(
        transfer=transfer, user=manager, to_location=west_bin, quantities={line.pk: 8}
    )
    assert transfer.status == "received"
    assert Balance.objects.get(location=west_bin).on_hand == 8
    line.refresh_from_db()
    assert line.in_transit == 2
    assert virtual_positions(widget)["EAST/~IN-TRANSIT"] == 2
    reasons = list(
        StockMove.objects.filter(reference_type="transfer").values_list("reason", flat=True)
    )
    assert reasons == [Reason.TRANSFER_OUT, Reason.TRANSFER_IN]
    assert find_drift() == []


def test_blind_receipt_takes_everything_shipped(
    manager: Any, wh: Any, west: Any, west_bin: Any, stocked: Any, bin_a: Any, widget: Any
) -> None:
    transfer = create_transfer(
        user=manager,
        from_warehouse=wh,
        to_warehouse=west,
        lines=[TransferLineSpec(product=widget, quantity=5, from_location=bin_a)],
    )
    ship_transfer(transfer=transfer, user=manager)
    receive_transfer(transfer=transfer, user=manager, to_location=west_bin)
    assert Balance.objects.get(location=west_bin).on_hand == 5
    assert virtual_positions(widget)["EAST/~IN-TRANSIT"] == 0


def test_more_than_is_free_is_refused_at_creation_and_at_shipping(
    manager: Any,
    wh: Any,
    west: Any,
    west_bin: Any,
    stocked: Any,
    bin_a: Any,
    widget: Any,
    staging: Any,
) -> None:
    spec = TransferLineSpec(product=widget, quantity=38, from_location=bin_a)
    with (
        assert_nothing_written(),
        pytest.raises(TransferRefused, match="37 WIDGET free at A-01-01; 38 asked"),
    ):
        create_transfer(user=manager, from_warehouse=wh, to_warehouse=west, lines=[spec])
    transfer = create_transfer(
        user=manager,
        from_warehouse=wh,
        to_warehouse=west,
        lines=[TransferLineSpec(product=widget, quantity=30, from_location=bin_a)],
    )
    ledger.move(user=manager, product=widget, quantity=10, from_location=bin_a, to_location=staging)
    with assert_nothing_written(), pytest.raises(InsufficientStock):
        ship_transfer(transfer=transfer, user=manager)


def test_receiving_into_the_sending_warehouse_is_refused(
    manager: Any,
    wh: Any,
    west: Any,
    west_bin: Any,
    stocked: Any,
    bin_a: Any,
    bin_b: Any,
    widget: Any,
) -> None:
    transfer = create_transfer(
        user=manager,
        from_warehouse=wh,
        to_warehouse=west,
        lines=[TransferLineSpec(product=widget, quantity=5, from_location=bin_a)],
    )
    ship_transfer(transfer=transfer, user=manager)
    with assert_nothing_written(), pytest.raises(TransferRefused, match="not in WEST"):
        receive_transfer(transfer=transfer, user=manager, to_location=bin_b)


def test_transfers_api(api_as: Any, manager: Any, west_bin: Any, stocked: Any) -> None:
    api = api_as(manager)
    body = {
        "from_warehouse": "EAST",
        "to_warehouse": "WEST",
        "lines": [
            {"client": "acme-outdoor", "sku": "WIDGET", "location": "A-01-01", "quantity": 4}
        ],
    }
    made = api.post("/transfers", body, **{"Idempotency-Key": "t-1"})
    assert made.status_code == 201, made.content
    assert (
        api.post("/transfers", body, **{"Idempotency-Key": "t-1"}).json()["id"] == made.json()["id"]
    )
    pk = made.json()["id"]
    shipped = api.post(f"/transfers/{pk}/ship", {})
    assert shipped.json()["status"] == "shipped"
    assert shipped.json()["lines"][0]["in_transit"] == 4
    received = api.post(f"/transfers/{pk}/receive", {"location": "W-01"})
    assert received.status_code == 200, received.content
    assert received.json()["lines"][0]["in_transit"] == 0
    too_much = api.post("/transfers", {**body, "lines": [{**body["lines"][0], "quantity": 99}]})
    assert (too_much.status_code, too_much.json()["error"]["code"]) == (400, "insufficient_stock")
