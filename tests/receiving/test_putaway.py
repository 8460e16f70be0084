"""Directed putaway: each strategy and rule against a small hand-built warehouse (a dock, a
staging lane, an ambient and a chilled zone), stock received through the ledger."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import LocationKind, LpnKind, Tracking
from inventory.services import ledger
from inventory.services.master import ensure_virtual_locations
from receiving.putaway import (
    MixingRules,
    PutawayItem,
    PutawayPolicy,
    PutawayProposal,
    propose_loose_putaways,
    propose_lpn_putaway,
    propose_putaway,
)
from tests.factories import LocationFactory, LotFactory, LpnFactory, ProductFactory, ZoneFactory

X = "\N{MULTIPLICATION SIGN}"


@pytest.fixture
def wh(east: Any) -> Any:
    ensure_virtual_locations(east)
    return east


@pytest.fixture
def amb(wh: Any) -> Any:
    return ZoneFactory(warehouse=wh, code="AMB", storage_class="ambient")


@pytest.fixture
def cold(wh: Any) -> Any:
    return ZoneFactory(warehouse=wh, code="COLD", storage_class="chilled")


@pytest.fixture
def dock(wh: Any) -> Any:
    return LocationFactory(warehouse=wh, code="DOCK-1", kind=LocationKind.DOCK, pick_sequence=0)


@pytest.fixture
def bins(wh: Any, amb: Any) -> list[Any]:
    """A-01-01 .. A-01-03 in walking order, 100 units each."""
    return [
        LocationFactory(
            warehouse=wh, zone=amb, code=f"A-01-0{n}", pick_sequence=10 * n, max_units=100
        )
        for n in (1, 2, 3)
    ]


@pytest.fixture
def widget(acme_outdoor: Any) -> Any:
    # 1000 cm³ and 500 g an each.
    return ProductFactory(
        client=acme_outdoor, sku="WIDGET", weight_g=500, length_mm=100, width_mm=100, height_mm=100
    )


@pytest.fixture
def gadget(acme_outdoor: Any) -> Any:
    return ProductFactory(client=acme_outdoor, sku="GADGET")


@pytest.fixture
def serum(acme_outdoor: Any) -> Any:
    return ProductFactory(client=acme_outdoor, sku="SERUM", tracking=Tracking.LOT)


@pytest.fixture
def rival(other_client: Any) -> Any:
    return ProductFactory(client=other_client, sku="RIVAL")


def put(manager: Any, product: Any, quantity: int, location: Any, lot: Any = None) -> None:
    ledger.receive(user=manager, product=product, quantity=quantity, location=location, lot=lot)


def propose(wh: Any, product: Any, quantity: int, lot: Any = None, **kwargs: Any) -> Any:
    return propose_putaway([PutawayItem(product, lot, quantity)], warehouse=wh, **kwargs)


def test_fixed_home_is_proposed_first(wh: Any, bins: list[Any], widget: Any) -> None:
    proposal = propose(wh, widget, 40, homes={widget.pk: bins[2].pk})

    assert proposal == PutawayProposal(bins[2], "fixed_home", "Fixed home A-01-03 for SKU WIDGET")


def test_blocked_fixed_home_falls_through_to_consolidation(
    manager: Any, wh: Any, bins: list[Any], widget: Any
) -> None:
    put(manager, widget, 12, bins[1])
    bins[2].is_blocked, bins[2].blocked_reason = True, "racking damaged"
    bins[2].save()

    proposal = propose(wh, widget, 30, homes={widget.pk: bins[2].pk})

    assert proposal == PutawayProposal(
        bins[1],
        "consolidate",
        f"Consolidate with 12 {X} WIDGET already at A-01-02 (room for 88 more units)",
    )


def test_full_fixed_home_falls_through_to_nearest_empty(
    manager: Any, wh: Any, bins: list[Any], widget: Any
) -> None:
    put(manager, widget, 90, bins[1])

    proposal = propose(wh, widget, 40, homes={widget.pk: bins[1].pk})

    assert proposal == PutawayProposal(
        bins[0],
        "nearest_empty",
        "Nearest empty location A-01-01 in zone AMB (ambient) by walking order",
    )


def test_consolidates_with_the_same_lot(manager: Any, wh: Any, bins: list[Any], serum: Any) -> None:
    lot = LotFactory(product=serum, number="L1")
    put(manager, serum, 12, bins[1], lot)

    proposal = propose(wh, serum, 30, lot)

    assert proposal == PutawayProposal(
        bins[1],
        "consolidate",
        f"Consolidate with 12 {X} SERUM lot L1 already at A-01-02 (room for 88 more units)",
    )


def test_another_lot_is_not_consolidated(
    manager: Any, wh: Any, bins: list[Any], serum: Any
) -> None:
    put(manager, serum, 12, bins[0], LotFactory(product=serum, number="L1"))

    proposal = propose(wh, serum, 30, LotFactory(product=serum, number="L2"))

    assert (proposal.location, proposal.strategy) == (bins[1], "nearest_empty")


def test_consolidation_refused_where_another_client_has_stock(
    manager: Any, wh: Any, bins: list[Any], widget: Any, rival: Any
) -> None:
    put(manager, widget, 10, bins[0])
    put(manager, rival, 10, bins[0])

    proposal = propose(wh, widget, 5, policy=PutawayPolicy(strategies=("consolidate",)))

    assert proposal == PutawayProposal(
        None, None, f"No location fits 5 {X} WIDGET: A-01-01 holds another client's stock"
    )


def test_mixing_clients_allowed_when_the_rule_is_off(
    manager: Any, wh: Any, bins: list[Any], widget: Any, rival: Any
) -> None:
    put(manager, widget, 10, bins[0])
    put(manager, rival, 10, bins[0])
    policy = PutawayPolicy(strategies=("consolidate",), one_client_per_location=False)

    proposal = propose(wh, widget, 5, policy=policy)

    assert (proposal.location, proposal.strategy) == (bins[0], "consolidate")


def test_nearest_empty_follows_pick_sequence(
    manager: Any, wh: Any, amb: Any, bins: list[Any], widget: Any, gadget: Any
) -> None:
    LocationFactory(warehouse=wh, zone=amb, code="A-00-09", pick_sequence=5, max_units=100)
    put(manager, gadget, 1, wh.locations.get(code="A-00-09"))

    proposal = propose(wh, widget, 10)

    assert proposal.location == bins[0]
    assert proposal.strategy == "nearest_empty"


def test_nearest_empty_in_a_zone_of_the_storage_class(
    wh: Any, cold: Any, bins: list[Any], widget: Any
) -> None:
    chilled = LocationFactory(warehouse=wh, zone=cold, code="C-01-01", pick_sequence=99)

    proposal = propose(wh, widget, 10, storage_class_of=lambda product: "chilled")

    assert proposal == PutawayProposal(
        chilled,
        "nearest_empty",
        "Nearest empty location C-01-01 in zone COLD (chilled) by walking order",
    )


def test_zone_storage_class_from_the_policy_overrides_the_zone(
    wh: Any, amb: Any, cold: Any, bins: list[Any], widget: Any
) -> None:
    policy = PutawayPolicy(zone_storage_class={amb.pk: "chilled", cold.pk: "frozen"})

    proposal = propose(wh, widget, 10, policy=policy, storage_class_of=lambda product: "chilled")

    assert proposal.location == bins[0]


def test_no_zone_of_the_storage_class_fits_nothing(wh: Any, bins: list[Any], widget: Any) -> None:
    proposal = propose(wh, widget, 10, storage_class_of=lambda product: "hazmat")

    assert proposal == PutawayProposal(
        None, None, f"No location fits 10 {X} WIDGET: no empty location in a hazmat zone"
    )


def test_capacity_by_units(manager: Any, wh: Any, bins: list[Any], widget: Any) -> None:
    put(manager, widget, 90, bins[0])

    proposal = propose(wh, widget, 11, homes={widget.pk: bins[0].pk})
    fits = propose(wh, widget, 10, homes={widget.pk: bins[0].pk})

    assert (proposal.location, proposal.strategy) == (bins[1], "nearest_empty")
    assert (fits.location, fits.strategy) == (bins[0], "fixed_home")


def test_capacity_by_volume(wh: Any, amb: Any, widget: Any) -> None:
    LocationFactory(warehouse=wh, zone=amb, code="S-01", pick_sequence=1, max_volume_cm3=9000)
    large = LocationFactory(
        warehouse=wh, zone=amb, code="S-02", pick_sequence=2, max_volume_cm3=10000
    )

    proposal = propose(wh, widget, 10, policy=PutawayPolicy(strategies=("nearest_empty",)))

    assert proposal.location == large


def test_capacity_by_weight(manager: Any, wh: Any, amb: Any, widget: Any) -> None:
    shelf = LocationFactory(warehouse=wh, zone=amb, code="S-01", pick_sequence=1, max_weight_g=6000)
    put(manager, widget, 2, shelf)

    fits = propose(wh, widget, 10, homes={widget.pk: shelf.pk})
    proposal = propose(wh, widget, 11, homes={widget.pk: shelf.pk})

    assert fits.location == shelf
    assert proposal == PutawayProposal(
        None,
        None,
        f"No location fits 11 {X} WIDGET: fixed home S-01 full (1000/6000 g), no empty location",
    )


def test_blocked_locations_are_skipped(wh: Any, bins: list[Any], widget: Any) -> None:
    bins[0].is_blocked = True
    bins[0].save()

    proposal = propose(wh, widget, 10)

    assert proposal.location == bins[1]


def test_dock_and_staging_are_never_proposed(wh: Any, dock: Any, widget: Any) -> None:
    LocationFactory(warehouse=wh, code="STAGE-1", kind=LocationKind.STAGING, pick_sequence=1)
    LocationFactory(warehouse=wh, code="PACK-1", kind=LocationKind.PACK_STATION, pick_sequence=2)

    proposal = propose(wh, widget, 10, homes={widget.pk: dock.pk})

    assert proposal == PutawayProposal(
        None,
        None,
        f"No location fits 10 {X} WIDGET: fixed home DOCK-1 is a dock location, no empty location",
    )


def test_one_product_per_location(
    manager: Any, wh: Any, bins: list[Any], widget: Any, gadget: Any
) -> None:
    put(manager, gadget, 5, bins[0])
    policy = PutawayPolicy(one_product_per_location=True)

    proposal = propose(wh, widget, 10, policy=policy, homes={widget.pk: bins[0].pk})

    assert (proposal.location, proposal.strategy) == (bins[1], "nearest_empty")
    assert propose(wh, widget, 10, homes={widget.pk: bins[0].pk}).location == bins[0]


def test_one_lot_per_location(manager: Any, wh: Any, bins: list[Any], serum: Any) -> None:
    put(manager, serum, 5, bins[0], LotFactory(product=serum, number="L1"))
    lot_2 = LotFactory(product=serum, number="L2")

    proposal = propose(
        wh,
        serum,
        10,
        lot_2,
        policy=PutawayPolicy(strategies=("fixed_home",), one_lot_per_location=True),
        homes={serum.pk: bins[0].pk},
    )

    assert proposal == PutawayProposal(
        None,
        None,
        f"No location fits 10 {X} SERUM lot L2: fixed home A-01-01 holds another lot of SERUM (L1)",
    )


def test_zone_mixing_rules_override_the_warehouse_rules(
    manager: Any, wh: Any, amb: Any, bins: list[Any], widget: Any, gadget: Any
) -> None:
    put(manager, gadget, 5, bins[0])
    policy = PutawayPolicy(
        one_product_per_location=True,
        zone_mixing={amb.pk: MixingRules(one_product_per_location=False)},
    )

    proposal = propose(wh, widget, 10, policy=policy, homes={widget.pk: bins[0].pk})

    assert proposal.location == bins[0]


def test_nothing_fits_lists_the_rejections(
    manager: Any, wh: Any, bins: list[Any], widget: Any, rival: Any
) -> None:
    put(manager, widget, 90, bins[0])
    put(manager, rival, 1, bins[1])
    bins[2].is_blocked = True
    bins[2].save()

    proposal = propose(wh, widget, 40, homes={widget.pk: bins[0].pk})

    assert proposal == PutawayProposal(
        None,
        None,
        f"No location fits 40 {X} WIDGET: fixed home A-01-01 full (90/100 units), A-01-03 blocked",
    )


def test_rejections_beyond_five_are_counted(wh: Any, amb: Any, widget: Any) -> None:
    for n in range(7):
        LocationFactory(warehouse=wh, zone=amb, code=f"B-{n}", pick_sequence=n, max_units=1)

    proposal = propose(wh, widget, 2)

    assert proposal.reason == (
        f"No location fits 2 {X} WIDGET: B-0 full (0/1 units), B-1 full (0/1 units), "
        "B-2 full (0/1 units), B-3 full (0/1 units), B-4 full (0/1 units), and 2 more"
    )


def test_an_lpn_with_two_products_goes_whole(
    manager: Any, wh: Any, dock: Any, bins: list[Any], widget: Any, gadget: Any
) -> None:
    tote = LpnFactory(code="TOTE-1", warehouse=wh, kind=LpnKind.TOTE)
    ledger.receive(user=manager, product=widget, quantity=60, location=dock, lpn=tote)
    ledger.receive(user=manager, product=gadget, quantity=30, location=dock, lpn=tote)
    put(manager, widget, 20, bins[0])

    proposal = propose_lpn_putaway(manager, tote)
    refused = propose_lpn_putaway(
        manager, tote, policy=PutawayPolicy(one_product_per_location=True)
    )

    # A-01-01 holds WIDGET but not GADGET, and 20 + 90 would overfill it anyway.
    assert (proposal.location, proposal.strategy) == (bins[1], "nearest_empty")
    assert refused == PutawayProposal(
        None,
        None,
        f"No location fits LPN TOTE-1 (30 {X} GADGET, 60 {X} WIDGET): "
        "A-01-02 takes one product; the load mixes products, "
        "A-01-03 takes one product; the load mixes products",
    )


def test_a_pallet_prefers_storage_over_a_pick_face(
    manager: Any, wh: Any, dock: Any, amb: Any, bins: list[Any], widget: Any
) -> None:
    face = LocationFactory(
        warehouse=wh, zone=amb, code="P-01", kind=LocationKind.PICK_FACE, pick_sequence=1
    )
    pallet = LpnFactory(code="PAL-1", warehouse=wh, kind=LpnKind.PALLET)
    ledger.receive(user=manager, product=widget, quantity=50, location=dock, lpn=pallet)

    assert propose_lpn_putaway(manager, pallet).location == bins[0]
    assert propose(wh, widget, 50).location == face


def test_loose_items_of_one_batch_do_not_share_the_last_space(
    wh: Any, bins: list[Any], widget: Any
) -> None:
    proposals = propose_loose_putaways(
        [PutawayItem(widget, None, 60), PutawayItem(widget, None, 60)],
        warehouse=wh,
        policy=PutawayPolicy(strategies=("consolidate", "nearest_empty")),
    )

    assert [p.location for p in proposals] == [bins[0], bins[1]]


def test_a_quantity_below_one_is_refused(wh: Any, bins: list[Any], widget: Any) -> None:
    with pytest.raises(ValueError, match="Quantity must be above zero; got 0"):
        propose(wh, widget, 0)


def test_a_fixed_home_in_another_warehouse_is_passed_over(
    wh: Any, west: Any, bins: list[Any], widget: Any
) -> None:
    elsewhere = LocationFactory(warehouse=west, code="W-01")

    proposal = propose(wh, widget, 5, homes={widget.pk: elsewhere.pk})

    assert (proposal.location, proposal.strategy) == (bins[0], "nearest_empty")


def test_an_unknown_strategy_is_refused() -> None:
    with pytest.raises(ValueError, match="Strategies must be distinct names"):
        PutawayPolicy(strategies=("fixed_home", "random"))


def _queries_for(manager: Any, wh: Any, amb: Any, widget: Any, count: int) -> int:
    for n in range(count):
        LocationFactory(
            warehouse=wh, zone=amb, code=f"Q-{count}-{n:03d}", pick_sequence=n, max_units=5
        )
    for n in range(3):
        put(manager, widget, 5, wh.locations.get(code=f"Q-{count}-{n:03d}"))
    home = wh.locations.get(code=f"Q-{count}-000")
    with CaptureQueriesContext(connection) as queries:
        proposal = propose(wh, widget, 1000, homes={widget.pk: home.pk})
    assert proposal.location is None
    return len(queries)


def test_query_count_does_not_grow_with_locations(
    manager: Any, wh: Any, amb: Any, widget: Any
) -> None:
    assert _queries_for(manager, wh, amb, widget, 10) == _queries_for(manager, wh, amb, widget, 200)
