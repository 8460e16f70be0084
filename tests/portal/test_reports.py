"""The client's reports: stock on a chosen date rebuilt from the ledger, shipments and receipts
in a period; each a page and the same rows as CSV, the client's own only."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from inventory.services import ledger
from receiving import services as receiving_services
from shipping.models import ShipmentStatus
from shipping.services import dispatch
from shipping.tasks import rate_shipment
from tests.helpers import table_records
from tests.shipping.shipments_fixtures import make_packed_order


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode().lstrip("\ufeff")


def test_stock_on_a_date_comes_from_the_ledger(world, http_for, client_user, manager):
    http = http_for(client_user)
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    # Everything arrived today: at the end of yesterday there was nothing, though the balance
    # cache holds stock now.
    empty = http.get(f"/portal/reports/stock/?date={yesterday}").content.decode()
    assert table_records(empty, with_column="sku") == []
    ledger.adjust(
        user=manager, product=world.mine.mug, location=world.bin, quantity=-8, reason_code="lost"
    )
    rows = table_records(
        http.get(f"/portal/reports/stock/?date={today}").content.decode(), with_column="sku"
    )
    assert [(r["sku"], r["on_hand"]) for r in rows] == [("BALM", "12"), ("MUG", "30")]
    csv_text = _csv(http.get(f"/portal/reports/stock/?date={today}&format=csv"))
    assert csv_text.splitlines() == ["sku,name,on_hand", "BALM,Lip balm,12", "MUG, camp mug,30"]


def test_receipts_in_a_period(world, http_for, client_user, manager):
    asn = world.mine.asn
    receiving_services.mark_expected(asn=asn, user=manager)
    receiving_services.receive_scan(
        asn=asn, user=manager, code_or_product=world.mine.mug, quantity=6
    )
    theirs = world.theirs.asn
    receiving_services.mark_expected(asn=theirs, user=manager)
    receiving_services.receive_scan(
        asn=theirs, user=manager, code_or_product=world.theirs.mug, quantity=4
    )
    today = timezone.localdate()
    url = f"/portal/reports/receipts/?date_from={today}&date_to={today}"
    rows = table_records(http_for(client_user).get(url).content.decode(), with_column="asn")
    assert [(r["asn"], r["sku"], r["quantity"]) for r in rows] == [("ASN-1", "MUG", "6")]
    assert "XASN" not in _csv(http_for(client_user).get(url + "&format=csv"))


def test_shipments_in_a_period(
    carrier_settings, http_for, client_user, manager, operator, east, acme_outdoor, other_client
):
    mine = make_packed_order(user=manager, warehouse=east, client=acme_outdoor, reference="SHIP-ME")
    theirs = make_packed_order(
        user=manager, warehouse=east, client=other_client, reference="SHIP-THEM"
    )
    for packed in (mine, theirs):
        assert (
            rate_shipment.apply(args=[packed.shipment.pk]).get() == ShipmentStatus.LABEL_PURCHASED
        )
        dispatch.ship_carton(user=operator, code=packed.cartons[0].lpn.code, ship_dock=packed.dock)
    today = timezone.localdate()
    url = f"/portal/reports/shipments/?date_from={today}&date_to={today}"
    rows = table_records(http_for(client_user).get(url).content.decode(), with_column="order")
    assert [(r["order"], r["units"]) for r in rows] == [("SHIP-ME", "2")]
    assert rows[0]["tracking"]
    assert "SHIP-THEM" not in _csv(http_for(client_user).get(url + "&format=csv"))


def test_a_period_that_ends_before_it_starts_is_refused(world, http_for, client_user):
    html = (
        http_for(client_user)
        .get("/portal/reports/receipts/?date_from=2026-05-02&date_to=2026-05-01")
        .content.decode()
    )
    assert "The period ends before it starts." in html
