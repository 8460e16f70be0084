"""The portal's world: two clients of the acme tenant (acme_outdoor, whose user signs in, and
other_client) each with products, stock, an order, an ASN, charges this period and a finalised
invoice, all made through the owning apps' services. Isolation tests point one client's login
at the other's records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from billing.models import BillingPeriod, ChargeLine
from billing.services.cards import RuleSpec, create_rate_card, create_version
from billing.services.disputes import open_dispute
from billing.services.invoices import close_period, finalize_invoice
from billing.services.rating import rate_pending
from inventory.models import Event, LocationKind, Tracking
from inventory.services import ledger
from inventory.services.master import ensure_virtual_locations
from picking.services.orders import OrderLineSpec, ShipTo, create_order
from receiving.services import AsnLineSpec, create_asn
from tests.factories import LocationFactory, LotFactory, ProductFactory, UserFactory

SHIP_TO = ShipTo(
    name="Ada Lovelace", street1="1 Analytical Way", city="Boston", postal_code="02110", state="MA"
)
MARCH = dt.date(2026, 3, 2)


@pytest.fixture
def wh(east: Any) -> Any:
    ensure_virtual_locations(east)
    return east


@pytest.fixture
def bin_a(wh: Any) -> Any:
    return LocationFactory(
        warehouse=wh, code="A-01", kind=LocationKind.PICK_FACE, is_pickable=True, pick_sequence=1
    )


@pytest.fixture
def dock(wh: Any) -> Any:
    return LocationFactory(warehouse=wh, code="DOCK-1", kind=LocationKind.DOCK)


def _books(client: Any, manager: Any, wh: Any, reference: str) -> SimpleNamespace:
    """A per-ASN price, one ASN closed in March (a finalised invoice) and one today (a charge
    of the open period)."""
    card = create_rate_card(user=manager, client=client, name=f"{client.name} prices")
    create_version(
        user=manager,
        card=card,
        effective_from=dt.date(2020, 1, 1),
        rules=[RuleSpec(kind="receiving", basis="per_asn", unit_price=Decimal("25"))],
        storage_mode="daily",
    )
    march = dt.datetime.combine(MARCH, dt.time(12), tzinfo=dt.UTC)
    for at, ref in ((march, f"{reference}-MAR"), (timezone.now(), reference)):
        Event.objects.create(
            type="asn.closed",
            client_id=client.pk,
            warehouse_id=wh.pk,
            payload={"reference": ref},
            created_at=at,
        )
    rate_pending()
    period = BillingPeriod.objects.get(client=client, start_date__lte=MARCH, end_date__gte=MARCH)
    invoice = finalize_invoice(user=manager, invoice=close_period(user=manager, period=period))
    charge = ChargeLine.objects.get(client=client, asn_reference=reference)
    return SimpleNamespace(invoice=invoice, charge=charge)


def _side(client: Any, wh: Any, bin_a: Any, manager: Any, prefix: str) -> SimpleNamespace:
    mug = ProductFactory(client=client, sku=f"{prefix}MUG", name=f"{prefix} camp mug")
    balm = ProductFactory(
        client=client, sku=f"{prefix}BALM", name="Lip balm", tracking=Tracking.LOT_EXPIRY
    )
    lot = LotFactory(product=balm, number=f"{prefix}L1", expiry_date=dt.date(2027, 6, 30))
    ledger.receive(user=manager, product=mug, location=bin_a, quantity=40)
    ledger.receive(user=manager, product=balm, location=bin_a, quantity=12, lot=lot)
    ledger.adjust(user=manager, product=mug, location=bin_a, quantity=-2, reason_code="damaged")
    order, _ = create_order(
        client=client,
        warehouse=wh,
        reference=f"{prefix}SO-1",
        ship_to=SHIP_TO,
        lines=[OrderLineSpec(mug, 3)],
        user=manager,
        ship_by=timezone.localdate() - dt.timedelta(days=1),
    )
    asn = create_asn(
        client=client,
        warehouse=wh,
        reference=f"{prefix}ASN-1",
        lines=[AsnLineSpec(product=mug, expected_qty=10)],
        user=manager,
        expected_date=timezone.localdate(),
    )
    books = _books(client, manager, wh, f"{prefix}ASN-0")
    return SimpleNamespace(
        client=client, mug=mug, balm=balm, lot=lot, order=order, asn=asn, **vars(books)
    )


@pytest.fixture
def world(
    wh: Any, bin_a: Any, dock: Any, acme_outdoor: Any, other_client: Any, manager: Any
) -> SimpleNamespace:
    mine = _side(acme_outdoor, wh, bin_a, manager, "")
    theirs = _side(other_client, wh, bin_a, manager, "X")
    return SimpleNamespace(mine=mine, theirs=theirs, wh=wh, bin=bin_a, dock=dock)


@pytest.fixture
def other_client_user(acme: Any, other_client: Any) -> Any:
    return UserFactory(role="client", email="client@other.test", client=other_client)


@pytest.fixture
def their_dispute(world: SimpleNamespace, other_client_user: Any) -> Any:
    return open_dispute(charge=world.theirs.charge, note="Not ours", user=other_client_user)


# The fake EasyPost server and its settings, shared with the shipping tests.
from tests.shipping.conftest import carrier_settings, easypost_fake, easypost_server  # noqa: E402

__all__ = ["carrier_settings", "easypost_fake", "easypost_server"]
