"""Labour per client, a fixture day worked out by hand below.

Standards at EAST (seconds): pick 60 per task + 20 per line + 5 per unit + 10 per location;
putaway 90 per task + 2 per unit + 30 per location.

Ann picks one cluster cart 08:00-08:20 (1200 s) holding two orders of two clients:
- Acme Outdoor's SO-A: MUG 1 (A-02), KETTLE 3 (A-03), LAMP 2 (B-01): 3 lines, 6 units, 3 bins;
- the other client's SO-B: GLOBE 4 (A-01): 1 line, 4 units, 1 bin.
The list: 4 lines, 10 units, 4 locations, earning 60 + 4x20 + 10x5 + 4x10 = 230 s. It is shared by
picked lines: Acme 3/4, the other client 1/4.
- Acme: 1200 x 3/4 = 900 s (15 min) of picking, 230 x 3/4 = 172.5 s earned: 19.17 % of standard;
  3 lines in 0.25 h = 12 lines/h, 6 units / 0.25 h = 24 units/h.
- The other client: 300 s (5 min) of picking, 57.5 s earned; 1 line / (5/60 h) = 12 lines/h,
  4 units / (5/60 h) = 48 units/h.
Ann then puts away 20 GLOBE 09:00-09:05 (300 s), earning 90 + 40 + 30 = 160 s: the other
client's putaway.
The other client's day: 600 s (10 min), 217.5 s earned: 36.25 % of standard.
Together the clients' 1500 s are Ann's task time (1200 + 300)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from inventory.models import LpnKind
from labour.models import TaskKind
from labour.selectors import client_measures, day_measures
from labour.services import set_standard
from picking.models import PickList
from picking.services.orders import OrderLineSpec, create_order
from picking.services.picks import confirm_pick, next_pick_list
from picking.services.waves import create_wave, release_wave
from receiving.models import PutawayStatus, PutawayTask
from tests.factories import LocationFactory, LpnFactory, ProductFactory, UserFactory
from tests.helpers import table_records
from tests.picking.conftest import SHIP_TO

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 3)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), dt.UTC)


START, END = at(0), at(0) + dt.timedelta(days=1)


@pytest.fixture
def ann(wh: Any) -> Any:
    return UserFactory(role="operator", email="ann@acme.test", warehouses=[wh])


@pytest.fixture
def day(
    wh: Any,
    bins: Any,
    staging: Any,
    dock: Any,
    mug: Any,
    lamp: Any,
    put: Any,
    manager: Any,
    ann: Any,
    acme_outdoor: Any,
    other_client: Any,
) -> Any:
    for kind, per_task, per_line, per_unit, per_location in [
        (TaskKind.PICK, 60, 20, 5, 10),
        (TaskKind.PUTAWAY, 90, 0, 2, 30),
    ]:
        set_standard(
            warehouse=wh,
            task_kind=kind,
            per_task_seconds=per_task,
            per_line_seconds=per_line,
            per_unit_seconds=per_unit,
            per_location_seconds=per_location,
            user=manager,
        )
    kettle = ProductFactory(client=acme_outdoor, sku="KETTLE")
    globe = ProductFactory(client=other_client, sku="GLOBE")
    for product, place in [(mug, "A-02"), (lamp, "B-01"), (kettle, "A-03"), (globe, "A-01")]:
        put(product, bins[place], 10)
    orders = [
        create_order(
            client=client,
            warehouse=wh,
            reference=reference,
            ship_to=SHIP_TO,
            lines=[OrderLineSpec(product, qty) for product, qty in lines],
            user=manager,
        )[0]
        for client, reference, lines in [
            (acme_outdoor, "SO-A", [(mug, 1), (kettle, 3), (lamp, 2)]),
            (other_client, "SO-B", [(globe, 4)]),
        ]
    ]
    wave = create_wave(
        warehouse=wh, order_ids=[o.pk for o in orders], user=manager, pick_method="cluster"
    ).wave
    release_wave(
        wave=wave,
        user=manager,
        pick_method="cluster",
        orders_per_cart=2,
        staging_location=staging,
    )
    totes = {
        orders[0].pk: LpnFactory(code="TOTE-A", warehouse=wh, kind=LpnKind.TOTE).code,
        orders[1].pk: LpnFactory(code="TOTE-B", warehouse=wh, kind=LpnKind.TOTE).code,
    }
    pick_list = next_pick_list(ann, [wh.pk])
    assert pick_list is not None
    lines = list(pick_list.lines.select_related("location", "product").order_by("sequence"))
    assert len(lines) == 4
    for line in lines:
        confirm_pick(
            user=ann,
            pick_line_id=line.pk,
            location_code=line.location.barcode,
            item_code=line.product.sku,
            tote_code=totes[line.order_id],
        )
    # The scans' own times are today's; the fixture day moves them to 08:00-08:20.
    PickList.objects.filter(pk=pick_list.pk).update(started_at=at(8), finished_at=at(8, 20))
    PutawayTask.objects.create(
        warehouse=wh,
        product=globe,
        quantity=20,
        from_location=dock,
        confirmed_location=LocationFactory(warehouse=wh, code="R-01"),
        status=PutawayStatus.DONE,
        assigned_to=ann,
        created_at=at(8, 30),
        started_at=at(9),
        done_at=at(9, 5),
    )
    return pick_list


def test_per_client_measures_match_the_hand_worked_figures(
    wh: Any, day: Any, acme_outdoor: Any, other_client: Any
) -> None:
    measures = {m.client.code: m for m in client_measures(wh, START, END)}
    assert set(measures) == {acme_outdoor.code, other_client.code}
    acme = measures[acme_outdoor.code]
    assert set(acme.kinds) == {TaskKind.PICK}
    pick = acme.kinds[TaskKind.PICK]
    assert (pick.tasks, pick.lines, pick.units, pick.locations) == (1, 3, 6, 3)
    assert (pick.task_seconds, pick.standard_seconds) == (900, 172.5)
    assert (pick.lines_per_hour, pick.units_per_hour) == (12, 24)
    assert acme.percent_of_standard == pytest.approx(19.167, abs=0.001)
    other = measures[other_client.code]
    pick, putaway = other.kinds[TaskKind.PICK], other.kinds[TaskKind.PUTAWAY]
    assert (pick.tasks, pick.lines, pick.units, pick.locations) == (1, 1, 4, 1)
    assert (pick.task_seconds, pick.standard_seconds) == (300, 57.5)
    assert (pick.lines_per_hour, pick.units_per_hour) == (12, 48)
    assert (putaway.tasks, putaway.units, putaway.task_seconds, putaway.standard_seconds) == (
        1,
        20,
        300,
        160,
    )
    assert (other.task_seconds, other.standard_seconds) == (600, 217.5)
    assert other.percent_of_standard == 36.25
    # The clients' minutes add up to the operator's.
    (ann_day,) = day_measures(wh, START, END, now=at(12))
    assert ann_day.task_seconds == acme.task_seconds + other.task_seconds == 1500
    assert ann_day.standard_seconds == acme.standard_seconds + other.standard_seconds == 390


def test_the_day_page_shows_and_exports_the_per_client_measures(
    http_for: Any, manager: Any, wh: Any, day: Any, acme_outdoor: Any, other_client: Any
) -> None:
    http = http_for(manager)
    page = http.get("/labour/", {"warehouse": wh.code, "day": DAY.isoformat()})
    rows = table_records(page.content, with_column="Client")
    assert [(r["Client"], r["Task"], r["Lines"], r["Task min"]) for r in rows] == [
        (code, label, lines, minutes)
        for code, label, lines, minutes in sorted(
            [
                (acme_outdoor.code, "Pick", "3", "15.0"),
                (other_client.code, "Pick", "1", "5.0"),
                (other_client.code, "Putaway", "1", "5.0"),
            ],
            key=lambda r: r[0],
        )
    ]
    export = http.get(
        "/labour/",
        {"warehouse": wh.code, "day": DAY.isoformat(), "format": "csv", "by": "client"},
    )
    assert "labour-by-client-" in export["Content-Disposition"]
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    records = {(r["Client"], r["Task kind"]): r for r in csv.DictReader(io.StringIO(body))}
    assert records[(acme_outdoor.code, "Pick")]["Standard minutes"] == "2.88"  # 172.5 s
    assert records[(other_client.code, "Putaway")]["Percent of standard"] == "53.33"  # 160/300
    assert len(records) == 3
