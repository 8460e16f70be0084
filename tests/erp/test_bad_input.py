"""What the ERP sends that we cannot take, and connections that cannot work: the connection or
the document says why, and nothing is half-written on our side."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from erp.models import ErpConnection, SyncRecord, SyncState, UnknownSkuPolicy
from erp.services import connections, inbound
from erp.services.connections import create_connection, update_connection
from inventory.models import Product
from receiving.models import Asn, AsnLine
from tests.erp.conftest import connection_spec
from tests.factories import ProductFactory
from tests.helpers import assert_unchanged_since, snapshot
from wms.crypto import decrypt

pytestmark = [pytest.mark.django_db, pytest.mark.erp]


def test_test_connection_says_what_it_found(client_erp: Any) -> None:
    report = connections.test_connection(connection_id=client_erp.connection.pk)

    assert report.ok, report.message
    assert report.message.startswith("Connected to Tryton 8.2")
    assert "WH (" in " ".join(report.details)
    connection = ErpConnection.objects.get(pk=client_erp.connection.pk)
    assert connection.last_test_ok is True
    assert "Company: FluxVantage Test ERP." in connection.last_test_message


def test_wrong_credentials_are_reported_and_the_password_is_kept_encrypted(
    client_erp: Any, manager: Any
) -> None:
    spec = connection_spec(client_erp.side, client=client_erp.client, password="not-it")
    connection = update_connection(user=manager, connection=client_erp.connection, spec=spec)
    assert "not-it" not in connection.password_encrypted
    assert decrypt(connection.password_encrypted) == "not-it"

    report = connections.test_connection(connection_id=connection.pk)

    assert not report.ok
    assert report.message == (
        f"The ERP refused the login 'admin' for database '{client_erp.side.database}': "
        "check the user name and password."
    )
    assert ErpConnection.objects.get(pk=connection.pk).last_test_ok is False
    # An empty password on a later change keeps the stored one.
    kept = update_connection(
        user=manager,
        connection=connection,
        spec=connection_spec(client_erp.side, client=client_erp.client, password=""),
    )
    assert decrypt(kept.password_encrypted) == "not-it"


def test_an_unreachable_erp_is_reported(
    manager: Any, acme_outdoor: Any, east: Any, erp_side: Any
) -> None:
    from devtools.tryton import free_port

    spec = connection_spec(erp_side, client=acme_outdoor, url=f"http://127.0.0.1:{free_port()}/")
    connection = create_connection(user=manager, spec=spec)

    report = connections.test_connection(connection_id=connection.pk)
    summary = inbound.pull(connection_id=connection.pk)

    assert not report.ok and report.message.startswith(
        "The ERP cannot be reached at http://127.0.0.1:"
    )
    assert summary.error == report.message
    assert SyncRecord.objects.count() == 0


def test_a_mapping_of_a_warehouse_tryton_does_not_have_fails_the_test(
    client_erp: Any, manager: Any
) -> None:
    spec = connection_spec(
        client_erp.side, client=client_erp.client, warehouse_map={"NOPE": "EAST"}
    )
    update_connection(user=manager, connection=client_erp.connection, spec=spec)

    report = connections.test_connection(connection_id=client_erp.connection.pk)

    assert not report.ok
    assert (
        report.message
        == "Logged in, but the ERP has no warehouse NOPE (mapped on this connection)."
    )


def test_a_connection_naming_a_warehouse_we_do_not_have_is_refused(
    manager: Any, acme_outdoor: Any, erp_side: Any
) -> None:
    from erp.exceptions import ConnectionRefused

    before = snapshot()
    with pytest.raises(ConnectionRefused) as refused:
        create_connection(
            user=manager,
            spec=connection_spec(erp_side, client=acme_outdoor, warehouse_map={"WH": "MARS"}),
        )
    assert refused.value.field_errors["warehouse_map"] == [
        "No warehouse of ours has the code MARS."
    ]
    assert_unchanged_since(before)


def test_a_purchase_for_an_unmapped_warehouse_fails_and_writes_nothing(
    client_erp: Any, manager: Any
) -> None:
    ProductFactory(client=client_erp.client, sku="WH-A")
    update_connection(
        user=manager,
        connection=client_erp.connection,
        spec=connection_spec(client_erp.side, client=client_erp.client, warehouse_map={}),
    )
    purchase = client_erp.side.purchase({"WH-A": 3})

    summary = inbound.pull(connection_id=client_erp.connection.pk)

    assert summary.counts == {"failed": 1}
    record = SyncRecord.objects.get()
    number = client_erp.side.number("purchase.purchase", purchase)
    assert (record.state, record.message) == (
        SyncState.FAILED,
        f"Purchase order {number} is for ERP warehouse WH, which is not mapped to one of ours: "
        "map it on the connection, then retry.",
    )
    assert not Asn.objects.exists()


def test_a_unit_we_cannot_convert_fails_the_purchase(client_erp: Any) -> None:
    side = client_erp.side
    kilogram = side.rpc.search_read("product.uom", [["symbol", "=", "kg"]], ["id"])[0]["id"]
    side.product("FLOUR", uom=kilogram)
    side.purchase({"FLOUR": Decimal("2.5")})

    assert inbound.pull(connection_id=client_erp.connection.pk).counts == {"failed": 1}

    message = SyncRecord.objects.get().message
    assert (
        "Line 1 (FLOUR): the ERP counts it in Kilogram, which we cannot convert to whole units."
        in message
    )
    assert not Asn.objects.exists() and not Product.objects.filter(sku="FLOUR").exists()


def test_unknown_skus_are_reported_or_created_by_the_connections_choice(
    client_erp: Any, manager: Any
) -> None:
    purchase = client_erp.side.purchase({"NEW-1": 4})
    number = client_erp.side.number("purchase.purchase", purchase)

    assert inbound.pull(connection_id=client_erp.connection.pk).counts == {"failed": 1}
    record = SyncRecord.objects.get()
    assert record.message == (
        f"Purchase order {number} orders SKUs acme-outdoor does not have here: NEW-1 "
        "([NEW-1] NEW-1 from the ERP). Create them (or let the connection create them), then retry."
    )
    assert not Product.objects.filter(sku="NEW-1").exists()

    update_connection(
        user=manager,
        connection=client_erp.connection,
        spec=connection_spec(
            client_erp.side, client=client_erp.client, unknown_sku_policy=UnknownSkuPolicy.CREATE
        ),
    )
    assert inbound.pull_one(record_id=record.pk) == "created"

    product = Product.objects.get(client=client_erp.client, sku="NEW-1")
    assert product.name == "[NEW-1] NEW-1 from the ERP"
    assert AsnLine.objects.get(asn__reference=number).product == product
    record.refresh_from_db()
    assert record.state == SyncState.DONE
