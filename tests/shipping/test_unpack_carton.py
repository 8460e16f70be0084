"""Unpacking or discarding an opened carton at the pack station: every unit goes back through the
ledger to the tote it was packed from, the order's lines count it as not packed again, the carton
is discarded and gives its number to the next one; a closed carton, or one of another warehouse,
is refused with nothing written; a repeated key unpacks once."""

from __future__ import annotations

from typing import Any

import pytest

from control.models import ReturnTask
from inventory.models import Balance, Event, Reason, StockMove
from inventory.reconcile import find_drift
from picking.models import OrderStatus
from picking.services.orders import cancel_order
from shipping.exceptions import PackRefused
from shipping.models import Carton, CartonLine, CartonStatus
from shipping.services.pack_documents import carton_label_for
from shipping.services.packing import close_carton, open_carton, pack_item, to_pack
from shipping.services.unpacking import UNPACK_REF, unpack_carton
from tests.factories import UserFactory, give_scope
from tests.helpers import (
    assert_nothing_written,
    element,
    link_targets,
    table_records,
    text_by_id,
)
from tests.shipping.pack_world import BALM_LOT

pytestmark = pytest.mark.django_db


def stock() -> list[tuple[str, str, str, str, int]]:
    """Every balance with units: (location, LPN, SKU, lot, on hand)."""
    rows = Balance.objects.filter(on_hand__gt=0).select_related("location", "lpn", "product", "lot")
    return sorted(
        (
            b.location.code,
            b.lpn.code if b.lpn else "",
            b.product.sku,
            b.lot.number if b.lot else "",
            b.on_hand,
        )
        for b in rows
    )


def counters(order: Any) -> list[tuple[str, int, int]]:
    return [(r.product.sku, r.packed, r.remaining) for r in to_pack(order)]


@pytest.fixture
def packed_carton(picked_order: Any, operator: Any, station: Any, boxes: Any) -> Any:
    carton = open_carton(
        order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
    )
    pack_item(user=operator, carton=carton, code="MUG", quantity=2)
    pack_item(user=operator, carton=carton, code="LAMP")
    pack_item(user=operator, carton=carton, code="BALM", quantity=2, lot=BALM_LOT)
    return carton


def test_unpacking_moves_every_unit_back_into_the_tote_and_the_counters_back(
    picked_order: Any, operator: Any, station: Any, boxes: Any
) -> None:
    before = stock()
    carton = open_carton(
        order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
    )
    pack_item(user=operator, carton=carton, code="MUG", quantity=1)
    pack_item(user=operator, carton=carton, code="MUG", quantity=1)
    pack_item(user=operator, carton=carton, code="BALM", quantity=2, lot=BALM_LOT)
    assert counters(picked_order) == [("MUG", 2, 0), ("LAMP", 0, 1), ("BALM", 2, 0)]
    assert stock() != before

    result = unpack_carton(user=operator, carton=carton)

    assert result.units == 4
    assert "Carton 1 unpacked: 4 units back" in result.message
    assert stock() == before
    assert ("STAGE-1", "TOTE-001", "MUG", "", 2) in before
    assert not Balance.objects.filter(lpn=carton.lpn, on_hand__gt=0).exists()
    assert counters(picked_order) == [("MUG", 0, 2), ("LAMP", 0, 1), ("BALM", 0, 2)]
    assert not CartonLine.objects.filter(carton=carton).exists()
    carton.refresh_from_db()
    assert carton.status == CartonStatus.DISCARDED
    # Two pack moves of mugs come back as one move; every move back is reason move.
    back = StockMove.objects.filter(reference_type=UNPACK_REF, reference_id=str(carton.pk))
    assert sorted((m.product.sku, m.quantity, m.reason, m.to_lpn.code) for m in back) == [
        ("BALM", 2, Reason.MOVE, "TOTE-001"),
        ("MUG", 2, Reason.MOVE, "TOTE-001"),
    ]
    event = Event.objects.get(type="carton.discarded")
    assert event.payload["carton_id"] == carton.pk and event.payload["units"] == 4
    assert {(r["sku"], r["quantity"], r["to"], r["lpn"]) for r in event.payload["returned"]} == {
        ("MUG", 2, "STAGE-1", "TOTE-001"),
        ("BALM", 2, "STAGE-1", "TOTE-001"),
    }
    assert find_drift() == []
    picked_order.refresh_from_db()
    assert picked_order.status == OrderStatus.PICKED


def test_after_unpacking_the_order_packs_again_into_carton_1_of_1(
    picked_order: Any, packed_carton: Any, operator: Any, station: Any, boxes: Any
) -> None:
    unpack_carton(user=operator, carton=packed_carton)
    again = open_carton(
        order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
    )
    assert again.number == 1 and again.pk != packed_carton.pk
    for code, quantity, lot in (("MUG", 2, ""), ("LAMP", 1, ""), ("BALM", 2, BALM_LOT)):
        pack_item(user=operator, carton=again, code=code, quantity=quantity, lot=lot)
    closed = close_carton(user=operator, carton=again, weight_g=220 + 700 + 120 + 80)
    assert closed.order_packed
    label = carton_label_for(closed.carton)
    assert (label.carton_number, label.carton_count) == (1, 1)
    assert find_drift() == []


def test_unpacking_the_open_second_carton_leaves_the_closed_first_one_alone(
    picked_order: Any, operator: Any, station: Any, boxes: Any
) -> None:
    first = open_carton(
        order=picked_order, box_type=boxes["BOX-M"], pack_station=station, user=operator
    )
    pack_item(user=operator, carton=first, code="MUG", quantity=2)
    close_carton(user=operator, carton=first, weight_g=220 + 700)
    second = open_carton(
        order=picked_order, box_type=boxes["BOX-S"], pack_station=station, user=operator
    )
    pack_item(user=operator, carton=second, code="LAMP")
    in_first = stock()

    unpack_carton(user=operator, carton=second)

    assert counters(picked_order) == [("MUG", 2, 0), ("LAMP", 0, 1), ("BALM", 0, 2)]
    assert [row for row in stock() if row[1] == first.lpn.code] == [
        row for row in in_first if row[1] == first.lpn.code
    ]
    assert ("STAGE-1", "TOTE-001", "LAMP", "", 1) in stock()
    third = open_carton(
        order=picked_order, box_type=boxes["BOX-S"], pack_station=station, user=operator
    )
    assert third.number == 2
    assert find_drift() == []


def test_an_empty_carton_is_discarded(
    picked_order: Any, operator: Any, station: Any, boxes: Any
) -> None:
    carton = open_carton(
        order=picked_order, box_type=boxes["BOX-S"], pack_station=station, user=operator
    )
    before = StockMove.objects.count()
    result = unpack_carton(user=operator, carton=carton)
    assert result.units == 0 and result.message == "Carton 1 was empty and is discarded."
    assert StockMove.objects.count() == before
    assert Carton.objects.get(pk=carton.pk).status == CartonStatus.DISCARDED
    assert Event.objects.filter(type="carton.discarded", payload__units=0).count() == 1


def test_a_closed_carton_is_refused_and_nothing_is_written(
    picked_order: Any, packed_carton: Any, operator: Any
) -> None:
    close_carton(user=operator, carton=packed_carton, weight_g=220 + 700 + 120 + 80)
    with (
        assert_nothing_written(),
        pytest.raises(PackRefused, match="Carton 1 of order SO-1 is closed; only an open carton"),
    ):
        unpack_carton(user=operator, carton=packed_carton)


def test_a_carton_of_another_warehouse_is_refused_and_nothing_is_written(
    packed_carton: Any, west: Any
) -> None:
    stranger = UserFactory(role="operator", email="west@acme.test")
    give_scope(stranger, warehouses=[west])
    with assert_nothing_written(), pytest.raises(PackRefused) as refused:
        unpack_carton(user=stranger, carton=packed_carton)
    assert refused.value.code == "wrong_warehouse"
    assert "is in warehouse EAST, not one of yours" in refused.value.message


def test_a_repeated_key_unpacks_once_and_a_second_unpack_is_refused(
    packed_carton: Any, operator: Any
) -> None:
    first = unpack_carton(user=operator, carton=packed_carton, idempotency_key="unpack-1")
    moves = StockMove.objects.count()
    again = unpack_carton(user=operator, carton=packed_carton, idempotency_key="unpack-1")
    assert again == first
    assert StockMove.objects.count() == moves
    with assert_nothing_written(), pytest.raises(PackRefused, match="is discarded"):
        unpack_carton(user=operator, carton=packed_carton, idempotency_key="unpack-2")


def test_a_cancelled_orders_carton_unpacks_into_the_tote_its_return_tasks_start_from(
    picked_order: Any, packed_carton: Any, operator: Any, manager: Any
) -> None:
    cancel_order(order=picked_order, user=manager)
    unpack_carton(user=operator, carton=packed_carton)
    assert [row for row in stock() if row[1] == "TOTE-001"] == [
        ("STAGE-1", "TOTE-001", "BALM", BALM_LOT, 2),
        ("STAGE-1", "TOTE-001", "LAMP", "", 1),
        ("STAGE-1", "TOTE-001", "MUG", "", 2),
    ]
    tasks = ReturnTask.objects.filter(reference_type="order", reference_id=str(picked_order.pk))
    assert {(t.from_location.code, t.from_lpn.code if t.from_lpn else "") for t in tasks} == {
        ("STAGE-1", "TOTE-001")
    }
    assert sum(t.quantity for t in tasks) == 5
    assert find_drift() == []


# --- The pack station's pages ----------------------------------------------------------------


@pytest.mark.parametrize("base", ["/shipping/pack", "/floor/pack"])
def test_the_page_asks_first_and_the_post_unpacks(
    http_for: Any, picked_order: Any, packed_carton: Any, operator: Any, base: str
) -> None:
    http = http_for(operator)
    order_page = http.get(f"{base}/orders/{picked_order.pk}/").content.decode()
    url = f"{base}/cartons/{packed_carton.pk}/unpack/"
    assert link_targets(order_page)["Unpack carton 1"] == url

    with assert_nothing_written(except_tables=["django_session"]):
        asked = http.get(url)
    assert asked.status_code == 200
    body = asked.content.decode()
    assert text_by_id(body, "unpack-question") == "Unpack carton 1 of order SO-1?"
    assert table_records(body, with_column="Back to") == [
        {"SKU": "MUG", "Lot": "-", "Units": "2", "Back to": "STAGE-1 · tote TOTE-001"},
        {"SKU": "LAMP", "Lot": "-", "Units": "1", "Back to": "STAGE-1 · tote TOTE-001"},
        {"SKU": "BALM", "Lot": BALM_LOT, "Units": "2", "Back to": "STAGE-1 · tote TOTE-001"},
    ]
    assert element(body, "#unpack-form button").get_text(strip=True) == "Unpack carton 1"

    done = http.post(url, {"idempotency_key": "page-1"}, follow=True)
    assert "Carton 1 unpacked: 5 units back where they were packed from" in done.content.decode()
    assert done.redirect_chain[-1][0] == f"{base}/orders/{picked_order.pk}/"
    assert text_by_id(done.content.decode(), "remaining-count") == "5"
    assert Carton.objects.get(pk=packed_carton.pk).status == CartonStatus.DISCARDED
    assert find_drift() == []

    again = http.post(url, {"idempotency_key": "page-2"}, follow=True)
    assert "is discarded; only an open carton is unpacked" in again.content.decode()


def test_the_page_offers_to_discard_an_empty_carton(
    http_for: Any, picked_order: Any, operator: Any, station: Any, boxes: Any
) -> None:
    carton = open_carton(
        order=picked_order, box_type=boxes["BOX-S"], pack_station=station, user=operator
    )
    http = http_for(operator)
    order_page = http.get(f"/floor/pack/orders/{picked_order.pk}/").content.decode()
    url = f"/floor/pack/cartons/{carton.pk}/unpack/"
    assert link_targets(order_page)["Discard carton 1"] == url
    asked = http.get(url).content.decode()
    assert text_by_id(asked, "unpack-question") == "Discard empty carton 1 of order SO-1?"
    done = http.post(url, {}, follow=True)
    assert "Carton 1 was empty and is discarded." in done.content.decode()


def test_a_client_user_may_not_and_an_operator_of_another_warehouse_finds_no_carton(
    http_for: Any, packed_carton: Any, client_user: Any, west: Any
) -> None:
    stranger = UserFactory(role="operator", email="west@acme.test")
    give_scope(stranger, warehouses=[west])
    url = f"/shipping/pack/cartons/{packed_carton.pk}/unpack/"
    with assert_nothing_written(except_tables=["django_session"]):
        assert http_for(client_user).get(url).status_code == 403
        assert http_for(client_user).post(url, {}).status_code == 403
        assert http_for(stranger).get(url).status_code == 404
        assert http_for(stranger).post(url, {}).status_code == 404
        assert http_for().post(url, {}).status_code == 302


# --- The API ---------------------------------------------------------------------------------


def test_the_api_unpacks_once_per_key_and_refuses_a_closed_carton(
    operator_api: Any, picked_order: Any, packed_carton: Any, operator: Any
) -> None:
    url = f"/cartons/{packed_carton.pk}/unpack"
    first = operator_api.post(url, {}, **{"Idempotency-Key": "unpack-api-1"})
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["units_returned"] == 5
    assert body["carton"]["status"] == "discarded" and body["carton"]["lines"] == []
    assert body["carton"]["order_remaining_units"] == 5
    moves = StockMove.objects.filter(reference_type=UNPACK_REF).count()
    events = Event.objects.filter(type="carton.discarded").count()
    again = operator_api.post(url, {}, **{"Idempotency-Key": "unpack-api-1"})
    assert again.status_code == 200 and again.json() == body
    assert StockMove.objects.filter(reference_type=UNPACK_REF).count() == moves == 3
    assert Event.objects.filter(type="carton.discarded").count() == events == 1

    carton = open_carton(
        order=picked_order,
        box_type=packed_carton.box_type,
        pack_station=packed_carton.pack_station,
        user=operator,
    )
    pack_item(user=operator, carton=carton, code="MUG", quantity=2)
    close_carton(user=operator, carton=carton, weight_g=220 + 700)
    with assert_nothing_written(except_tables=["idempotency_idempotencyrecord"]):
        refused = operator_api.post(f"/cartons/{carton.pk}/unpack", {})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "carton_closed"


def test_the_api_answers_404_outside_the_scope_and_403_to_a_client_user(
    api_as: Any, client_api: Any, packed_carton: Any, west: Any
) -> None:
    stranger = UserFactory(role="operator", email="west@acme.test")
    give_scope(stranger, warehouses=[west])
    url = f"/cartons/{packed_carton.pk}/unpack"
    with assert_nothing_written(except_tables=["accounts_apitoken"]):
        assert api_as(stranger).post(url, {}).status_code == 404
        assert client_api.post(url, {}).status_code == 403
    assert Carton.objects.get(pk=packed_carton.pk).status == CartonStatus.OPEN


def test_a_cancelled_orders_open_carton_is_offered_for_unpacking_on_its_page(
    http_for: Any, picked_order: Any, packed_carton: Any, operator: Any, manager: Any
) -> None:
    cancel_order(order=picked_order, user=manager)
    page = http_for(operator).get(f"/floor/pack/orders/{picked_order.pk}/").content.decode()
    assert link_targets(page)["Unpack"] == f"/floor/pack/cartons/{packed_carton.pk}/unpack/"
