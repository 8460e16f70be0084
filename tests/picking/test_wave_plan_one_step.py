"""Wave planning in fewer clicks: a warehouse's saved default pick method (cluster when every
order is small), a preview of the lists, carts and lines a release would make, and plan, create
and release as one step, which writes nothing when it is refused."""

from __future__ import annotations

from typing import Any

import pytest

from picking.models import Order, OrderStatus, PickList, PickMethod, Wave, WaveDefaults, WaveStatus
from picking.selectors import proposed_method, release_preview, wave_defaults_of
from picking.services.wave_defaults import plan_and_release, save_wave_defaults
from tests.helpers import assert_nothing_written, text_by_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(bins: Any, mug: Any, lamp: Any, put: Any, order_for: Any) -> dict[str, Any]:
    put(mug, bins["A-02"], 20)
    put(lamp, bins["B-01"], 20)
    return {
        "SO-1": order_for("SO-1", (mug, 1), (lamp, 1), priority=2),
        "SO-2": order_for("SO-2", (lamp, 2)),
        "SO-3": order_for("SO-3", (mug, 3), priority=1),
    }


def test_defaults_are_saved_per_warehouse_and_refusals_write_nothing(
    manager: Any, wh: Any, west: Any
) -> None:
    assert wave_defaults_of(wh).pick_method == PickMethod.DISCRETE  # built in, unsaved
    save_wave_defaults(
        warehouse=wh,
        pick_method=PickMethod.ZONE,
        orders_per_cart=8,
        cluster_max_units=3,
        user=manager,
    )
    saved = wave_defaults_of(wh)
    assert (saved.pick_method, saved.orders_per_cart, saved.cluster_max_units) == ("zone", 8, 3)
    assert wave_defaults_of(west).pk is None
    with assert_nothing_written(), pytest.raises(Exception, match="1 to 26"):
        save_wave_defaults(
            warehouse=wh,
            pick_method=PickMethod.CLUSTER,
            orders_per_cart=40,
            cluster_max_units=0,
            user=manager,
        )


def test_cluster_is_proposed_only_when_every_order_is_small(wh: Any) -> None:
    defaults = WaveDefaults(warehouse=wh, pick_method=PickMethod.ZONE, cluster_max_units=3)
    assert proposed_method(defaults, largest_order_units=3) == PickMethod.CLUSTER
    assert proposed_method(defaults, largest_order_units=4) == PickMethod.ZONE
    never = WaveDefaults(warehouse=wh, pick_method=PickMethod.DISCRETE, cluster_max_units=0)
    assert proposed_method(never, largest_order_units=1) == PickMethod.DISCRETE


def test_the_preview_counts_lists_carts_and_lines(orders: dict[str, Any]) -> None:
    rows = list(Order.objects.order_by("pk"))
    # Most urgent first: SO-3 (priority 1, 1 line), SO-1 (priority 2, 2 lines), SO-2 (1 line).
    discrete = release_preview(rows, PickMethod.DISCRETE, 6)
    assert (discrete.lists, discrete.carts, discrete.lines_per_list) == (3, 0, [1, 2, 1])
    cluster = release_preview(rows, PickMethod.CLUSTER, 2)
    assert (cluster.lists, cluster.carts, cluster.lines_per_list) == (2, 2, [3, 1])
    zone = release_preview(rows, PickMethod.ZONE, 2)
    assert (zone.zones_decided_at_release, zone.lines) == (True, 4)


def test_the_planner_starts_from_the_warehouses_default_and_shows_the_preview(
    http_for: Any, manager: Any, wh: Any, orders: dict[str, Any]
) -> None:
    save_wave_defaults(
        warehouse=wh,
        pick_method=PickMethod.DISCRETE,
        orders_per_cart=2,
        cluster_max_units=3,
        user=manager,
    )
    page = http_for(manager).get("/outbound/waves/plan/", {"warehouse": wh.pk, "max_orders": 200})
    # Every order has at most 3 units: cluster, on carts of 2.
    assert text_by_id(page.content, "preview-method").startswith("Batch / cluster")
    assert text_by_id(page.content, "preview-lists") == (
        "2 pick lists on 2 carts of up to 2 orders, 4 lines in all."
    )
    assert text_by_id(page.content, "preview-lines") == "Lines per list: 3, 1"
    chosen = http_for(manager).get(
        "/outbound/waves/plan/", {"warehouse": wh.pk, "max_orders": 200, "pick_method": "discrete"}
    )
    assert text_by_id(chosen.content, "preview-lists") == "3 pick lists, 4 lines in all."
    assert not Wave.objects.exists()


def test_create_and_release_in_one_step(
    http_for: Any, manager: Any, wh: Any, staging: Any, orders: dict[str, Any]
) -> None:
    save_wave_defaults(
        warehouse=wh,
        pick_method=PickMethod.CLUSTER,
        orders_per_cart=2,
        cluster_max_units=0,
        user=manager,
    )
    response = http_for(manager).post(
        "/outbound/waves/plan/", {"warehouse": wh.pk, "max_orders": 200, "release": "1"}
    )
    wave = Wave.objects.get()
    assert response["Location"] == f"/outbound/waves/{wave.pk}/"
    assert (wave.status, wave.pick_method, wave.orders_per_cart) == (
        WaveStatus.RELEASED,
        PickMethod.CLUSTER,
        2,
    )
    assert PickList.objects.filter(wave=wave).count() == 2
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.RELEASED}


def test_a_step_with_nothing_to_release_is_refused_and_writes_nothing(
    manager: Any, wh: Any, staging: Any, mug: Any, order_for: Any
) -> None:
    # No stock at all: allocation backorders the order, so there is nothing to release.
    empty = order_for("SO-9", (mug, 1))
    with assert_nothing_written(), pytest.raises(Exception, match="no fully allocated order"):
        plan_and_release(
            warehouse=wh,
            order_ids=[empty.pk],
            user=manager,
            pick_method=PickMethod.DISCRETE,
            orders_per_cart=6,
        )
    assert Order.objects.get(pk=empty.pk).wave_id is None


def test_the_defaults_pages(http_for: Any, manager: Any, operator: Any, wh: Any) -> None:
    http = http_for(manager)
    assert http.get("/outbound/waves/defaults/").status_code == 200
    saved = http.post(
        f"/outbound/waves/defaults/{wh.pk}/",
        {"pick_method": "cluster", "orders_per_cart": 4, "cluster_max_units": 2},
    )
    assert saved.status_code == 302
    assert wave_defaults_of(wh).pick_method == PickMethod.CLUSTER
    assert http_for(operator).get(f"/outbound/waves/defaults/{wh.pk}/").status_code == 403
    assert http.get("/outbound/waves/defaults/999999/").status_code == 404
