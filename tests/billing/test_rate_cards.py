"""Rate cards and versions: what a version may hold, and the bad input that is refused with
field errors and nothing written (negative prices, overlapping rules, an effective date inside
a finalised period)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from billing.exceptions import RateCardRefused
from billing.models import BillingPeriod, RateCard, RateCardVersion, RateRule
from billing.services.cards import create_rate_card, create_version
from inventory.models import Event
from tests.billing.conftest import rule

DAY = dt.date(2026, 3, 1)


def nothing_written(before: tuple[int, int, int]) -> bool:
    return (
        RateCardVersion.objects.count(),
        RateRule.objects.count(),
        Event.objects.count(),
    ) == before


def snapshot() -> tuple[int, int, int]:
    return RateCardVersion.objects.count(), RateRule.objects.count(), Event.objects.count()


@pytest.fixture
def card(acme_outdoor, manager):
    return create_rate_card(user=manager, client=acme_outdoor, name="Acme prices")


def test_a_version_keeps_its_rules_with_four_decimals_and_numbers_itself(card, manager):
    first = create_version(
        user=manager,
        card=card,
        effective_from=DAY,
        rules=[
            rule("picking", "pick_per_unit", "0.035"),
            rule("vas", "manual", "35", description="Kitting, per hour"),
        ],
    )
    second = create_version(
        user=manager,
        card=card,
        effective_from=DAY,
        rules=[rule("picking", "pick_per_unit", "0.0375")],
    )

    assert (first.number, second.number) == (1, 2)
    assert [r.unit_price for r in first.rules.order_by("position")] == [D("0.0350"), D("35.0000")]
    assert second.rules.get().unit_price == D("0.0375")
    assert Event.objects.filter(type="rate_card.version_created").count() == 2


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        (rule("picking", "pick_per_unit", "-0.01"), "rules.0.unit_price", "Must not be negative."),
        (rule("picking", "pick_per_unit", "0.00001"), "rules.0.unit_price", "At most 4 decimals."),
        (
            rule("packing", "materials", markup_percent=D("-5")),
            "rules.0.markup_percent",
            "Must not be negative.",
        ),
        (
            rule("receiving", "pick_per_unit", "1"),
            "rules.0.kind",
            "Per unit picked is a picking rule.",
        ),
        (
            rule("storage", "location_day", "1"),
            "rules.0.storage_type",
            "Choose the storage type: bin, shelf, pallet_position, floor.",
        ),
        (
            rule("picking", "pick_unit_range", "1", tier_from=10, tier_to=2),
            "rules.0.tier_to",
            "The range ends before it starts (10 to 2).",
        ),
        (
            rule("vas", "manual", "35"),
            "rules.0.description",
            "Name the service (e.g. “Kitting, per hour”).",
        ),
        (
            rule("shipping", "label", "1"),
            "rules.0.unit_price",
            "A cost-plus rule charges the cost plus its markups: leave the unit price at 0.",
        ),
    ],
)
def test_a_bad_rule_is_refused_with_its_field_error_and_nothing_written(
    card, manager, spec, field, message
):
    before = snapshot()
    with pytest.raises(RateCardRefused) as refused:
        create_version(user=manager, card=card, effective_from=DAY, rules=[spec])
    assert refused.value.field_errors[field] == [message]
    assert nothing_written(before)


def test_overlapping_rules_of_one_kind_are_refused(card, manager):
    before = snapshot()
    with pytest.raises(RateCardRefused) as refused:
        create_version(
            user=manager,
            card=card,
            effective_from=DAY,
            rules=[
                rule("picking", "pick_per_unit", "0.10"),
                rule("picking", "pick_unit_range", "0.25", tier_from=2, tier_to=10),
                rule("picking", "pick_unit_range", "0.20", tier_from=8),
                rule("picking", "pick_per_unit", "0.12"),
                rule("storage", "location_day", "0.5", storage_type="bin"),
                rule("storage", "location_day", "0.6", storage_type="shelf"),
                rule("storage", "location_day", "0.7", storage_type="bin"),
            ],
        )
    assert refused.value.field_errors == {
        "rules.2.tier_from": ["Units 8 to any overlap rule 2 (units 2 to 10)."],
        "rules.3.basis": ["Overlaps rule 1: both charge per unit picked."],
        "rules.6.basis": ["Overlaps rule 5: both charge per location-day (by storage type) (bin)."],
    }
    assert nothing_written(before)


def test_ranges_that_meet_but_do_not_overlap_are_fine(card, manager):
    version = create_version(
        user=manager,
        card=card,
        effective_from=DAY,
        rules=[
            rule("picking", "pick_unit_range", "0.25", tier_from=2, tier_to=10),
            rule("picking", "pick_unit_range", "0.15", tier_from=11),
        ],
    )
    assert version.rules.count() == 2


def test_an_effective_date_inside_a_finalised_period_is_refused(card, manager, acme_outdoor):
    BillingPeriod.objects.create(
        client=acme_outdoor,
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2026, 2, 28),
        status="finalized",
    )
    before = snapshot()
    for day in (dt.date(2026, 2, 14), dt.date(2026, 2, 28)):
        with pytest.raises(RateCardRefused) as refused:
            create_version(
                user=manager,
                card=card,
                effective_from=day,
                rules=[rule("picking", "pick_per_order", "1")],
            )
        assert refused.value.field_errors["effective_from"] == [
            "Acme Outdoor is invoiced (finalised) up to 2026-02-28: a new version can take effect "
            "from the day after at the earliest."
        ]
    assert nothing_written(before)
    assert (
        create_version(
            user=manager,
            card=card,
            effective_from=dt.date(2026, 3, 1),
            rules=[rule("picking", "pick_per_order", "1")],
        ).number
        == 1
    )


def test_a_client_has_one_card(card, manager, acme_outdoor):
    with pytest.raises(RateCardRefused) as refused:
        create_rate_card(user=manager, client=acme_outdoor, name="Second")
    assert "has a rate card already" in refused.value.field_errors["client"][0]
    assert RateCard.objects.count() == 1


def test_a_version_with_every_rule_kind_is_accepted(card, manager):
    version = create_version(
        user=manager,
        card=card,
        effective_from=DAY,
        rules=[
            rule("storage", "location_day", "0.5", storage_type="pallet_position"),
            rule("storage", "pallet_day", "0.45"),
            rule("storage", "cubic_foot_day", "0.02"),
            rule("storage", "unit_day", "0.002"),
            rule("storage", "storage_minimum", "50"),
            rule("receiving", "per_asn", "25"),
            rule("receiving", "putaway_per_lpn", "2"),
            rule("picking", "pick_first_unit", "0.95"),
            rule("packing", "boxes", markup_percent=D("10")),
            rule("shipping", "label", markup_percent=D("8"), markup_flat=D("0.25")),
            rule("vas", "manual", "35", description="Kitting, per hour"),
            rule("minimum", "period_minimum", "250"),
        ],
        storage_mode="half_month",
    )
    assert sorted({r.kind for r in version.rules.all()}) == [
        "minimum",
        "packing",
        "picking",
        "receiving",
        "shipping",
        "storage",
        "vas",
    ]
