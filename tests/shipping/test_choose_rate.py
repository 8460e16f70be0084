"""choose_rate against a hand-worked rate list. Pure: no database, no network.

Today is Monday 2025-03-03. Arrival = delivery_date, else today + delivery_days:
    GA    USPS  GroundAdvantage   7.10  5 days            -> Sat 03-08
    PRI   USPS  Priority         10.90  2 days, date 03-05 -> Wed 03-05
    UPSG  UPS   Ground           10.55  4 days            -> Fri 03-07
    NDA   UPS   NextDayAir       36.00  1 day,  date 03-04 -> Tue 03-04
    FXG   FedEx FEDEX_GROUND     10.45  2 days, date 03-06 -> Thu 03-06 (the date wins)
    FX2   FedEx FEDEX_2_DAY      23.00  no days, no date   -> unknown
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shipping.rates import Rate, RateMessage, RateRule, choose_rate, parse_delivery_date

TODAY = dt.date(2025, 3, 3)


def rate(
    rate_id: str,
    carrier: str,
    service: str,
    amount: str,
    days: int | None = None,
    date: dt.date | None = None,
    currency: str = "USD",
) -> Rate:
    return Rate(rate_id, carrier, service, Decimal(amount), currency, days, date)


GA = rate("rate_ga", "USPS", "GroundAdvantage", "7.10", 5)
PRI = rate("rate_pri", "USPS", "Priority", "10.90", 2, dt.date(2025, 3, 5))
UPSG = rate("rate_upsg", "UPS", "Ground", "10.55", 4)
NDA = rate("rate_nda", "UPS", "NextDayAir", "36.00", 1, dt.date(2025, 3, 4))
FXG = rate("rate_fxg", "FedEx", "FEDEX_GROUND", "10.45", 2, dt.date(2025, 3, 6))
FX2 = rate("rate_fx2", "FedEx", "FEDEX_2_DAY", "23.00")
RATES = [FX2, NDA, UPSG, FXG, PRI, GA]  # not in price order on purpose


def choose(rule: RateRule | str, deliver_by: dt.date | None = None, preferred=()) -> Rate | None:
    return choose_rate(RATES, rule, deliver_by, preferred, today=TODAY)


def test_cheapest_is_the_lowest_amount() -> None:
    assert choose(RateRule.CHEAPEST) == GA
    assert choose("cheapest") == GA


def test_cheapest_that_arrives_by_the_promised_date() -> None:
    assert choose(RateRule.ARRIVES_BY, dt.date(2025, 3, 6)) == FXG  # PRI, NDA, FXG arrive
    assert choose(RateRule.ARRIVES_BY, dt.date(2025, 3, 5)) == PRI  # FXG's date is 03-06
    assert choose(RateRule.ARRIVES_BY, dt.date(2025, 3, 4)) == NDA
    assert choose(RateRule.ARRIVES_BY, dt.date(2025, 3, 3)) is None
    assert choose(RateRule.ARRIVES_BY, dt.date(2025, 3, 8)) == GA  # today + 5 days


def test_rate_of_unknown_arrival_never_meets_a_promise() -> None:
    only_unknown = [FX2]
    assert choose_rate(only_unknown, RateRule.ARRIVES_BY, dt.date(2030, 1, 1), today=TODAY) is None
    assert choose_rate(only_unknown, RateRule.CHEAPEST, today=TODAY) == FX2


def test_preferred_carrier_first_then_cheapest() -> None:
    assert choose(RateRule.PREFERRED_CARRIER, preferred=["ups"]) == UPSG
    assert choose(RateRule.PREFERRED_CARRIER, preferred=["DHL", "FedEx", "UPS"]) == FXG
    assert choose(RateRule.PREFERRED_CARRIER, preferred=["DHL"]) == GA  # none rates: cheapest
    assert choose(RateRule.PREFERRED_CARRIER) == GA


def test_a_promised_date_restricts_the_preferred_carrier_too() -> None:
    # In time by 03-05: PRI (USPS) and NDA (UPS). UPS Ground (03-07) is late.
    assert choose(RateRule.PREFERRED_CARRIER, dt.date(2025, 3, 5), ["UPS"]) == NDA
    # FedEx has nothing in time, so the next preferred carrier with a rate in time wins.
    assert choose(RateRule.PREFERRED_CARRIER, dt.date(2025, 3, 5), ["FedEx", "USPS"]) == PRI
    assert choose(RateRule.CHEAPEST, dt.date(2025, 3, 5)) == PRI
    assert choose(RateRule.PREFERRED_CARRIER, dt.date(2025, 3, 3), ["UPS"]) is None


def test_ties_go_to_the_earlier_arrival_then_the_carrier_name() -> None:
    slow = rate("rate_b", "USPS", "Slow", "9.00", 6)
    fast = rate("rate_a", "UPS", "Fast", "9.00", 3)
    same_day_ups = rate("rate_c", "UPS", "Other", "9.00", 3)
    same_day_fedex = rate("rate_d", "FedEx", "Other", "9.00", 3)
    assert choose_rate([slow, fast], RateRule.CHEAPEST, today=TODAY) == fast
    assert (
        choose_rate([same_day_ups, same_day_fedex], RateRule.CHEAPEST, today=TODAY)
        == same_day_fedex
    )


def test_nothing_to_choose_from_is_none() -> None:
    assert choose_rate([], RateRule.CHEAPEST) is None
    assert choose_rate([], RateRule.ARRIVES_BY, TODAY) is None


def test_bad_questions_are_refused() -> None:
    with pytest.raises(ValueError, match="needs the promised date"):
        choose(RateRule.ARRIVES_BY)
    with pytest.raises(ValueError, match="more than one currency"):
        choose_rate([GA, rate("rate_eur", "DHL", "Express", "5.00", 2, currency="EUR")], "cheapest")
    with pytest.raises(ValueError):
        choose("fastest")


def test_delivery_dates_parse_from_easypost_strings() -> None:
    assert parse_delivery_date("2025-03-05T23:59:00Z") == dt.date(2025, 3, 5)
    assert parse_delivery_date("2025-03-05") == dt.date(2025, 3, 5)
    assert parse_delivery_date(None) is None
    assert parse_delivery_date("") is None
    assert parse_delivery_date("soon") is None


@pytest.mark.parametrize(
    ("carrier", "message", "text"),
    [
        # As EasyPost sends them (its recorded answers and docs): often prefixed with the carrier.
        ("USPS", "USPS: no services available.", "USPS: no services available."),
        ("FedEx", "fedex: Service is unavailable.", "fedex: Service is unavailable."),
        ("UPS", "UPS is not answering", "UPS is not answering"),
        ("USPS", "Unable to retrieve USPS rates.", "USPS: Unable to retrieve USPS rates."),
        (
            "DHLExpress",
            "credentials.api_key: Required",
            "DHLExpress: credentials.api_key: Required",
        ),
        ("", "A to_address and parcel are required.", "A to_address and parcel are required."),
        # A carrier whose name merely starts another word is still named.
        ("UPS", "UPSMI account suspended.", "UPS: UPSMI account suspended."),
    ],
)
def test_a_rate_message_names_its_carrier_once(carrier: str, message: str, text: str) -> None:
    assert RateMessage(carrier=carrier, message=message).text == text
