"""Reconciliation: Tryton's on-hand per SKU beside ours over the mapped warehouses; only the SKUs
that differ are listed."""

from __future__ import annotations

from typing import Any

import pytest

from erp import tasks
from erp.adapters.registry import adapter_for
from erp.models import ReconciliationRun
from erp.services import inbound
from erp.services.reconcile import reconcile
from receiving.models import Asn
from receiving.services.asn import close_asn
from receiving.services.receipts import receive_scan
from tests.factories import ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.erp]


def test_reconciliation_lists_only_the_skus_that_differ(
    client_erp: Any, dock: Any, manager: Any
) -> None:
    side = client_erp.side
    a = ProductFactory(client=client_erp.client, sku="REC-A")
    purchase = side.purchase({"REC-A": 7})
    inbound.pull(connection_id=client_erp.connection.pk)
    asn = Asn.objects.get(reference=side.number("purchase.purchase", purchase))
    receive_scan(asn=asn, code_or_product=a, quantity=7, user=manager)
    close_asn(asn=asn, user=manager)
    tasks.sync_outbound.apply().get()
    # Stock the ERP booked that never reached us: received in Tryton directly.
    other = side.purchase({"REC-ERP": 5})
    with adapter_for(client_erp.connection) as adapter:
        adapter.post_receipt(purchase_id=other, reference="BY-HAND", received={"REC-ERP": 5})

    differences = tasks.reconcile_connection.apply(args=[client_erp.connection.pk]).get()

    run = ReconciliationRun.objects.get()
    assert (differences, run.error, run.client) == (1, "", client_erp.client)
    assert run.rows == [{"sku": "REC-ERP", "erp": "5", "wms": 0, "difference": "-5"}]
    assert run.skus_compared == 2  # REC-A agrees at 7


def test_a_reconciliation_without_the_erp_says_why(client_erp: Any, tryton_server: Any) -> None:
    client_erp.connection.url = "http://127.0.0.1:9/"
    client_erp.connection.save()

    run = reconcile(connection_id=client_erp.connection.pk)

    assert run.error.startswith("The ERP cannot be reached at http://127.0.0.1:9")
    assert run.rows == [] and run.pk is not None
