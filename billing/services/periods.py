"""Which billing period a day of a client's activity belongs to, made on first use.

A client's periods follow its card's period kind (monthly by default; semi-monthly 1st to 15th and
16th to end; weekly Monday to Sunday). A day inside an existing period belongs to it. A day of a
finalised period (an event rated late, a label voided after the invoice went out) belongs to
the period of today instead: a finalised invoice never changes, and the line keeps its own
activity date. A new period never overlaps its neighbours (a changed period kind starts after
the last period)."""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from billing.models import BillingPeriod, PeriodKind, PeriodStatus, RateCard, RateCardVersion
from inventory.models import Warehouse


def natural_bounds(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period of `kind` that contains `day`, both ends included."""
    last = calendar.monthrange(day.year, day.month)[1]
    if kind == PeriodKind.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if kind == PeriodKind.SEMI_MONTHLY:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), day.replace(day=last)
    return day.replace(day=1), day.replace(day=last)


def billing_today() -> dt.date:
    """Today where it is earliest: the smallest local date of the active warehouses (UTC's
    date without any). A period may close once it has ended everywhere."""
    now = timezone.now()
    zones = set(Warehouse.objects.filter(is_active=True).values_list("time_zone", flat=True))
    if not zones:
        return now.date()
    return min(now.astimezone(zoneinfo.ZoneInfo(zone)).date() for zone in zones)


def _ensure_period(client_id: int, start: dt.date, end: dt.date) -> BillingPeriod:
    """The client's period starting `start`, inserted unless a concurrent writer was first."""
    table = BillingPeriod._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (client_id, start_date, end_date, status, created_at, "  # noqa: S608
            "updated_at) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (client_id, start_date) DO NOTHING",
            [client_id, start, end, PeriodStatus.OPEN, now, now],
        )
    return BillingPeriod.objects.get(client_id=client_id, start_date=start)


@dataclass
class ClientTerms:
    """A client's card (if any), its versions newest first, and its periods by start."""

    period_kind: str
    card_name: str
    versions: list[RateCardVersion]
    periods: list[BillingPeriod] = field(default_factory=list)

    def version_on(self, day: dt.date) -> RateCardVersion | None:
        for version in self.versions:
            if version.effective_from <= day:
                return version
        return None


class PeriodResolver:
    """Resolves (client, day) pairs to a period and a rate-card version with a few queries per
    client, however many events share them. Used inside the caller's transaction."""

    def __init__(self) -> None:
        self._terms: dict[int, ClientTerms] = {}
        self._today = timezone.now().date()

    def preload(self, client_ids: Iterable[int]) -> None:
        """Loads the terms of many clients in three queries (the rating job's batch)."""
        wanted = set(client_ids) - set(self._terms)
        if not wanted:
            return
        cards = {c.client_id: c for c in RateCard.objects.filter(client_id__in=wanted)}
        versions: dict[int, list[RateCardVersion]] = {}
        for version in (
            RateCardVersion.objects.filter(card__client_id__in=wanted)
            .select_related("card")
            .order_by("-effective_from", "-number")
        ):
            versions.setdefault(version.card.client_id, []).append(version)
        periods: dict[int, list[BillingPeriod]] = {}
        for period in BillingPeriod.objects.filter(client_id__in=wanted).order_by("start_date"):
            periods.setdefault(period.client_id, []).append(period)
        for client_id in wanted:
            card = cards.get(client_id)
            self._terms[client_id] = ClientTerms(
                period_kind=card.period_kind if card else PeriodKind.MONTHLY,
                card_name=card.name if card else "",
                versions=versions.get(client_id, []),
                periods=periods.get(client_id, []),
            )

    def terms(self, client_id: int) -> ClientTerms:
        if client_id not in self._terms:
            card = RateCard.objects.filter(client_id=client_id).first()
            versions = list(card.versions.order_by("-effective_from", "-number")) if card else []
            self._terms[client_id] = ClientTerms(
                period_kind=card.period_kind if card else PeriodKind.MONTHLY,
                card_name=card.name if card else "",
                versions=versions,
                periods=list(
                    BillingPeriod.objects.filter(client_id=client_id).order_by("start_date")
                ),
            )
        return self._terms[client_id]

    def version(self, client_id: int, day: dt.date) -> RateCardVersion | None:
        return self.terms(client_id).version_on(day)

    def period(self, client_id: int, day: dt.date) -> BillingPeriod:
        """The open or closed period that takes a charge of `day` (see the module's notes)."""
        found = self._covering(client_id, day)
        if found is not None and found.status == PeriodStatus.FINALIZED:
            found = self._covering(client_id, self._today)
            day = self._today
        if found is not None:
            return found
        return self._create(client_id, day)

    def _covering(self, client_id: int, day: dt.date) -> BillingPeriod | None:
        for period in self.terms(client_id).periods:
            if period.start_date <= day <= period.end_date:
                return period
        return None

    def _create(self, client_id: int, day: dt.date) -> BillingPeriod:
        terms = self.terms(client_id)
        start, end = natural_bounds(terms.period_kind, day)
        for period in terms.periods:
            if period.end_date < day:
                start = max(start, period.end_date + dt.timedelta(days=1))
            elif period.start_date > day:
                end = min(end, period.start_date - dt.timedelta(days=1))
        period = _ensure_period(client_id, start, end)
        terms.periods = sorted([*terms.periods, period], key=lambda p: p.start_date)
        return period


def period_for(client_id: int, day: dt.date) -> BillingPeriod:
    """The period a charge of `day` for the client goes to (made on first use)."""
    return PeriodResolver().period(client_id, day)


def periods_for(pairs: Iterable[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], int]:
    resolver = PeriodResolver()
    return {(client, day): resolver.period(client, day).pk for client, day in pairs}
