"""Golden tests of the rating job for the activity rules (receiving, putaway, picking, packing,
shipping), hand-calculated here. Events are written with the payloads the floor writes (the
floor's own services are exercised in test_floor_events.py), at chosen instants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

from billing.models import BillingPeriod, ChargeLine
from billing.services.rating import rate_pending
from tests.billing.conftest import counts, lines_of, local, rule, unrated_of

DAY = dt.date(2026, 3, 10)


def amounts(event: Any) -> list[tuple[str, D, D, D]]:
    """(basis, quantity, unit price, amount) of the event's lines, in rule order."""
    return [(line.basis, line.quantity, line.unit_price, line.amount) for line in lines_of(event)]


def receipt(
    quantity: int, *, uom: str = "each", packs: int | None = None, asn: str | None = "ASN-1"
) -> dict[str, Any]:
    return {
        "sku": "MUG",
        "quantity": quantity,
        "reference": {"type": "asn_line", "id": "1"},
        "receipt": {"uom": uom, "packs": packs or quantity, "pack_quantity": 1, "asn": asn},
    }


def test_receiving_per_asn_line_unit_and_case(wh, acme_outdoor, card_for, write_event):
    card_for(
        acme_outdoor,
        [
            rule("receiving", "per_asn", "25"),
            rule("receiving", "per_receipt_line", "1.50"),
            rule("receiving", "per_unit_received", "0.035"),
            rule("receiving", "per_case_received", "0.40"),
        ],
    )
    closed = write_event(
        "asn.closed",
        {
            "asn": 1,
            "reference": "ASN-1",
            "lines": [{"received": 10}, {"received": 0}, {"received": 5}],
        },
        client=acme_outdoor,
        at=local(DAY),
    )
    eaches = write_event("stock.received", receipt(7), client=acme_outdoor, at=local(DAY))
    cases = write_event(
        "stock.received",
        receipt(36, uom="case", packs=3, asn=None),
        client=acme_outdoor,
        at=local(DAY),
    )

    rate_pending()

    # One ASN at 25.00; two of its three lines received something: 2 x 1.50.
    assert amounts(closed) == [
        ("per_asn", D("1"), D("25"), D("25.00")),
        ("per_receipt_line", D("2"), D("1.5"), D("3.00")),
    ]
    # 7 x 0.035 = 0.245, rounded half-up to 0.25; eaches count no cases; a receipt of an ASN is
    # no receipt line of its own (the ASN's close counts its lines).
    assert amounts(eaches) == [("per_unit_received", D("7"), D("0.035"), D("0.25"))]
    # A blind receipt of 3 cases of 12: one receipt line, 36 x 0.035 = 1.26, 3 x 0.40 = 1.20.
    assert amounts(cases) == [
        ("per_receipt_line", D("1"), D("1.5"), D("1.50")),
        ("per_unit_received", D("36"), D("0.035"), D("1.26")),
        ("per_case_received", D("3"), D("0.4"), D("1.20")),
    ]
    assert [line.asn_reference for line in lines_of(closed)] == ["ASN-1", "ASN-1"]
    assert counts() == (6, 0)


def test_per_pallet_charges_the_first_receipt_onto_an_empty_pallet(
    wh, places, acme_outdoor, mug, manager, card_for
):
    from inventory.models import Event
    from inventory.services import ledger
    from tests.factories import LpnFactory

    card_for(
        acme_outdoor,
        [
            rule("receiving", "per_pallet_received", "8"),
            rule("receiving", "per_unit_received", "0.01"),
        ],
    )
    pallet = LpnFactory(code="PAL-1", warehouse=wh, kind="pallet")
    dock = places["dock"]
    facts = {"receipt": {"uom": "each", "packs": 1, "pack_quantity": 1, "asn": None}}
    for quantity in (5, 3):
        ledger.receive(
            user=manager,
            product=mug,
            quantity=quantity,
            location=dock,
            lpn=pallet,
            event_payload=facts,
        )
    # Emptied (shipped), then used again for another receipt: a new pallet in.
    ledger.ship_lpn(user=manager, lpn=pallet)
    ledger.receive(
        user=manager, product=mug, quantity=2, location=dock, lpn=pallet, event_payload=facts
    )

    rate_pending()

    received = list(Event.objects.filter(type="stock.received").order_by("pk"))
    assert [[line.basis for line in lines_of(e)] for e in received] == [
        ["per_pallet_received", "per_unit_received"],
        ["per_unit_received"],
        ["per_pallet_received", "per_unit_received"],
    ]
    assert ChargeLine.objects.filter(basis="per_pallet_received").count() == 2


def test_putaway_per_lpn_charges_whole_lpn_tasks_and_finds_their_client(
    wh, acme_outdoor, card_for, write_event
):
    card_for(acme_outdoor, [rule("receiving", "putaway_per_lpn", "2.25")])
    lpn_task = write_event(
        "putaway.done",
        {"task": 1, "what": "LPN PAL-9", "lpn": "PAL-9"},
        client=acme_outdoor,
        at=local(DAY),
    )
    loose_task = write_event(
        "putaway.done",
        {"task": 2, "what": "3 x MUG", "lpn": None},
        client=acme_outdoor,
        at=local(DAY),
    )

    rate_pending()

    assert amounts(lpn_task) == [("putaway_per_lpn", D("1"), D("2.25"), D("2.25"))]
    # A loose putaway is not what this card charges (it has a receiving rule): neither charged
    # nor waiting.
    assert lines_of(loose_task) == [] and unrated_of(loose_task) == []


def test_picking_first_unit_additional_lines_and_ranges(wh, acme_outdoor, card_for, write_event):
    card_for(
        acme_outdoor,
        [
            rule("picking", "pick_per_order", "0.50"),
            rule("picking", "pick_per_line", "0.10"),
            rule("picking", "pick_first_unit", "0.95"),
            rule("picking", "pick_additional_unit", "0.30"),
            rule("picking", "pick_unit_range", "0.25", tier_from=2, tier_to=10),
            rule("picking", "pick_unit_range", "0.15", tier_from=11),
        ],
    )

    def picked(units: int, lines: int) -> Any:
        payload = {"order_id": units, "reference": f"ORD-{units}", "status": "picked",
                   "picked_units": units, "short_units": 0, "picked_lines": lines}  # fmt: skip
        return write_event("order.picked", payload, client=acme_outdoor, at=local(DAY))

    fourteen, one, ten = picked(14, 3), picked(1, 1), picked(10, 2)

    rate_pending()

    # 14 units on 3 lines: 0.50 + 3 x 0.10 + 0.95 + 13 x 0.30 + units 2-10 (9) x 0.25
    # + units 11-14 (4) x 0.15.
    assert amounts(fourteen) == [
        ("pick_per_order", D("1"), D("0.5"), D("0.50")),
        ("pick_per_line", D("3"), D("0.1"), D("0.30")),
        ("pick_first_unit", D("1"), D("0.95"), D("0.95")),
        ("pick_additional_unit", D("13"), D("0.3"), D("3.90")),
        ("pick_unit_range", D("9"), D("0.25"), D("2.25")),
        ("pick_unit_range", D("4"), D("0.15"), D("0.60")),
    ]
    assert sum(line.amount for line in lines_of(fourteen)) == D("8.50")
    # One unit: no additional unit, no unit in either range.
    assert [b for b, *_ in amounts(one)] == ["pick_per_order", "pick_per_line", "pick_first_unit"]
    # Ten units: 9 in the first range, none above 10.
    assert amounts(ten)[-1] == ("pick_unit_range", D("9"), D("0.25"), D("2.25"))
    assert [line.order_reference for line in lines_of(one)] == ["ORD-1"] * 3


def test_packing_orders_cartons_materials_and_boxes_at_cost_plus(
    wh, acme_outdoor, card_for, write_event
):
    card_for(
        acme_outdoor,
        [
            rule("packing", "pack_per_order", "0.75"),
            rule("packing", "pack_per_carton", "0.50"),
            rule("packing", "materials", markup_percent=D("15")),
            rule("packing", "boxes", markup_percent=D("10"), markup_flat=D("0.05")),
        ],
    )
    carton = write_event(
        "carton.packed",
        {
            "carton_id": 1,
            "order_id": 1,
            "order": "ORD-1",
            "sscc": "006141410000000017",
            "box_type": "M",
            "box_cost": "0.85",
            "box_currency": "USD",
            "materials": [
                {"code": "FILL", "quantity": 2, "cost": "0.05", "currency": "USD"},
                {"code": "TAPE", "quantity": 1, "cost": "0.10", "currency": "USD"},
            ],
        },
        client=acme_outdoor,
        at=local(DAY),
    )
    own_box = write_event(
        "carton.packed",
        {
            "carton_id": 2,
            "order_id": 2,
            "order": "ORD-2",
            "sscc": "006141410000000024",
            "box_type": None,
            "box_cost": None,
            "box_currency": None,
            "materials": [],
        },
        client=acme_outdoor,
        at=local(DAY),
    )
    order = write_event(
        "order.packed",
        {"order_id": 1, "reference": "ORD-1", "status": "packed", "cartons": 1, "units": 3},
        client=acme_outdoor,
        at=local(DAY),
    )

    rate_pending()

    # Materials: FILL 0.05 + 15% = 0.0575 each, 2 = 0.115 -> 0.12; TAPE 0.10 + 15% = 0.115
    # -> 0.12. Box: 0.85 + 10% + 0.05 = 0.985 -> 0.99.
    assert amounts(carton) == [
        ("pack_per_carton", D("1"), D("0.5"), D("0.50")),
        ("materials", D("2"), D("0.0575"), D("0.12")),
        ("materials", D("1"), D("0.115"), D("0.12")),
        ("boxes", D("1"), D("0.985"), D("0.99")),
    ]
    assert [line.description for line in lines_of(carton)][1:3] == [
        "Packaging materials at cost plus markup: FILL",
        "Packaging materials at cost plus markup: TAPE",
    ]
    assert {line.carton_sscc for line in lines_of(carton)} == {"006141410000000017"}
    # Its own box and no materials: the carton fee only.
    assert amounts(own_box) == [("pack_per_carton", D("1"), D("0.5"), D("0.50"))]
    assert amounts(order) == [("pack_per_order", D("1"), D("0.75"), D("0.75"))]


def label(shipment: int, amount: str, currency: str = "USD") -> dict[str, Any]:
    return {
        "shipment_id": shipment,
        "order_id": 1,
        "order": "ORD-1",
        "status": "label_purchased",
        "tracking_code": f"TRK{shipment}",
        "carrier": "USPS",
        "service": "Priority",
        "amount": amount,
        "currency": currency,
    }


def test_label_cost_plus_percent_and_flat_and_a_void_credits_it(
    wh, acme_outdoor, card_for, write_event
):
    card_for(
        acme_outdoor, [rule("shipping", "label", markup_percent=D("8"), markup_flat=D("0.25"))]
    )
    bought = write_event(
        "shipment.label_purchased", label(7, "6.07"), client=acme_outdoor, at=local(DAY)
    )
    voided = write_event(
        "shipment.voided",
        {"shipment_id": 7, "order_id": 1, "status": "voided", "tracking_code": "TRK7"},
        client=acme_outdoor,
        at=local(DAY + dt.timedelta(days=1)),
    )

    rate_pending()

    # 6.07 + 8% = 6.5556, + 0.25 = 6.8056 -> 6.81 (unit price kept to 4 decimals).
    assert amounts(bought) == [("label", D("1"), D("6.8056"), D("6.81"))]
    (credit,) = lines_of(voided)
    assert (credit.quantity, credit.unit_price, credit.amount) == (D("-1"), D("6.8056"), D("-6.81"))
    assert credit.credits_event_id == bought.pk
    assert credit.tracking_code == "TRK7" and credit.activity_date == DAY + dt.timedelta(days=1)
    # Voiding the same label twice never credits twice.
    again = write_event(
        "shipment.voided",
        {"shipment_id": 7, "status": "voided"},
        client=acme_outdoor,
        at=local(DAY),
    )
    rate_pending()
    assert lines_of(again) == []
    assert [u.reason_code for u in unrated_of(again)] == ["nothing_to_credit"]


def test_a_label_bought_in_another_currency_waits_unrated(wh, acme_outdoor, card_for, write_event):
    card_for(acme_outdoor, [rule("shipping", "label", markup_percent=D("8"))])
    bought = write_event(
        "shipment.label_purchased", label(8, "5.00", "EUR"), client=acme_outdoor, at=local(DAY)
    )

    rate_pending()

    assert lines_of(bought) == []
    (waiting,) = unrated_of(bought)
    assert waiting.reason_code == "currency"
    assert waiting.reason == "The label cost 5.00 EUR; invoices are in USD."


def test_an_event_is_dated_by_its_warehouse_clock(wh, acme_outdoor, card_for, write_event):
    """23:30 in New York on 31 January is 04:30 UTC on 1 February: January's charge."""
    card_for(acme_outdoor, [rule("receiving", "per_asn", "25")])
    late = write_event(
        "asn.closed", {"reference": "A", "lines": []}, client=acme_outdoor,
        at=local(dt.date(2026, 1, 31), 23, 30),
    )  # fmt: skip
    early = write_event(
        "asn.closed", {"reference": "B", "lines": []}, client=acme_outdoor,
        at=local(dt.date(2026, 2, 1), 0, 10),
    )  # fmt: skip

    rate_pending()

    (january,) = lines_of(late)
    (february,) = lines_of(early)
    assert january.activity_date == dt.date(2026, 1, 31)
    assert (january.period.start_date, january.period.end_date) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
    )
    assert february.period.start_date == dt.date(2026, 2, 1)


def test_the_version_in_effect_on_the_day_prices_it_and_a_later_one_on_the_same_day_wins(
    wh, acme_outdoor, card_for, write_event
):
    card_for(acme_outdoor, [rule("receiving", "per_asn", "10")], effective_from=dt.date(2026, 1, 1))
    february = card_for(
        acme_outdoor, [rule("receiving", "per_asn", "20")], effective_from=dt.date(2026, 2, 1)
    )
    before = write_event(
        "asn.closed", {"reference": "A"}, client=acme_outdoor, at=local(dt.date(2026, 1, 31))
    )
    after = write_event(
        "asn.closed", {"reference": "B"}, client=acme_outdoor, at=local(dt.date(2026, 2, 1))
    )
    rate_pending()
    assert [line.amount for line in lines_of(before)] == [D("10.00")]
    assert [(line.amount, line.version_id) for line in lines_of(after)] == [
        (D("20.00"), february.pk)
    ]

    fixed = card_for(
        acme_outdoor, [rule("receiving", "per_asn", "30")], effective_from=dt.date(2026, 2, 1)
    )
    later = write_event(
        "asn.closed", {"reference": "C"}, client=acme_outdoor, at=local(dt.date(2026, 2, 2))
    )
    rate_pending()
    assert [(line.amount, line.version_id) for line in lines_of(later)] == [(D("30.00"), fixed.pk)]
    # Lines already written keep the price they were rated at.
    assert [line.amount for line in lines_of(after)] == [D("20.00")]


def test_every_unrated_reason(wh, acme_outdoor, other_client, card_for, write_event):
    card_for(
        acme_outdoor,
        [rule("receiving", "per_case_received", "0.40"), rule("packing", "pack_per_order", "1")],
    )
    no_card = write_event("asn.closed", {"reference": "X"}, client=other_client, at=local(DAY))
    no_picking_rule = write_event(
        "order.picked", {"reference": "O", "picked_units": 2, "picked_lines": 1},
        client=acme_outdoor, at=local(DAY),
    )  # fmt: skip
    counted_nothing = write_event("stock.received", receipt(4), client=acme_outdoor, at=local(DAY))
    no_client = write_event("putaway.done", {"task": 5, "lpn": "MIX-1"}, client=None, at=local(DAY))

    rate_pending()

    reasons = {
        event.pk: [(u.reason_code, u.reason) for u in unrated_of(event)]
        for event in (no_card, no_picking_rule, counted_nothing, no_client)
    }
    assert reasons == {
        no_card.pk: [
            ("no_rate_card", f"{other_client.name} has no rate card in effect on 2026-03-10.")
        ],
        no_picking_rule.pk: [
            ("no_matching_rule", "Rate card “Acme Outdoor prices” v1 has no picking rule.")
        ],
        counted_nothing.pk: [
            (
                "no_matching_rule",
                "No rule of rate card “Acme Outdoor prices” v1 counts this stock.received "
                "(received as each).",
            )
        ],
        no_client.pk: [
            ("no_client", "No single client: the stock belongs to several clients or to none.")
        ],
    }
    assert counts() == (0, 4)
    # Each waits in the period of its client and day (none for the event without a client).
    assert unrated_of(no_card)[0].period == BillingPeriod.objects.get(client=other_client)
    assert unrated_of(no_client)[0].period is None


def test_activity_the_card_charges_another_way_is_neither_charged_nor_waiting(
    wh, acme_outdoor, card_for, write_event
):
    """A card that charges receiving per ASN does not charge each scan of it: the scans are not
    billable under it (and so never block a period)."""
    card_for(acme_outdoor, [rule("receiving", "per_asn", "25")])
    scan = write_event("stock.received", receipt(3), client=acme_outdoor, at=local(DAY))
    adjusted = write_event("stock.adjusted", {"quantity": 3}, client=acme_outdoor, at=local(DAY))

    result = rate_pending()

    assert result.events_read >= 2 and result.billable == 1
    assert lines_of(scan) == [] and unrated_of(scan) == []
    assert lines_of(adjusted) == [] and unrated_of(adjusted) == []


def test_two_voids_of_one_label_in_one_batch_credit_it_once_the_first(
    wh, acme_outdoor, card_for, write_event
):
    card_for(acme_outdoor, [rule("shipping", "label", markup_flat=D("1"))])
    bought = write_event(
        "shipment.label_purchased", label(9, "5.00"), client=acme_outdoor, at=local(DAY)
    )
    first = write_event("shipment.voided", {"shipment_id": 9}, client=acme_outdoor, at=local(DAY))
    second = write_event("shipment.voided", {"shipment_id": 9}, client=acme_outdoor, at=local(DAY))

    rate_pending()

    assert [line.amount for line in lines_of(bought)] == [D("6.00")]
    assert [(line.amount, line.credits_event_id) for line in lines_of(first)] == [
        (D("-6.00"), bought.pk)
    ]
    assert lines_of(second) == []
    assert [u.reason_code for u in unrated_of(second)] == ["nothing_to_credit"]
