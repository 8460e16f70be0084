"""Reconciliation: a client's ERP on-hand per SKU beside ours, over the connection's mapped
warehouses, differences listed. Nightly (beat) and on demand; the ERP is read outside any
transaction and the run saved after."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from erp import selectors
from erp.adapters.registry import adapter_for
from erp.exceptions import ErpError
from erp.models import ConnectionScope, ErpConnection, ReconciliationRun


def reconcile(*, connection_id: int) -> ReconciliationRun:
    """Compares and records one run; an ERP that cannot be read gives a run with the reason."""
    connection = ErpConnection.objects.get(pk=connection_id)
    run = ReconciliationRun(connection=connection, client=connection.client)
    if connection.scope != ConnectionScope.CLIENT or connection.client_id is None:
        run.error = "Only a client's ERP holds that client's stock."
    elif not connection.warehouse_map:
        run.error = "No warehouse is mapped on the connection: nothing to compare."
    else:
        try:
            with adapter_for(connection) as adapter:
                theirs = adapter.on_hand(sorted(connection.warehouse_map))
        except ErpError as exc:
            run.error = exc.message
        else:
            ours = selectors.on_hand_by_sku(
                connection.client_id, sorted(connection.warehouse_map.values())
            )
            rows = []
            for sku in sorted(set(theirs) | set(ours)):
                erp_qty = theirs.get(sku, Decimal(0))
                wms_qty = ours.get(sku, 0)
                if erp_qty != wms_qty:
                    rows.append(
                        {
                            "sku": sku,
                            "erp": _text(erp_qty) if sku in theirs else None,
                            "wms": wms_qty,
                            "difference": _text(wms_qty - erp_qty),
                        }
                    )
            run.skus_compared = len(set(theirs) | set(ours))
            run.differences = len(rows)
            run.rows = rows
    run.finished_at = timezone.now()
    if connection.client_id is None:
        return run
    run.save()
    return run


def _text(quantity: Decimal) -> str:
    """A quantity as people write it: 8, -2, 2.5 (never 8.0 or 8E+1)."""
    return f"{quantity.normalize():f}"
