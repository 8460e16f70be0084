"""The receiving history: receipts across ASNs, newest first, filtered, paginated in a fixed
number of queries, for managers only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from receiving import services
from receiving.models import Receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(
    asn: Any, barcodes: None, dock: Any, manager: Any, acme_outdoor: Any, wh: Any, widget: Any
) -> Any:
    first = services.receive_scan(asn=asn, code_or_product="614141000036", user=manager, quantity=2)
    second_asn = services.mark_expected(
        asn=services.create_asn(
            client=acme_outdoor,
            warehouse=wh,
            reference="PO-2000",
            lines=[services.AsnLineSpec(widget, 5)],
            user=manager,
        ),
        user=manager,
    )
    second = services.receive_scan(
        asn=second_asn, code_or_product="614141000036", user=manager, quantity=3
    )
    return first, second


def test_lists_receipts_newest_first_linking_their_asn(
    http_for: Any, manager: Any, received: Any
) -> None:
    first, second = received
    page = http_for(manager).get("/receiving/history/")
    assert page.status_code == 200
    assert page.text.index("PO-2000") < page.text.index("PO-1000")
    assert f'href="/receiving/{first.asn_id}/"' in page.text
    assert f'href="/receiving/{second.asn_id}/"' in page.text


def test_filters(
    http_for: Any, manager: Any, received: Any, wh: Any, west: Any, other_client: Any
) -> None:
    client = http_for(manager)
    assert "PO-1000" not in client.get("/receiving/history/?reference=po-2000").text
    assert "PO-2000" in client.get("/receiving/history/?reference=po-2000").text
    assert "No receipts match" in client.get("/receiving/history/?sku=NOPE").text
    assert "No receipts match" in client.get(f"/receiving/history/?warehouse={west.pk}").text
    assert "PO-1000" in client.get(f"/receiving/history/?warehouse={wh.pk}").text
    assert "No receipts match" in client.get(f"/receiving/history/?client={other_client.pk}").text
    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    assert "PO-1000" in client.get(f"/receiving/history/?date_from={today}&date_to={today}").text
    assert "No receipts match" in client.get(f"/receiving/history/?date_from={tomorrow}").text


def test_sku_filter(http_for: Any, manager: Any, received: Any, widget: Any) -> None:
    page = http_for(manager).get(f"/receiving/history/?sku={widget.sku.lower()}")
    assert "PO-1000" in page.text and "PO-2000" in page.text


def test_page_is_one_query_plus_count(http_for: Any, manager: Any, received: Any) -> None:
    first, _ = received
    Receipt.objects.bulk_create(
        Receipt(
            asn_id=first.asn_id,
            line_id=first.line_id,
            client_id=first.client_id,
            warehouse_id=first.warehouse_id,
            product_id=first.product_id,
            quantity=1,
            lpn_id=first.lpn_id,
            location_id=first.location_id,
            user_id=first.user_id,
        )
        for _ in range(60)
    )
    client = http_for(manager)
    with CaptureQueriesContext(connection) as one:
        page = client.get("/receiving/history/")
    with CaptureQueriesContext(connection) as two:
        page_two = client.get("/receiving/history/?page=2")
    assert "Page 1 of 2 (62 in all)" in page.text
    assert "Page 2 of 2 (62 in all)" in page_two.text
    assert len(one) == len(two)
    receipt_queries = [q["sql"] for q in one.captured_queries if '"receiving_receipt"' in q["sql"]]
    assert [sql.startswith("SELECT COUNT(*)") for sql in receipt_queries] == [True, False]


def test_only_managers(http_for: Any, operator: Any, client_user: Any) -> None:
    assert http_for(operator).get("/receiving/history/").status_code == 403
    assert http_for(client_user).get("/receiving/history/").status_code == 403
