"""Handheld picking through the Django test client: ask for work, the step-by-step scans of a
pick (bin, item, lot, quantity when more than one unit is left, tote), refusals that name what was expected and write nothing,
an idempotent final scan, short picks, and who may not touch a list.

The pages carry the scan state in hidden fields; `Handheld` does what the browser does with
them: it posts each scan with the fields of the last response."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import CountRequest, StockMove
from picking.models import OrderStatus, PickLine, PickLineStatus, PickList, PickListStatus
from picking.services.waves import create_wave, release_wave
from tests.factories import LotFactory, UserFactory, give_scope
from tests.helpers import element, link_targets, option_labels, page, scan_results, text_by_id

pytestmark = pytest.mark.django_db


def hidden_fields(body: str) -> dict[str, str]:
    """The step fields the pick page carries for its scan form."""
    return {
        field["name"]: field.get("value", "")
        for field in page(body).select('input[type="hidden"][form="pick-scan"]')
    }


class Handheld:
    """An operator's handheld on one pick list: keeps the hidden step fields between scans."""

    def __init__(self, http: Any, pick_list: PickList) -> None:
        self.http = http
        self.url = f"/floor/pick/{pick_list.pk}/scan/"
        self.response = http.get(f"/floor/pick/{pick_list.pk}/")
        assert self.response.status_code == 200
        self.fields = hidden_fields(self.body)

    @property
    def body(self) -> str:
        return str(self.response.content.decode())

    def post(self, **data: str) -> Any:
        self.response = self.http.post(self.url, {**self.fields, **data}, HTTP_HX_REQUEST="true")
        assert self.response.status_code == 200
        if hidden_fields(self.body):
            self.fields = hidden_fields(self.body)
        return self.response

    def scan(self, *codes: str) -> str:
        for code in codes:
            self.post(code=code)
        return self.body


def result_of(body: str) -> tuple[str, str]:
    """The result line of a scan response: ("ok" or "error", its message)."""
    results = scan_results(body)
    assert results, body
    return results[0]


@pytest.fixture
def cluster(
    wh: Any,
    bins: Any,
    staging: Any,
    totes: Any,
    mug: Any,
    lamp: Any,
    put: Any,
    order_for: Any,
    manager: Any,
) -> PickList:
    """One cluster cart: SO-1 (2 MUG, 1 LAMP) and SO-2 (2 LAMP). Walking order: A-01 LAMP for
    SO-1, A-01 LAMP for SO-2, A-02 MUG for SO-1; B-01 holds more mugs."""
    put(mug, bins["A-02"], 3)
    put(mug, bins["B-01"], 10)
    put(lamp, bins["A-01"], 5)
    first = order_for("SO-1", (mug, 2), (lamp, 1))
    second = order_for("SO-2", (lamp, 2))
    wave = create_wave(warehouse=wh, order_ids=[first.pk, second.pk], user=manager).wave
    [pick_list] = release_wave(
        wave=wave, user=manager, pick_method="cluster", orders_per_cart=4
    ).pick_lists
    return pick_list


def picks() -> int:
    return StockMove.objects.filter(reason="pick").count()


def get_work(http: Any) -> Any:
    return http.post("/floor/pick/work/")


def test_get_work_assigns_a_list_and_shows_its_first_pick_in_walking_order(
    http_for: Any, operator: Any, cluster: PickList
) -> None:
    http = http_for(operator)
    response = get_work(http)
    assert response.status_code == 302
    assert response["Location"] == f"/floor/pick/{cluster.pk}/"
    cluster.refresh_from_db()
    assert (cluster.assigned_to, cluster.status) == (operator, PickListStatus.IN_PROGRESS)

    body = http.get(response["Location"]).content.decode()
    assert text_by_id(body, "pick-bin") == "A-01"
    assert text_by_id(body, "pick-position") == "Line 1 of 3"
    assert text_by_id(body, "pick-sku") == "LAMP"
    assert text_by_id(body, "pick-qty") == "1 to pick"
    assert "SO-1" in body
    assert text_by_id(body, "pick-slot") == "Slot A · scan an empty tote"
    assert text_by_id(body, "pick-prompt") == "Go to A-01 and scan the bin"
    assert element(body, "#scan-input") is not None
    # The home resumes the list instead of handing out another.
    assert f"Resume {cluster.number}" in http.get("/floor/pick/").content.decode()
    assert get_work(http)["Location"] == f"/floor/pick/{cluster.pk}/"


def test_no_waiting_work_is_said_on_the_home(http_for: Any, operator: Any, east: Any) -> None:
    http = http_for(operator)
    response = get_work(http)
    assert response["Location"] == "/floor/pick/"
    body = http.get("/floor/pick/").content.decode()
    assert "No pick work waiting in EAST. Try again in a while." in body
    assert "Get work" in body


def test_floor_home_links_to_picking(http_for: Any, operator: Any) -> None:
    assert link_targets(http_for(operator).get("/floor/").content)["Pick"] == "/floor/pick/"


def test_wrong_bin_is_refused_with_the_expected_bin_and_writes_nothing(
    http_for: Any, operator: Any, cluster: PickList
) -> None:
    http = http_for(operator)
    get_work(http)
    handheld = Handheld(http, cluster)

    body = handheld.scan("B-A-02")
    assert result_of(body) == ("error", "Wrong bin: expected A-01, scanned B-A-02.")
    assert handheld.fields["bin"] == ""
    assert text_by_id(body, "pick-prompt") == "Go to A-01 and scan the bin"
    assert picks() == 0


def test_the_step_sequence_picks_into_the_orders_tote_and_moves_to_the_next_line(
    http_for: Any, operator: Any, cluster: PickList
) -> None:
    http = http_for(operator)
    get_work(http)
    handheld = Handheld(http, cluster)

    body = handheld.scan("B-A-01")
    assert result_of(body) == ("ok", "B-A-01 ✓")
    assert text_by_id(body, "pick-prompt") == "Scan LAMP"
    body = handheld.scan("0009998887776")
    # One unit to pick: the item scan counts it, so no quantity is asked.
    assert text_by_id(body, "pick-prompt") == "Scan an empty tote for slot A"
    assert picks() == 0  # nothing is written before the last scan of the pick

    body = handheld.scan("TOTE-001")
    assert result_of(body) == ("ok", "Picked 1 x LAMP into TOTE-001")
    move = StockMove.objects.get(reason="pick")
    assert (move.quantity, move.to_lpn.code, move.to_location.code) == (1, "TOTE-001", "STAGE-1")
    # The next pick: same bin, the second order's slot, its tote still to choose.
    assert text_by_id(body, "pick-position") == "Line 2 of 3"
    assert text_by_id(body, "pick-slot") == "Slot B · scan an empty tote"
    assert handheld.fields["bin"] == ""


def test_a_resent_final_scan_with_the_same_key_writes_once(
    http_for: Any, operator: Any, cluster: PickList
) -> None:
    http = http_for(operator)
    get_work(http)
    handheld = Handheld(http, cluster)
    handheld.scan("B-A-01", "LAMP")
    final = {**handheld.fields, "code": "TOTE-001"}
    assert len(final["pick_key"]) == 32

    first = http.post(handheld.url, final, HTTP_HX_REQUEST="true").content.decode()
    again = http.post(handheld.url, final, HTTP_HX_REQUEST="true").content.decode()
    assert result_of(first) == result_of(again) == ("ok", "Picked 1 x LAMP into TOTE-001")
    assert picks() == 1
    line = PickLine.objects.get(pk=final["line"])
    assert (line.picked_qty, line.status) == (1, PickLineStatus.PICKED)


def test_too_many_units_are_refused_before_the_tote_scan(
    http_for: Any, operator: Any, cluster: PickList
) -> None:
    http = http_for(operator)
    get_work(http)
    handheld = Handheld(http, cluster)
    handheld.scan("B-A-01", "LAMP", "TOTE-001")
    body = handheld.scan("B-A-01", "LAMP")
    assert text_by_id(body, "pick-prompt") == (
        "1 of 2: scan LAMP again for each, or key how many, or scan the tote"
    )
    body = handheld.scan("5")
    assert result_of(body) == ("error", "Too many: 2 left to pick here; you entered 5.")
    assert handheld.fields["qty"] == ""
    body = handheld.scan("0001112223334")  # another item's barcode where a quantity was asked for
    assert result_of(body) == (
        "error",
        "Expected a quantity (a number in digits 0-9); scanned 0001112223334.",
    )
    assert handheld.fields["counted"] == "1"
    assert picks() == 1


def test_a_wrong_item_and_a_taken_tote_are_refused_with_what_was_expected(
    http_for: Any, operator: Any, cluster: PickList
) -> None:
    http = http_for(operator)
    get_work(http)
    handheld = Handheld(http, cluster)
    body = handheld.scan("B-A-01", "0001112223334")
    assert result_of(body) == ("error", "Wrong item: expected LAMP (Head lamp), scanned MUG.")
    handheld.scan("LAMP", "TOTE-001")
    body = handheld.scan("B-A-01", "LAMP", "2", "TOTE-001")
    assert result_of(body) == (
        "error",
        "Tote TOTE-001 already holds order SO-1; take an empty one.",
    )
    assert picks() == 1


def test_short_pick_reallocates_from_another_bin_and_the_new_line_joins_the_list(
    http_for: Any, operator: Any, cluster: PickList, bins: Any, mug: Any
) -> None:
    http = http_for(operator)
    get_work(http)
    handheld = Handheld(http, cluster)
    handheld.scan("B-A-01", "LAMP", "TOTE-001")
    handheld.scan("B-A-01", "LAMP", "2", "TOTE-002")

    body = handheld.scan("B-A-02")
    body = handheld.post(action="short").content.decode()
    assert result_of(body) == ("ok", "Short pick: count what is in the bin.")
    assert text_by_id(body, "pick-prompt") == "How many are there? (fewer than 2)"
    assert handheld.fields["bin"] == "B-A-02"  # the bin scan is kept
    body = handheld.scan("2")
    assert result_of(body) == (
        "error",
        "2 is not short: 2 are to be picked here; go back to picking and confirm the pick instead.",
    )
    body = handheld.scan("1", "MUG")
    assert text_by_id(body, "pick-prompt") == "Put in tote TOTE-001 (slot A) and scan it"
    body = handheld.scan("TOTE-001")

    assert result_of(body) == (
        "ok",
        "Short 1 at A-02; 1 found elsewhere and added to your list.",
    )
    assert text_by_id(body, "pick-position") == "Line 4 of 4"
    assert text_by_id(body, "pick-bin") == "B-01"
    assert CountRequest.objects.filter(location=bins["A-02"], product=mug).count() == 1
    assert picks() == 3

    body = handheld.scan("B-B-01", "MUG", "TOTE-001")
    assert handheld.response["HX-Redirect"] == f"/floor/pick/{cluster.pk}/"
    done = http.get(f"/floor/pick/{cluster.pk}/").content.decode()
    assert f"Pick list {cluster.number} is done" in done
    assert "5 units picked; 1 bin reported short, a count is requested." in done
    assert "Picked 1 x MUG into TOTE-001" in done
    assert "Get more work" in done
    assert element(done, "#scan-input") is None
    assert set(cluster.slots.values_list("order__status", flat=True)) == {OrderStatus.PICKED}


def test_short_with_none_there_and_none_elsewhere_marks_the_line_short(
    http_for: Any,
    operator: Any,
    wh: Any,
    bins: Any,
    staging: Any,
    lamp: Any,
    put: Any,
    order_for: Any,
    manager: Any,
) -> None:
    put(lamp, bins["A-01"], 2)
    order = order_for("SO-9", (lamp, 2))
    wave = create_wave(warehouse=wh, order_ids=[order.pk], user=manager).wave
    [pick_list] = release_wave(wave=wave, user=manager).pick_lists
    http = http_for(operator)
    get_work(http)
    handheld = Handheld(http, pick_list)
    handheld.scan("B-A-01")
    handheld.post(action="short")
    body = handheld.scan("0")
    assert result_of(body) == ("ok", "Short 2 at A-01; none elsewhere, the line is short.")
    assert picks() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKED
    assert order.lines.get().short_qty == 2


def test_a_lot_tracked_pick_asks_for_the_reserved_lot_and_refuses_another(
    http_for: Any,
    operator: Any,
    wh: Any,
    bins: Any,
    staging: Any,
    balm: Any,
    put: Any,
    order_for: Any,
    manager: Any,
) -> None:
    import datetime as dt

    soon = LotFactory(
        product=balm, number="L-SOON", expiry_date=dt.date.today() + dt.timedelta(400)
    )
    LotFactory(product=balm, number="L-LATE", expiry_date=dt.date.today() + dt.timedelta(800))
    put(balm, bins["A-03"], 4, soon)
    order = order_for("SO-7", (balm, 3))
    wave = create_wave(warehouse=wh, order_ids=[order.pk], user=manager).wave
    [pick_list] = release_wave(wave=wave, user=manager).pick_lists
    http = http_for(operator)
    get_work(http)
    handheld = Handheld(http, pick_list)
    assert text_by_id(handheld.body, "pick-lot") == "L-SOON"

    body = handheld.scan("B-A-03", "BALM")
    assert text_by_id(body, "pick-prompt") == "Scan lot L-SOON"
    body = handheld.scan("L-LATE")
    assert result_of(body) == ("error", "Wrong lot: expected L-SOON, scanned L-LATE.")
    body = handheld.scan("L-SOON", "")
    assert result_of(body) == (
        "error",
        "1 of 3: scan BALM again for each, or key how many: nothing scanned.",
    )
    body = handheld.scan("3")
    assert result_of(body) == ("ok", "Picked 3 x BALM")
    move = StockMove.objects.get(reason="pick")
    assert (move.lot, move.quantity) == (soon, 3)


def test_two_operators_get_different_lists_and_cannot_act_on_each_others(
    http_for: Any,
    operator: Any,
    east: Any,
    wh: Any,
    bins: Any,
    staging: Any,
    lamp: Any,
    put: Any,
    order_for: Any,
    manager: Any,
) -> None:
    put(lamp, bins["A-01"], 5)
    orders = [order_for("SO-1", (lamp, 1)), order_for("SO-2", (lamp, 1))]
    wave = create_wave(warehouse=wh, order_ids=[o.pk for o in orders], user=manager).wave
    release_wave(wave=wave, user=manager)  # discrete: one list per order
    colleague = UserFactory(role="operator", email="colleague@acme.test")
    give_scope(colleague, warehouses=[east])
    mine, theirs = http_for(operator), http_for(colleague)

    my_list = get_work(mine)["Location"]
    their_list = get_work(theirs)["Location"]
    assert my_list != their_list

    # The colleague's handheld on my list: it does not exist for them, and nothing is written.
    my_pk = int(my_list.strip("/").rsplit("/", 1)[1])
    line = PickLine.objects.get(pick_list_id=my_pk)
    assert theirs.get(my_list).status_code == 404
    response = theirs.post(
        f"{my_list}scan/",
        {"line": line.pk, "bin": "B-A-01", "item": "LAMP", "code": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 404
    assert picks() == 0
    assert PickList.objects.get(pk=my_pk).assigned_to == operator


def test_client_users_and_operators_of_other_warehouses_are_kept_out(
    http_for: Any, client_user: Any, west: Any, cluster: PickList
) -> None:
    client = http_for(client_user)
    assert client.get("/floor/pick/").status_code == 403
    assert get_work(client).status_code == 403
    assert client.get(f"/floor/pick/{cluster.pk}/").status_code == 403

    outsider = UserFactory(role="operator", email="west@acme.test")
    give_scope(outsider, warehouses=[west])
    http = http_for(outsider)
    assert get_work(http)["Location"] == "/floor/pick/"
    assert http.get(f"/floor/pick/{cluster.pk}/").status_code == 404
    cluster.refresh_from_db()
    assert (cluster.assigned_to, cluster.status) == (None, PickListStatus.RELEASED)


def test_a_step_scan_costs_a_fixed_handful_of_queries(
    http_for: Any, operator: Any, cluster: PickList, django_assert_max_num_queries: Any
) -> None:
    http = http_for(operator)
    get_work(http)
    handheld = Handheld(http, cluster)
    # Session, user, warehouses, list, line, lines, slots and the barcode check, whatever the
    # list's length (the test settings also count each search_path switch, about half of these).
    with django_assert_max_num_queries(20):
        handheld.scan("B-A-01")
    with django_assert_max_num_queries(24):
        handheld.scan("0009998887776")


def test_asking_for_work_in_a_zone_hands_out_that_zones_list(
    http_for: Any,
    operator: Any,
    wh: Any,
    bins: Any,
    zone_b: Any,
    staging: Any,
    mug: Any,
    lamp: Any,
    put: Any,
    order_for: Any,
    manager: Any,
) -> None:
    put(lamp, bins["A-01"], 5)
    put(mug, bins["B-01"], 5)
    order = order_for("SO-1", (lamp, 1), (mug, 1))
    wave = create_wave(warehouse=wh, order_ids=[order.pk], user=manager).wave
    lists = release_wave(wave=wave, user=manager, pick_method="zone").pick_lists
    in_b = next(pl for pl in lists if pl.zone_id == zone_b.pk)
    http = http_for(operator)
    home = http.get("/floor/pick/").content.decode()
    assert option_labels(home, "zone")[str(zone_b.pk)] == "ZB"

    response = http.post("/floor/pick/work/", {"zone": str(zone_b.pk)})
    assert response["Location"] == f"/floor/pick/{in_b.pk}/"
    assert text_by_id(http.get(response["Location"]).content, "pick-bin") == "B-01"
