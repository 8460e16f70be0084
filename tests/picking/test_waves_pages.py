"""Wave pages: planning from filters over open orders (preview, then create), the wave's page
with its release form and a progress block that polls only while pickers work, cancel of a
planned wave (confirmed first), the wave list, and wave rules stored in the planning shape."""

from __future__ import annotations

from typing import Any

import pytest

from picking.models import Order, PickList, Wave, WaveRule, WaveStatus
from picking.selectors import open_orders
from picking.services.picks import next_pick_list
from picking.services.waves import create_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(bins: Any, mug: Any, lamp: Any, put: Any, order_for: Any) -> dict[str, Any]:
    put(mug, bins["A-02"], 5)
    put(lamp, bins["B-01"], 5)
    return {
        "SO-1": order_for("SO-1", (mug, 1), carrier_service="UPS Ground"),
        "SO-2": order_for("SO-2", (lamp, 2), carrier_service="FedEx"),
        "SO-3": order_for("SO-3", (lamp, 1), carrier_service="UPS Ground", priority=1),
    }


def test_planning_previews_matching_orders_and_writes_nothing(
    http_for: Any, manager: Any, wh: Any, zone_b: Any, orders: Any
) -> None:
    page = http_for(manager).get(
        "/outbound/waves/plan/",
        {"warehouse": wh.pk, "units": "single", "max_orders": 200, "pick_method": "discrete"},
    )
    assert "2 matching open orders" in page.text
    assert "SO-3" in page.text and "SO-1" in page.text and "SO-2" not in page.text
    assert "Create and release these 2 orders" in page.text
    assert "Create the wave only (release later)" in page.text
    zone = http_for(manager).get(
        "/outbound/waves/plan/",
        {"warehouse": wh.pk, "zone": zone_b.pk, "max_orders": 200, "pick_method": "discrete"},
    )
    assert "2 matching open orders" in zone.text and "SO-1" not in zone.text
    assert not Wave.objects.exists()


def test_planning_creates_a_wave_of_the_most_urgent_matching_orders(
    http_for: Any, manager: Any, wh: Any, orders: Any
) -> None:
    response = http_for(manager).post(
        "/outbound/waves/plan/",
        {
            "warehouse": wh.pk,
            "carrier_service": "UPS Ground",
            "max_orders": 1,
            "pick_method": "cluster",
        },
    )
    wave = Wave.objects.get()
    assert response["Location"] == f"/outbound/waves/{wave.pk}/"
    assert list(wave.orders.values_list("reference", flat=True)) == ["SO-3"]
    assert (wave.pick_method, wave.filters) == ("cluster", {"carrier_service": "UPS Ground"})


def test_detail_releases_and_polls_only_while_live(
    http_for: Any, manager: Any, operator: Any, wh: Any, staging: Any, orders: Any
) -> None:
    wave = create_wave(warehouse=wh, order_ids=[o.pk for o in orders.values()], user=manager).wave
    http = http_for(manager)
    planned = http.get(f"/outbound/waves/{wave.pk}/")
    assert "3 allocated" in planned.text
    assert 'hx-trigger="every 3s"' not in planned.text
    assert "Release to the floor" in planned.text
    released = http.post(
        f"/outbound/waves/{wave.pk}/release/",
        {"pick_method": "zone", "orders_per_cart": 6, "staging_location": staging.pk},
        follow=True,
    )
    assert "Released 3 orders on 2 lists." in released.text
    assert 'hx-trigger="every 3s"' in released.text
    assert PickList.objects.filter(wave=wave).count() == 2
    next_pick_list(operator, [wh.pk])
    fragment = http.get(f"/outbound/waves/{wave.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.text
    assert "0 picked, 0 short, 3 remaining of 3" in fragment.text
    assert operator.email in fragment.text


def test_cancel_asks_first_and_frees_the_orders(
    http_for: Any, manager: Any, wh: Any, orders: Any
) -> None:
    wave = create_wave(warehouse=wh, order_ids=[orders["SO-1"].pk], user=manager).wave
    http = http_for(manager)
    assert "Cancel Wave" in http.get(f"/outbound/waves/{wave.pk}/cancel/").text
    assert Wave.objects.get(pk=wave.pk).status == WaveStatus.PLANNED
    http.post(f"/outbound/waves/{wave.pk}/cancel/")
    assert Wave.objects.get(pk=wave.pk).status == WaveStatus.CANCELLED
    assert Order.objects.get(pk=orders["SO-1"].pk).wave_id is None


def test_list_and_who_may_see_waves(
    http_for: Any, manager: Any, operator: Any, client_user: Any, wh: Any, orders: Any
) -> None:
    wave = create_wave(warehouse=wh, order_ids=[orders["SO-1"].pk], user=manager).wave
    assert wave.number in http_for(manager).get("/outbound/waves/").text
    for user in (operator, client_user):
        http = http_for(user)
        assert http.get("/outbound/waves/").status_code == 403
        assert http.get(f"/outbound/waves/{wave.pk}/").status_code == 403
        assert http.post(f"/outbound/waves/{wave.pk}/release/", {}).status_code == 403
        assert http.post("/outbound/waves/plan/", {"warehouse": wh.pk}).status_code == 403
    assert Wave.objects.count() == 1
    assert http_for(manager).get("/outbound/waves/999999/").status_code == 404


def test_wave_rules_store_the_planning_filter(
    http_for: Any, manager: Any, wh: Any, acme_outdoor: Any, zone_b: Any, orders: Any
) -> None:
    http = http_for(manager)
    response = http.post(
        "/outbound/waves/rules/new/",
        {
            "name": "Single lamps",
            "warehouse": wh.pk,
            "client": acme_outdoor.pk,
            "zone": zone_b.pk,
            "units": "single",
            "pick_method": "cluster",
            "max_orders": 50,
            "interval_minutes": 30,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = WaveRule.objects.get()
    assert rule.filters == {"client": "acme-outdoor", "zone": "ZB", "units": "single"}
    assert [o.reference for o in open_orders(wh, rule.filters)] == ["SO-3"]
    assert "Single lamps" in http.get("/outbound/waves/rules/").text
    edit = http.get(f"/outbound/waves/rules/{rule.pk}/")
    assert 'value="single" selected' in edit.text
    http.post(f"/outbound/waves/rules/{rule.pk}/delete/")
    assert not WaveRule.objects.exists()
