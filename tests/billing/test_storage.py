"""Storage by night: each client's stock at the end of each local day, from the ledger as of
that midnight; missed nights filled in later exactly as on time; daylight saving, months of
28, 30 and 31 days, a warehouse far from UTC; and the storage rules' golden numbers."""

from __future__ import annotations

import contextlib
import datetime as dt
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any
from unittest import mock

from billing.models import ChargeLine, StorageDay, StorageSnapshot, UnratedActivity
from billing.services.rating import rate_events, rate_pending
from billing.services.storage import end_of_day, record_night, record_storage
from inventory.models import Product, Warehouse
from inventory.services import ledger
from tests.billing.conftest import local, rule
from tests.factories import LocationFactory, LpnFactory

UTC = dt.UTC


@contextlib.contextmanager
def clock(instant: dt.datetime) -> Iterator[None]:
    """The ledger posts (and dates its moves and events) at `instant`."""
    with mock.patch("django.utils.timezone.now", return_value=instant):
        yield


def receive(
    user: Any, product: Any, location: Any, quantity: int, at: dt.datetime, **extra: Any
) -> None:
    with clock(at):
        ledger.receive(user=user, product=product, quantity=quantity, location=location, **extra)


def snapshot(wh: Warehouse, client: Any, day: dt.date) -> StorageSnapshot | None:
    return StorageSnapshot.objects.filter(warehouse=wh, client=client, date=day).first()


def test_a_night_counts_the_ledger_as_of_the_local_midnight(wh, places, acme_outdoor, mug, manager):
    day = dt.date(2026, 3, 3)
    receive(manager, mug, places["bin"], 30, local(day, 10))
    with clock(local(day, 23, 59)):
        ledger.move(user=manager, product=mug, quantity=10, from_location=places["bin"],
                    to_location=places["shelf"])  # fmt: skip
    receive(manager, mug, places["bin"], 5, local(day + dt.timedelta(days=1), 0, 1))

    # Recorded a week later: the moves since do not count.
    assert record_night(warehouse=wh, day=day, now=local(day + dt.timedelta(days=7))) == 1

    night = snapshot(wh, acme_outdoor, day)
    assert (night.units, night.volume_cm3, night.pallets) == (30, 30_000, 0)
    assert night.locations == {"bin": 1, "shelf": 1}
    assert StorageDay.objects.get(warehouse=wh, date=day).as_of == local(
        day + dt.timedelta(days=1), 0
    )
    # Recording the same night again writes nothing.
    assert record_night(warehouse=wh, day=day) == 0
    assert StorageSnapshot.objects.count() == 1


def test_missed_nights_are_filled_in_as_they_would_have_been(
    wh, places, acme_outdoor, mug, manager
):
    first = dt.date(2026, 3, 2)
    for offset, quantity in enumerate((10, 20, 30, 40)):
        receive(manager, mug, places["bin"], quantity, local(first + dt.timedelta(days=offset), 15))
    # On time on the 2nd; then the task stops until the morning of the 6th (three nights missed).
    record_storage(now=local(dt.date(2026, 3, 3), 1))
    assert list(StorageDay.objects.values_list("date", flat=True)) == [first]

    record_storage(now=local(dt.date(2026, 3, 6), 3))

    nights = StorageSnapshot.objects.filter(warehouse=wh).order_by("date")
    assert [(n.date, n.units) for n in nights] == [
        (dt.date(2026, 3, 2), 10),
        (dt.date(2026, 3, 3), 30),
        (dt.date(2026, 3, 4), 60),
        (dt.date(2026, 3, 5), 100),
    ]


def test_daylight_saving_days_end_at_their_own_midnight(wh, places, acme_outdoor, mug, manager):
    """New York springs forward on 8 March 2026 (a 23-hour day) and falls back on 1 November
    (25 hours). A receipt at 00:30 the next morning never counts for the night before; one at
    23:30 always does, whatever the UTC offset of that day."""
    spring, autumn = dt.date(2026, 3, 8), dt.date(2026, 11, 1)
    assert end_of_day(spring, wh.time_zone) == dt.datetime(2026, 3, 9, 4, 0, tzinfo=UTC)
    assert end_of_day(autumn, wh.time_zone) == dt.datetime(2026, 11, 2, 5, 0, tzinfo=UTC)
    receive(manager, mug, places["bin"], 1, dt.datetime(2026, 3, 9, 3, 30, tzinfo=UTC))  # 23:30 EDT
    receive(manager, mug, places["bin"], 10, dt.datetime(2026, 3, 9, 4, 30, tzinfo=UTC))  # 00:30
    receive(
        manager, mug, places["shelf"], 100, dt.datetime(2026, 11, 2, 4, 30, tzinfo=UTC)
    )  # 23:30 EST
    receive(
        manager, mug, places["shelf"], 1000, dt.datetime(2026, 11, 2, 5, 30, tzinfo=UTC)
    )  # 00:30

    record_night(warehouse=wh, day=spring)
    record_night(warehouse=wh, day=autumn)

    assert snapshot(wh, acme_outdoor, spring).units == 1
    assert snapshot(wh, acme_outdoor, autumn).units == 111


def test_a_warehouse_far_from_utc_keeps_its_own_days(acme_outdoor, manager):
    """Kiritimati is UTC+14: 11:00 UTC on 31 January is 01:00 on 1 February there."""
    from inventory.services.master import create_warehouse

    island = create_warehouse(code="KIRI", name="Line Islands", time_zone="Pacific/Kiritimati")
    shelf = LocationFactory(warehouse=island, code="K-1", storage_type="shelf")
    mug = Product.objects.create(client=acme_outdoor, sku="K-MUG", name="Mug")
    receive(manager, mug, shelf, 4, dt.datetime(2026, 1, 30, 12, 0, tzinfo=UTC))  # 31 Jan 02:00
    receive(manager, mug, shelf, 6, dt.datetime(2026, 1, 31, 11, 0, tzinfo=UTC))  # 1 Feb 01:00

    # 10:30 UTC on 1 February is 00:30 on 2 February there: 31 Jan and 1 Feb have ended.
    record_storage(now=dt.datetime(2026, 2, 1, 10, 30, tzinfo=UTC))

    days = StorageSnapshot.objects.filter(warehouse=island).order_by("date")
    assert [(n.date, n.units) for n in days] == [
        (dt.date(2026, 1, 31), 4),
        (dt.date(2026, 2, 1), 10),
    ]
    assert StorageDay.objects.get(warehouse=island, date=dt.date(2026, 2, 1)).as_of == dt.datetime(
        2026, 2, 1, 10, 0, tzinfo=UTC
    )


def test_storage_rules_golden(wh, places, acme_outdoor, mug, tent, manager, card_for):
    """One night: 30 mugs (1,000 cm³ each) in a bin, 12 on a pallet at a pallet position,
    inside LPN PAL-1; nothing else."""
    card_for(
        acme_outdoor,
        [
            rule("storage", "location_day", "0.50", storage_type="bin"),
            rule("storage", "location_day", "1.20", storage_type="pallet_position"),
            rule("storage", "location_day", "0.30", storage_type="floor"),
            rule("storage", "pallet_day", "0.45"),
            rule("storage", "cubic_foot_day", "0.02"),
            rule("storage", "cubic_metre_day", "0.70"),
            rule("storage", "unit_day", "0.002"),
        ],
    )
    day = dt.date(2026, 3, 12)
    pallet = LpnFactory(code="PAL-1", warehouse=wh, kind="pallet")
    receive(manager, mug, places["bin"], 30, local(day, 9))
    receive(manager, mug, places["pallet_position"], 12, local(day, 9), lpn=pallet)
    record_night(warehouse=wh, day=day)

    rate_pending()

    lines = ChargeLine.objects.filter(kind="storage").order_by("rule__position")
    # 42,000 cm³ = 1.4832 ft³ (42,000 / 28,316.846592) and 0.042 m³; no floor spot is used, so
    # the floor rule counts nothing and writes no line.
    assert [(line.description, line.quantity, line.unit_price, line.amount) for line in lines] == [
        ("Per bin-day", D("1"), D("0.5"), D("0.50")),
        ("Per pallet position-day", D("1"), D("1.2"), D("1.20")),
        ("Per pallet-day (LPNs of kind pallet)", D("1"), D("0.45"), D("0.45")),
        ("Per cubic foot-day", D("1.4832"), D("0.02"), D("0.03")),
        ("Per cubic metre-day", D("0.042"), D("0.7"), D("0.03")),
        ("Per unit-day", D("42"), D("0.002"), D("0.08")),
    ]
    assert {line.activity_date for line in lines} == {day}
    assert {line.snapshot_id for line in lines} == {snapshot(wh, acme_outdoor, day).pk}


def test_volume_rules_wait_for_dimensions_then_charge_them(
    wh, places, acme_outdoor, mug, tent, manager, card_for
):
    card_for(
        acme_outdoor,
        [rule("storage", "cubic_metre_day", "1.00"), rule("storage", "unit_day", "0.01")],
    )
    day = dt.date(2026, 3, 12)
    receive(manager, mug, places["bin"], 10, local(day, 9))
    receive(manager, tent, places["shelf"], 2, local(day, 9))
    record_night(warehouse=wh, day=day)

    rate_pending()

    # The whole night waits: half a night's storage is not charged.
    assert ChargeLine.objects.count() == 0
    # (The receipts wait too: this card has no receiving rule.)
    (waiting,) = UnratedActivity.objects.filter(status="open", kind="storage")
    assert waiting.reason_code == "missing_dimensions"
    assert waiting.reason == "Storage by volume needs dimensions of TENT."

    Product.objects.filter(pk=tent.pk).update(length_mm=1000, width_mm=500, height_mm=200)
    from billing.services.charges import rerate_unrated

    rerate_unrated(user=manager, entries=[waiting])

    # 10 x 1,000 cm³ + 2 x 100,000 cm³ = 0.21 m³.
    assert [
        (line.basis, line.quantity, line.amount)
        for line in ChargeLine.objects.order_by("rule__position")
    ] == [
        ("cubic_metre_day", D("0.21"), D("0.21")),
        ("unit_day", D("12"), D("0.12")),
    ]
    assert UnratedActivity.objects.get(pk=waiting.pk).status == "resolved"


def _month_of_storage(
    wh: Warehouse, places: dict[str, Any], mug: Any, manager: Any, month: dt.date
) -> None:
    """Ten mugs in from the day before the month, every night of the month recorded."""
    receive(manager, mug, places["bin"], 10, local(month - dt.timedelta(days=1), 12))
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    record_storage(now=local(next_month, 6))


def test_daily_storage_charges_every_night_of_28_30_and_31_day_months(
    wh, places, acme_outdoor, mug, manager, card_for
):
    card_for(
        acme_outdoor, [rule("storage", "unit_day", "0.01")], effective_from=dt.date(2026, 1, 1)
    )
    _month_of_storage(wh, places, mug, manager, dt.date(2026, 2, 1))
    receive(manager, mug, places["bin"], 1, local(dt.date(2026, 3, 31), 23, 59))
    record_storage(now=local(dt.date(2026, 5, 1), 6))

    rate_pending()

    def nights(start: dt.date, end: dt.date) -> tuple[int, D]:
        rows = ChargeLine.objects.filter(activity_date__range=(start, end), basis="unit_day")
        return rows.count(), sum((r.amount for r in rows), D("0"))

    # 10 units x 0.01 a night: February 28 nights, March 31 (the 31st ends with 11 units),
    # April 30 (11 units).
    assert nights(dt.date(2026, 2, 1), dt.date(2026, 2, 28)) == (28, D("2.80"))
    assert nights(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == (31, D("3.11"))
    assert nights(dt.date(2026, 4, 1), dt.date(2026, 4, 30)) == (30, D("3.30"))


def test_half_month_storage_bills_the_1st_and_the_16th_only(
    wh, places, acme_outdoor, mug, manager, card_for
):
    card_for(
        acme_outdoor,
        [rule("storage", "unit_day", "0.15")],
        effective_from=dt.date(2026, 1, 1),
        storage_mode="half_month",
    )
    _month_of_storage(wh, places, mug, manager, dt.date(2026, 2, 1))

    rate_pending()

    lines = ChargeLine.objects.order_by("activity_date")
    assert [(line.activity_date, line.quantity, line.amount) for line in lines] == [
        (dt.date(2026, 2, 1), D("10"), D("1.50")),
        (dt.date(2026, 2, 16), D("10"), D("1.50")),
    ]
    # The other nights (31 January and 26 of February) are recorded but not billable under a
    # half-month card: neither charged nor waiting.
    assert StorageSnapshot.objects.count() == 29
    assert UnratedActivity.objects.filter(kind="storage").count() == 0


def test_snapshots_are_rated_again_from_the_snapshot_not_the_ledger_of_today(
    wh, places, acme_outdoor, mug, manager, card_for
):
    """Re-rating a night long after reads the night's snapshot, not today's stock."""
    card_for(acme_outdoor, [rule("storage", "unit_day", "0.10")])
    day = dt.date(2026, 3, 12)
    receive(manager, mug, places["bin"], 10, local(day, 9))
    record_night(warehouse=wh, day=day)
    receive(manager, mug, places["bin"], 90, local(day + dt.timedelta(days=1), 9))
    rate_pending()
    (line,) = ChargeLine.objects.all()
    event_id = line.event_id
    ChargeLine.objects.all().delete()

    rate_events([event_id])

    assert [(line.quantity, line.amount) for line in ChargeLine.objects.all()] == [
        (D("10"), D("1.00"))
    ]


def test_each_client_gets_its_own_night(wh, places, acme_outdoor, other_client, mug, manager):
    day = dt.date(2026, 3, 12)
    cup = Product.objects.create(client=other_client, sku="CUP", name="Cup")
    receive(manager, mug, places["bin"], 3, local(day, 9))
    receive(manager, cup, places["bin"], 4, local(day, 9))
    record_night(warehouse=wh, day=day)
    rows = {s.client_id: (s.units, s.locations) for s in StorageSnapshot.objects.all()}
    # The bin holds both clients' goods: each is counted for it.
    assert rows == {acme_outdoor.pk: (3, {"bin": 1}), other_client.pk: (4, {"bin": 1})}
    assert zoneinfo.ZoneInfo(wh.time_zone).key == "America/New_York"


def test_the_first_run_over_an_old_ledger_starts_two_months_back(wh, places, mug, manager):
    receive(manager, mug, places["bin"], 1, local(dt.date(2024, 1, 10), 12))
    record_storage(now=local(dt.date(2026, 3, 10), 6))
    days = list(
        StorageDay.objects.filter(warehouse=wh).order_by("date").values_list("date", flat=True)
    )
    assert (days[0], days[-1], len(days)) == (dt.date(2026, 1, 6), dt.date(2026, 3, 9), 63)
