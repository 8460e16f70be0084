"""Billing's world: a warehouse in New York, two clients with products (one without
dimensions), locations of every storage type, helpers to write outbox events at a chosen
instant with the payloads the floor writes, and rate cards made through the services."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest

from billing.models import ChargeLine, RateCardVersion, UnratedActivity
from billing.services.cards import RuleSpec, create_rate_card, create_version
from inventory.models import Event, LocationKind, StorageType, Warehouse
from inventory.services.master import ensure_virtual_locations
from tests.factories import LocationFactory, ProductFactory


def local(
    day: dt.date, hour: int = 12, minute: int = 0, zone: str = "America/New_York"
) -> dt.datetime:
    """An aware instant at a local wall-clock time of a warehouse's zone."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone))


def rule(kind: str, basis: str, price: str = "0", **extra: Any) -> RuleSpec:
    """A rule spec with its price as text (4 decimals allowed)."""
    return RuleSpec(kind=kind, basis=basis, unit_price=Decimal(price), **extra)


@pytest.fixture
def wh(east: Any) -> Warehouse:
    Warehouse.objects.filter(pk=east.pk).update(time_zone="America/New_York")
    east.refresh_from_db()
    ensure_virtual_locations(east)
    return east


@pytest.fixture
def places(wh: Warehouse) -> dict[str, Any]:
    """One location per storage type, and a dock."""
    made = {
        storage_type: LocationFactory(
            warehouse=wh,
            code=f"{storage_type.upper()}-1",
            kind=LocationKind.STORAGE,
            storage_type=storage_type,
        )
        for storage_type in StorageType.values
    }
    made["dock"] = LocationFactory(
        warehouse=wh, code="DOCK-1", kind=LocationKind.DOCK, storage_type=StorageType.FLOOR
    )
    return made


@pytest.fixture
def mug(acme_outdoor: Any) -> Any:
    """10 by 10 by 10 cm: 1,000 cm³ a unit."""
    return ProductFactory(
        client=acme_outdoor, sku="MUG", length_mm=100, width_mm=100, height_mm=100
    )


@pytest.fixture
def tent(acme_outdoor: Any) -> Any:
    """Measured nowhere: no dimensions."""
    return ProductFactory(client=acme_outdoor, sku="TENT")


@pytest.fixture
def write_event(wh: Warehouse) -> Callable[..., Event]:
    """Writes an outbox event as the floor would, at a chosen instant."""

    def write(
        event_type: str,
        payload: dict[str, Any],
        *,
        client: Any,
        at: dt.datetime,
        warehouse: Warehouse | None = None,
    ) -> Event:
        return Event.objects.create(
            type=event_type,
            client_id=client.pk if client is not None else None,
            warehouse_id=(warehouse or wh).pk,
            payload=payload,
            created_at=at,
        )

    return write


@pytest.fixture
def card_for(manager: Any) -> Callable[..., RateCardVersion]:
    """A client's rate card (made on first use) with a new version of the given rules."""

    def make(
        client: Any,
        rules: Sequence[RuleSpec],
        *,
        effective_from: dt.date = dt.date(2020, 1, 1),
        period_kind: str = "monthly",
        storage_mode: str = "daily",
    ) -> RateCardVersion:
        card = getattr(client, "rate_card", None) if _has_card(client) else None
        if card is None:
            card = create_rate_card(
                user=manager, client=client, name=f"{client.name} prices", period_kind=period_kind
            )
        return create_version(
            user=manager,
            card=card,
            effective_from=effective_from,
            rules=list(rules),
            storage_mode=storage_mode,
        )

    return make


def _has_card(client: Any) -> bool:
    from billing.models import RateCard

    return RateCard.objects.filter(client=client).exists()


def lines_of(event: Event) -> list[ChargeLine]:
    return list(ChargeLine.objects.filter(event=event).order_by("rule__position", "sub_key"))


def unrated_of(event: Event) -> list[UnratedActivity]:
    return list(UnratedActivity.objects.filter(event=event).exclude(status="resolved"))


def counts() -> tuple[int, int]:
    """(charge lines, unrated entries) in the tenant: what "nothing written" compares."""
    return ChargeLine.objects.count(), UnratedActivity.objects.count()
