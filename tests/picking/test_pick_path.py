"""The same three orders released as discrete, cluster and zone waves: the exact lists, their
lines in walking order (the bins' pick sequence), cart slots, zones and staging place.

Bins (conftest), walking order: A-01 (10), A-02 (20), A-03 (30) in zone ZA; B-01 (40),
B-02 (50), BULK-1 (60) in zone ZB. Stock: lamp at A-01, stove at A-03, mug at B-01, tent at
B-02. Orders, all priority 5, created in this order:
    SO-1: 2 mugs (B-01), 1 lamp (A-01)
    SO-2: 1 stove (A-03), 1 tent (B-02)
    SO-3: 2 lamps (A-01), 1 mug (B-01)"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from inventory.models import LocationKind
from picking.models import OrderStatus, PickList, PickMethod, Wave, WaveStatus
from picking.services.waves import create_wave, release_wave
from tests.factories import LocationFactory, ProductFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_orders(
    acme_outdoor: Any, bins: Any, mug: Any, lamp: Any, put: Any, order_for: Any
) -> list[Any]:
    stove = ProductFactory(client=acme_outdoor, sku="STOVE")
    tent = ProductFactory(client=acme_outdoor, sku="TENT")
    put(lamp, bins["A-01"], 10)
    put(stove, bins["A-03"], 10)
    put(mug, bins["B-01"], 10)
    put(tent, bins["B-02"], 10)
    return [
        order_for("SO-1", (mug, 2), (lamp, 1)),
        order_for("SO-2", (stove, 1), (tent, 1)),
        order_for("SO-3", (lamp, 2), (mug, 1)),
    ]


def released(wh: Any, orders: list[Any], manager: Any, **options: Any) -> list[PickList]:
    wave = create_wave(warehouse=wh, order_ids=[o.pk for o in orders], user=manager).wave
    result = release_wave(wave=wave, user=manager, **options)
    assert result.released_orders == len(orders) and result.held_back == []
    wave.refresh_from_db()
    assert wave.status == WaveStatus.RELEASED
    return sorted(result.pick_lists, key=lambda pl: pl.number)


def walk(pick_list: PickList) -> list[tuple[int, str, str, str, int]]:
    """(sequence, bin, order, sku, quantity) of a list's lines in sequence order."""
    return [
        (ln.sequence, ln.location.code, ln.order.reference, ln.product.sku, ln.quantity)
        for ln in pick_list.lines.select_related("location", "order", "product").order_by(
            "sequence"
        )
    ]


def slots(pick_list: PickList) -> list[tuple[int, str]]:
    return [(s.slot, s.order.reference) for s in pick_list.slots.select_related("order")]


def test_discrete_one_list_per_order_in_walking_order(
    wh: Any, staging: Any, three_orders: list[Any], manager: Any
) -> None:
    lists = released(wh, three_orders, manager, pick_method=PickMethod.DISCRETE)

    assert [walk(pl) for pl in lists] == [
        [(1, "A-01", "SO-1", "LAMP", 1), (2, "B-01", "SO-1", "MUG", 2)],
        [(1, "A-03", "SO-2", "STOVE", 1), (2, "B-02", "SO-2", "TENT", 1)],
        [(1, "A-01", "SO-3", "LAMP", 2), (2, "B-01", "SO-3", "MUG", 1)],
    ]
    assert [slots(pl) for pl in lists] == [[(1, "SO-1")], [(1, "SO-2")], [(1, "SO-3")]]
    assert {(pl.method, pl.zone_id, pl.staging_location_id) for pl in lists} == {
        (PickMethod.DISCRETE, None, staging.pk)
    }
    for order in three_orders:
        order.refresh_from_db()
        assert order.status == OrderStatus.RELEASED


def test_cluster_carts_group_orders_that_start_near_each_other(
    wh: Any, staging: Any, three_orders: list[Any], manager: Any
) -> None:
    """Two orders per cart. SO-1 and SO-3 both start at A-01 (10), SO-2 at A-03 (30): the
    first cart takes SO-1 (slot 1, tote A) and SO-3 (slot 2, tote B), lines merged in walking
    order, the earlier order first at a shared bin; SO-2 rides the second cart alone."""
    lists = released(wh, three_orders, manager, pick_method=PickMethod.CLUSTER, orders_per_cart=2)

    assert [walk(pl) for pl in lists] == [
        [
            (1, "A-01", "SO-1", "LAMP", 1),
            (2, "A-01", "SO-3", "LAMP", 2),
            (3, "B-01", "SO-1", "MUG", 2),
            (4, "B-01", "SO-3", "MUG", 1),
        ],
        [(1, "A-03", "SO-2", "STOVE", 1), (2, "B-02", "SO-2", "TENT", 1)],
    ]
    assert [slots(pl) for pl in lists] == [[(1, "SO-1"), (2, "SO-3")], [(1, "SO-2")]]
    assert [s.slot_letter for s in lists[0].slots.all()] == ["A", "B"]
    assert all(pl.uses_totes and pl.staging_location_id == staging.pk for pl in lists)


def test_zone_lists_split_the_orders_by_zone_and_meet_at_staging(
    wh: Any, staging: Any, zone_a: Any, zone_b: Any, three_orders: list[Any], manager: Any
) -> None:
    """One list per zone: ZA walks A-01 (SO-1, SO-3) then A-03 (SO-2); ZB walks B-01 (SO-1,
    SO-3) then B-02 (SO-2). Each order has a slot on each list it has picks on, in the order
    the walk first reaches it; both lists end at the same staging place."""
    lists = released(wh, three_orders, manager, pick_method=PickMethod.ZONE)

    assert [pl.zone_id for pl in lists] == [zone_a.pk, zone_b.pk]
    assert [walk(pl) for pl in lists] == [
        [
            (1, "A-01", "SO-1", "LAMP", 1),
            (2, "A-01", "SO-3", "LAMP", 2),
            (3, "A-03", "SO-2", "STOVE", 1),
        ],
        [
            (1, "B-01", "SO-1", "MUG", 2),
            (2, "B-01", "SO-3", "MUG", 1),
            (3, "B-02", "SO-2", "TENT", 1),
        ],
    ]
    assert [slots(pl) for pl in lists] == [
        [(1, "SO-1"), (2, "SO-3"), (3, "SO-2")],
        [(1, "SO-1"), (2, "SO-3"), (3, "SO-2")],
    ]
    assert {pl.staging_location_id for pl in lists} == {staging.pk}


def test_lines_follow_the_serpentine_pick_sequence_not_the_bin_codes(
    wh: Any, staging: Any, acme_outdoor: Any, put: Any, order_for: Any, manager: Any
) -> None:
    """Aisle 1 is walked up (S1-01, S1-02, S1-03: sequence 1-3), aisle 2 back down (S2-03,
    S2-02, S2-01: sequence 4-6). One order with a unit in every bin is listed S1-01, S1-02,
    S1-03, S2-03, S2-02, S2-01: by sequence, whatever the codes sort to."""
    zone = ZoneFactory(warehouse=wh, code="SERP")
    walk_order = ["S1-01", "S1-02", "S1-03", "S2-03", "S2-02", "S2-01"]
    lines = []
    for seq, code in enumerate(walk_order, start=1):
        location = LocationFactory(
            warehouse=wh,
            zone=zone,
            code=code,
            kind=LocationKind.PICK_FACE,
            is_pickable=True,
            pick_sequence=seq,
        )
        product = ProductFactory(client=acme_outdoor, sku=f"P-{code}")
        put(product, location, 1)
        lines.append((product, 1))
    order = order_for("SO-S", *sorted(lines, key=lambda line: line[0].sku))

    (pick_list,) = released(wh, [order], manager)

    assert [code for _, code, _, _, _ in walk(pick_list)] == walk_order
    assert [seq for seq, _, _, _, _ in walk(pick_list)] == [1, 2, 3, 4, 5, 6]


def test_a_chosen_staging_place_and_held_back_orders(
    wh: Any, staging: Any, bins: Any, mug: Any, put: Any, order_for: Any, manager: Any
) -> None:
    """STAGE-2 is chosen over the default. SO-2 wants more mugs than there are after SO-1:
    it is partially allocated, held back (out of the wave, still open) and named."""
    other = LocationFactory(warehouse=wh, code="STAGE-2", kind=LocationKind.STAGING)
    put(mug, bins["A-01"], 3)
    first = order_for("SO-1", (mug, 2))
    second = order_for("SO-2", (mug, 2))
    wave = create_wave(warehouse=wh, order_ids=[first.pk, second.pk], user=manager).wave

    result = release_wave(wave=wave, user=manager, staging_location=other)

    assert [pl.staging_location_id for pl in result.pick_lists] == [other.pk]
    assert result.held_back == [second]
    second.refresh_from_db()
    assert (second.status, second.wave_id) == (OrderStatus.PARTIALLY_ALLOCATED, None)


def test_wave_numbers_keep_counting_past_999_in_a_day(
    use_tenant: Any, wh: Any, mug: Any, order_for: Any, manager: Any
) -> None:
    prefix = f"W{timezone.localdate():%y%m%d}-{wh.code}-"
    Wave.objects.create(warehouse=wh, number=f"{prefix}999")
    first = create_wave(warehouse=wh, order_ids=[order_for("SO-A", (mug, 1)).pk], user=manager)
    second = create_wave(warehouse=wh, order_ids=[order_for("SO-B", (mug, 1)).pk], user=manager)
    assert (first.wave.number, second.wave.number) == (f"{prefix}1000", f"{prefix}1001")
