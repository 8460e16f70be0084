"""A property of the rating job, over random months of floor work (receive, put away, pick,
pack, ship, void, adjust) across three clients with different rate cards (a full card, none, one
that starts mid-month, a narrow one): afterwards every billable event has its charge lines (at
most one per rule) or exactly one entry in the unrated queue, never both, and exactly what the
cards say; and rating the whole outbox again from scratch changes nothing.

Receipts and adjustments go through the ledger (so the nights have real stock to snapshot);
the other activity is written as the floor writes its events. Each example runs in a savepoint
that is rolled back."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any
from unittest import mock

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.models import ChargeLine, RatingCheckpoint, StorageSnapshot, UnratedActivity
from billing.rules import BILLABLE_EVENTS
from billing.services.cards import create_rate_card, create_version
from billing.services.rating import rate_pending
from billing.services.storage import record_storage
from inventory.models import Client, Event, LocationKind, Product
from inventory.services import ledger
from inventory.services.master import create_warehouse
from tests.billing.conftest import local, rule
from tests.factories import LocationFactory

MONTH = dt.date(2026, 2, 1)
FULL, NONE, LATE, NARROW = "full", "none", "late", "narrow"
FULL_RULES = [
    rule("receiving", "per_unit_received", "0.035"),
    rule("receiving", "per_asn", "25"),
    rule("receiving", "putaway_per_lpn", "2.25"),
    rule("picking", "pick_first_unit", "0.95"),
    rule("picking", "pick_additional_unit", "0.30"),
    rule("packing", "pack_per_order", "0.75"),
    rule("packing", "pack_per_carton", "0.50"),
    rule("packing", "materials", markup_percent=D("15")),
    rule("packing", "boxes", markup_percent=D("10")),
    rule("shipping", "label", markup_percent=D("8"), markup_flat=D("0.25")),
    rule("storage", "unit_day", "0.01"),
    rule("storage", "cubic_metre_day", "0.70"),
]
NARROW_RULES = [
    rule("receiving", "per_case_received", "0.40"),
    rule("picking", "pick_per_order", "0.50"),
    rule("packing", "pack_per_order", "0.75"),
    rule("storage", "location_day", "0.50", storage_type="bin"),
]

operation = st.fixed_dictionaries(
    {
        "op": st.sampled_from(["receive", "putaway", "pick", "pack", "ship", "void", "adjust"]),
        "client": st.integers(0, 2),
        "day": st.integers(0, 27),
        "hour": st.integers(0, 23),
        "quantity": st.integers(1, 40),
        "case": st.booleans(),
        "measured": st.booleans(),
        "foreign": st.integers(0, 9).map(lambda n: n == 0),  # one in ten costs are in EUR
        "lpn": st.booleans(),
        "mixed": st.integers(0, 9).map(lambda n: n == 0),  # a putaway of several clients' goods
        "shipment": st.integers(1, 3),
    }
)
month_of_work = st.tuples(
    st.permutations([FULL, NONE, LATE, NARROW]).map(lambda cards: cards[:3]),
    st.lists(operation, min_size=1, max_size=30),
)


@contextlib.contextmanager
def clock(instant: dt.datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=instant):
        yield


def _setup(cards: list[str], manager: Any) -> dict[str, Any]:
    warehouse = create_warehouse(code="PROP", name="Property DC", time_zone="America/New_York")
    shelf = LocationFactory(warehouse=warehouse, code="BIN-P", kind=LocationKind.STORAGE)
    clients, products = [], {}
    for n, variant in enumerate(cards):
        client = Client.objects.create(code=f"p{n}", name=f"Client {n}")
        clients.append((client, variant))
        products[(n, True)] = Product.objects.create(
            client=client, sku=f"P{n}-M", name="Measured", length_mm=100, width_mm=100, height_mm=50
        )
        products[(n, False)] = Product.objects.create(
            client=client, sku=f"P{n}-U", name="Unmeasured"
        )
        if variant == NONE:
            continue
        card = create_rate_card(user=manager, client=client, name=f"Card {n}")
        create_version(
            user=manager,
            card=card,
            effective_from=MONTH + dt.timedelta(days=14) if variant == LATE else MONTH,
            rules=NARROW_RULES if variant == NARROW else FULL_RULES,
        )
    return {"warehouse": warehouse, "shelf": shelf, "clients": clients, "products": products}


def _write(world: dict[str, Any], op: dict[str, Any], manager: Any) -> None:
    """One piece of floor work: its ledger moves (receipts, adjustments) or its event."""
    client, _ = world["clients"][op["client"]]
    product = world["products"][(op["client"], op["measured"])]
    at = local(MONTH + dt.timedelta(days=op["day"]), op["hour"], 30)
    currency = "EUR" if op["foreign"] else "USD"
    kind = op["op"]
    if kind == "receive":
        uom, packs = ("case", op["quantity"]) if op["case"] else ("each", op["quantity"])
        quantity = op["quantity"] * (6 if op["case"] else 1)
        facts = {
            "receipt": {
                "uom": uom,
                "packs": packs,
                "pack_quantity": 6 if op["case"] else 1,
                "asn": None,
            }
        }
        with clock(at):
            ledger.receive(
                user=manager,
                product=product,
                quantity=quantity,
                location=world["shelf"],
                event_payload=facts,
            )
        return
    if kind == "adjust":
        with clock(at):
            ledger.adjust(
                user=manager,
                product=product,
                location=world["shelf"],
                quantity=op["quantity"],
                reason_code="FOUND",
            )
        return
    n = len(world.setdefault("written", []))
    shipment = op["client"] * 10 + op["shipment"]  # a shipment belongs to one client
    events = {
        "putaway": ("putaway.done", {"task": n, "what": "LPN" if op["lpn"] else "loose", "lpn": f"L{n}" if op["lpn"] else None}),
        "pick": ("order.picked", {"order_id": n, "reference": f"O{n}", "picked_units": op["quantity"], "picked_lines": 1 + op["quantity"] % 3}),
        "pack": ("carton.packed", {"carton_id": n, "order": f"O{n}", "sscc": f"{n:018d}", "box_cost": "0.55",
                                   "box_currency": currency, "materials": [{"code": "TAPE", "quantity": 1, "cost": "0.10", "currency": "USD"}]}),
        "ship": ("shipment.label_purchased", {"shipment_id": shipment, "order": f"O{n}", "tracking_code": f"T{n}",
                                              "amount": "6.07", "currency": currency}),
        "void": ("shipment.voided", {"shipment_id": shipment, "tracking_code": f"T{n}"}),
    }  # fmt: skip
    event_type, payload = events[kind]
    owner = None if kind == "putaway" and op["mixed"] else client
    event = Event.objects.create(
        type=event_type, client=owner, warehouse=world["warehouse"], payload=payload, created_at=at
    )
    world["written"].append(event)
    if kind == "pack":
        order = Event.objects.create(
            type="order.packed", client=client, warehouse=world["warehouse"],
            payload={"order_id": n, "reference": f"O{n}", "cartons": 1}, created_at=at,
        )  # fmt: skip
        world["written"].append(order)


def _expected(event: Event, variant: str, charged_labels: set[int], credited: set[int]) -> str:
    """What the cards say should become of a billable event: charged, unrated or nothing
    (activity the card charges another way)."""
    if event.client_id is None:
        return "unrated"
    day = event.created_at.astimezone(local(MONTH).tzinfo).date()
    if event.type == "storage.snapshot":
        day = dt.date.fromisoformat(event.payload["date"])
    if event.type == "shipment.voided":
        purchases = [
            e for e in charged_labels if e < event.pk and Event.objects.get(pk=e).payload["shipment_id"] == event.payload["shipment_id"]
        ]  # fmt: skip
        open_purchases = [e for e in purchases if e not in credited]
        if open_purchases:
            credited.add(max(open_purchases))
            return "charged"
        return "unrated"
    if variant == NONE or (variant == LATE and day < MONTH + dt.timedelta(days=14)):
        return "unrated"
    p = event.payload
    if variant == NARROW:
        return {
            "stock.received": "charged" if p.get("receipt", {}).get("uom") == "case" else "unrated",
            "putaway.done": "nothing",
            "order.picked": "charged",
            "order.packed": "charged",
            "carton.packed": "nothing",
            "shipment.label_purchased": "unrated",
            "storage.snapshot": "charged",
        }[event.type]
    if event.type == "putaway.done":
        return "charged" if p.get("lpn") else "nothing"
    if event.type == "carton.packed":
        return "unrated" if p["box_currency"] != "USD" else "charged"
    if event.type == "shipment.label_purchased":
        if p["currency"] != "USD":
            return "unrated"
        charged_labels.add(event.pk)
        return "charged"
    if event.type == "storage.snapshot":
        snapshot = StorageSnapshot.objects.get(pk=p["snapshot_id"])
        return "unrated" if snapshot.undimensioned else "charged"
    return "charged"


def _outcomes() -> dict[int, str]:
    lines = Counter(ChargeLine.objects.values_list("event_id", flat=True))
    waiting = Counter(
        UnratedActivity.objects.exclude(status="resolved").values_list("event_id", flat=True)
    )
    result = {}
    for event in Event.objects.filter(type__in=BILLABLE_EVENTS):
        assert waiting[event.pk] <= 1, f"{event} waits twice"
        assert not (lines[event.pk] and waiting[event.pk]), f"{event} is both charged and waiting"
        result[event.pk] = (
            "charged" if lines[event.pk] else "unrated" if waiting[event.pk] else "nothing"
        )
    return result


@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(work=month_of_work, batch=st.integers(3, 40))
def test_every_billable_event_is_charged_or_waits_exactly_once(acme, manager, work, batch):
    cards, operations = work
    with transaction.atomic():
        world = _setup(list(cards), manager)
        for op in sorted(operations, key=lambda o: (o["day"], o["hour"])):
            _write(world, op, manager)
        record_storage(now=local(MONTH + dt.timedelta(days=29), 6))
        rate_pending(batch_size=batch)

        variants = {client.pk: variant for client, variant in world["clients"]}
        outcomes = _outcomes()
        charged_labels: set[int] = set()
        credited: set[int] = set()
        expected = {
            event.pk: _expected(
                event, variants.get(event.client_id, NONE), charged_labels, credited
            )
            for event in Event.objects.filter(type__in=BILLABLE_EVENTS).order_by("pk")
        }
        assert outcomes == expected
        keys = list(ChargeLine.objects.values_list("event_id", "rule_id", "sub_key"))
        assert len(keys) == len(set(keys))

        # The whole outbox rated again from scratch: the unique indexes keep everything as is.
        before = sorted(ChargeLine.objects.values_list("event_id", "rule_id", "sub_key", "amount"))
        queue = sorted(UnratedActivity.objects.values_list("event_id", "reason_code"))
        RatingCheckpoint.objects.update(last_txid=0, last_event_id=0)
        rate_pending(batch_size=batch)
        assert (
            sorted(ChargeLine.objects.values_list("event_id", "rule_id", "sub_key", "amount"))
            == before
        )
        assert sorted(UnratedActivity.objects.values_list("event_id", "reason_code")) == queue
        transaction.set_rollback(True)
