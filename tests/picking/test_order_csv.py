"""Orders from a CSV upload: rows grouped into orders by client plus reference, all or nothing
with every bad cell named by row and column, repeats of identical orders reported as already
existing, and the template to start from."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from picking.csv_io import COLUMNS
from picking.models import Order
from tests.factories import ProductFactory
from tests.helpers import assert_unchanged_since, snapshot, table_rows

pytestmark = pytest.mark.django_db

HEADER = [column.name for column in COLUMNS]
SHIP = {
    "warehouse": "EAST",
    "ship_to_name": "Ada Lovelace",
    "ship_to_street1": "1 Analytical Way",
    "ship_to_city": "Boston",
    "ship_to_postal_code": "02110",
    "carrier_service": "UPS Ground",
}


def upload(rows: list[dict[str, str]]) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    file = io.BytesIO(out.getvalue().encode())
    file.name = "orders.csv"
    return file


def row(reference: str, sku: str, quantity: str, **changes: str) -> dict[str, str]:
    return {
        "client": "acme-outdoor",
        "reference": reference,
        **SHIP,
        "sku": sku,
        "quantity": quantity,
        **changes,
    }


def post(http: Any, rows: list[dict[str, str]]) -> Any:
    return http.post("/outbound/orders/import/", {"file": upload(rows)}, follow=True)


def test_rows_are_grouped_into_orders(
    http_for: Any, manager: Any, wh: Any, mug: Any, lamp: Any
) -> None:
    response = post(
        http_for(manager),
        [row("SO-1", "MUG", "2"), row("SO-1", "lamp", "1"), row("SO-2", "LAMP", "3", priority="1")],
    )
    assert "Imported orders: 2 created." in response.text
    first = Order.objects.get(reference="SO-1")
    assert [(line.product.sku, line.quantity) for line in first.lines.all()] == [
        ("MUG", 2),
        ("LAMP", 1),
    ]
    assert (first.ship_to_name, first.carrier_service) == ("Ada Lovelace", "UPS Ground")
    assert Order.objects.get(reference="SO-2").priority == 1


def test_a_repeat_of_existing_identical_orders_is_reported_as_already_existing(
    http_for: Any, manager: Any, wh: Any, mug: Any, lamp: Any
) -> None:
    http = http_for(manager)
    post(http, [row("SO-1", "MUG", "2")])
    before = Order.objects.count()
    response = post(http, [row("SO-1", "MUG", "2"), row("SO-3", "LAMP", "1")])
    assert "1 created; 1 already existed (SO-1)." in response.text
    assert Order.objects.count() == before + 1


def test_every_bad_cell_is_reported_and_nothing_is_written(
    http_for: Any, manager: Any, wh: Any, mug: Any, lamp: Any, order_for: Any, other_client: Any
) -> None:
    ProductFactory(client=other_client, sku="GADGET")
    order_for("SO-OLD", (mug, 1))
    before = snapshot()
    response = post(
        http_for(manager),
        [
            row("SO-1", "MUG", "2"),
            row("SO-1", "NOPE", "1"),
            row("SO-1", "LAMP", "0", carrier_service="FedEx"),
            row("SO-2", "MUG", "1", client="nobody"),
            row("SO-3", "GADGET", "1", ship_by="tomorrow"),
            row("SO-OLD", "MUG", "5"),
        ],
    )
    text = response.text
    assert "Nothing was imported." in text
    for expected in (
        "SKU “NOPE” is not a product of acme-outdoor.",
        "“0” is not a whole number from 1 to 2147483647.",
        "Order SO-1 has “UPS Ground” here on line 2; every row of one order must agree.",
        "No client “nobody”.",
        "SKU “GADGET” is not a product of acme-outdoor.",
        "“tomorrow” is not a date (YYYY-MM-DD).",
        "Order SO-OLD of acme-outdoor already exists with other lines",
    ):
        assert expected in text, expected
    assert ["3", "sku"] in [row[:2] for row in table_rows(text)]
    assert_unchanged_since(before)


def test_a_file_that_is_not_the_expected_csv_is_refused(
    http_for: Any, manager: Any, wh: Any
) -> None:
    file = io.BytesIO(b"reference;sku\nSO-1;MUG\n")
    file.name = "orders.csv"
    response = http_for(manager).post("/outbound/orders/import/", {"file": file})
    assert "separated by semicolons" in response.text
    assert not Order.objects.exists()


def test_the_template_lists_every_column(http_for: Any, manager: Any) -> None:
    response = http_for(manager).get("/outbound/orders/import/template.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == HEADER
    assert "SO-1001" in lines[1]


def test_client_users_and_operators_may_not_import(
    http_for: Any, operator: Any, client_user: Any, wh: Any, mug: Any
) -> None:
    for user in (operator, client_user):
        response = http_for(user).post(
            "/outbound/orders/import/", {"file": upload([row("SO-1", "MUG", "1")])}
        )
        assert response.status_code == 403
    assert not Order.objects.exists()
