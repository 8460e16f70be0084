"""An ASN world on top of the ledger test warehouse (tests/inventory/conftest.py): the east
warehouse with a dock, a widget (each UPC and a case of 12) and a lot-and-expiry tracked serum
(EAN-13), and helpers that build GS1 strings and prove a refusal wrote nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from inventory.models import Lpn
from inventory.services import ledger
from receiving import services
from receiving.models import Asn, AsnLine, ReceivingPolicy
from tests.factories import LpnFactory, ProductBarcodeFactory, UserFactory, give_scope
from tests.helpers import assert_unchanged_since, snapshot
from tests.inventory import conftest as ledger_world

WIDGET_UPC = "614141000036"
WIDGET_CASE_GTIN = "10614141000033"
SERUM_EAN = "9501101530003"

# The ledger tests' small warehouse, shared rather than copied (pytest finds fixtures by name).
wh = ledger_world.wh
zone = ledger_world.zone
dock = ledger_world.dock
bin_a = ledger_world.bin_a
bin_b = ledger_world.bin_b
widget = ledger_world.widget
serum = ledger_world.serum
serum_lot = ledger_world.serum_lot


def future(days: int = 400) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


def gs1_date(day: dt.date) -> str:
    return day.strftime("%y%m%d")


@pytest.fixture
def barcodes(widget: Any, serum: Any) -> None:
    ProductBarcodeFactory(product=widget, barcode=WIDGET_UPC, pack_quantity=1)
    ProductBarcodeFactory(product=widget, barcode=WIDGET_CASE_GTIN, pack_quantity=12)
    ProductBarcodeFactory(product=serum, barcode=SERUM_EAN, pack_quantity=1)


@pytest.fixture
def policy(acme_outdoor: Any) -> ReceivingPolicy:
    return ReceivingPolicy.objects.create(client=acme_outdoor, over_receipt_tolerance_percent=10)


@pytest.fixture
def asn(wh: Any, dock: Any, acme_outdoor: Any, widget: Any, serum: Any, manager: Any) -> Asn:
    """PO-1000, expected: 10 widgets and 5 serum (no lot announced)."""
    created = services.create_asn(
        client=acme_outdoor,
        warehouse=wh,
        reference="PO-1000",
        carrier="DHL",
        lines=[services.AsnLineSpec(widget, 10), services.AsnLineSpec(serum, 5)],
        user=manager,
    )
    return services.mark_expected(asn=created, user=manager)


def line_of(asn: Asn, product: Any) -> AsnLine:
    return AsnLine.objects.get(asn=asn, product=product)


@pytest.fixture
def unchanged() -> Callable[[Asn | None], Callable[[], None]]:
    """`check = unchanged(asn)` before a refused call, `check()` after: nothing in the tenant's
    schema was written (tests.helpers.assert_unchanged_since), the ASN included."""

    def take(asn: Asn | None = None) -> Callable[[], None]:
        before = snapshot()
        return lambda: assert_unchanged_since(before)

    return take


# --- Putaway tasks: a pallet of 10 widgets received at the dock; A-01-01 is the nearest empty
# bin, A-01-02 the next one.


@pytest.fixture
def received_pallet(wh: Any, dock: Any, bin_a: Any, bin_b: Any, widget: Any, manager: Any) -> Lpn:
    pallet = LpnFactory(code="PAL-1", warehouse=wh)
    ledger.receive(user=manager, product=widget, quantity=10, location=dock, lpn=pallet)
    pallet.refresh_from_db()
    return pallet


@pytest.fixture
def second_operator(acme: Any, east: Any) -> Any:
    user = UserFactory(role="operator", email="operator2@acme.test")
    give_scope(user, warehouses=[east])
    return user
