"""Carrier rates and the rules that choose one. Pure Python, no database, no network: the carrier
gateway (shipping.carrier) turns EasyPost's rates into `Rate`, and `choose_rate` picks by rule.

Amounts are Decimal (EasyPost sends strings such as "6.07"); never float."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


class RateRule(enum.StrEnum):
    CHEAPEST = "cheapest"
    ARRIVES_BY = "arrives_by"  # the cheapest that arrives by the promised date
    PREFERRED_CARRIER = "preferred_carrier"  # the first preferred carrier that rates, cheapest


@dataclass(frozen=True)
class Rate:
    id: str
    carrier: str
    service: str
    amount: Decimal
    currency: str
    delivery_days: int | None = None
    delivery_date: dt.date | None = None
    carrier_account_id: str = ""

    def arrival(self, today: dt.date) -> dt.date | None:
        """The carrier's delivery date, else today plus its delivery days, else unknown."""
        if self.delivery_date is not None:
            return self.delivery_date
        if self.delivery_days is not None:
            return today + dt.timedelta(days=self.delivery_days)
        return None


@dataclass(frozen=True)
class RateMessage:
    """A carrier that did not rate (EasyPost answers 201 with a `rate_error` message, not an
    HTTP error), so an empty or partial rate list is normal and says why."""

    carrier: str
    message: str
    type: str = "rate_error"
    carrier_account_id: str = ""

    @property
    def text(self) -> str:
        """The message as a person reads it, naming the carrier once: EasyPost's rate errors
        often start with the carrier's name already ("USPS: …"), and `carrier` may be null."""
        text, name = self.message.strip(), self.carrier.strip()
        if not name or re.match(rf"{re.escape(name)}\b", text, flags=re.IGNORECASE):
            return text
        return f"{name}: {text}"


def parse_delivery_date(value: object) -> dt.date | None:
    """EasyPost's delivery_date ("2025-03-05T23:59:00Z", "2025-03-05" or null) as a date. The
    date part is the carrier's promise; its clock time is noise."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def choose_rate(
    rates: Iterable[Rate],
    rule: RateRule | str,
    deliver_by: dt.date | None = None,
    preferred_carriers: Sequence[str] = (),
    *,
    today: dt.date | None = None,
) -> Rate | None:
    """The rate the rule picks, or None when none qualifies.

    - cheapest: the lowest amount;
    - arrives_by: the lowest amount among rates that arrive by `deliver_by` (required);
    - preferred_carrier: the cheapest rate of the first carrier in `preferred_carriers` that
      rates at all (carrier names compare case-insensitively), else the cheapest of any.
    A `deliver_by` date restricts every rule: a rate that breaks the promise, or whose arrival is
    unknown, is never chosen. Ties go to the earlier arrival, then carrier, service and id, so
    the choice is the same on every run. Rates in more than one currency are refused (ValueError):
    amounts in different currencies do not compare."""
    rule = RateRule(rule)
    today = today or dt.date.today()
    candidates = list(rates)
    if len({rate.currency for rate in candidates}) > 1:
        raise ValueError("Rates in more than one currency cannot be compared.")
    if rule is RateRule.ARRIVES_BY and deliver_by is None:
        raise ValueError("The arrives_by rule needs the promised date (deliver_by).")
    if deliver_by is not None:
        candidates = [
            rate
            for rate in candidates
            if (arrival := rate.arrival(today)) is not None and arrival <= deliver_by
        ]
    if rule is RateRule.PREFERRED_CARRIER:
        for carrier in preferred_carriers:
            own = [rate for rate in candidates if rate.carrier.casefold() == carrier.casefold()]
            if own:
                candidates = own
                break
    if not candidates:
        return None
    return min(candidates, key=lambda rate: _order(rate, today))


def _order(rate: Rate, today: dt.date) -> tuple[Decimal, dt.date, str, str, str]:
    arrival = rate.arrival(today) or dt.date.max
    return (rate.amount, arrival, rate.carrier, rate.service, rate.id)
