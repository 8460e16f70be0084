"""Low-stock alerts: a product's available units in a warehouse (free, available status, at
physical locations) below its reorder point raise one alert, emitted as `alert.low_stock` for
webhooks; the alert stays open, and no second one is raised, until available recovers (then
`alert.low_stock_cleared`). Run every few minutes by beat, and safe to run twice at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from control.models import LowStockAlert, ReorderPoint
from inventory.events import NewEvent, emit_many
from inventory.models import Balance, InventoryStatus


@dataclass(frozen=True)
class AlertRun:
    raised: int
    cleared: int


@transaction.atomic
def check_low_stock() -> AlertRun:
    """Raises and clears alerts for every reorder point (one query for the levels)."""
    available = (
        Balance.objects.filter(
            warehouse_id=OuterRef("warehouse_id"),
            product_id=OuterRef("product_id"),
            status=InventoryStatus.AVAILABLE,
            location__is_virtual=False,
        )
        .values("product_id")
        .annotate(free=Sum(F("on_hand") - F("allocated")))
        .values("free")
    )
    points = ReorderPoint.objects.annotate(
        available=Coalesce(Subquery(available), Value(0))
    ).select_related("product", "warehouse")
    open_alerts = {
        (a.warehouse_id, a.product_id): a
        for a in LowStockAlert.objects.select_for_update().filter(is_open=True)
    }
    events: list[NewEvent] = []
    raised = cleared = 0
    now = timezone.now()
    for point in points.order_by("pk"):
        key = (point.warehouse_id, point.product_id)
        level = int(point.available)
        alert = open_alerts.get(key)
        if level < point.quantity and alert is None:
            made = LowStockAlert.objects.bulk_create(
                [
                    LowStockAlert(
                        warehouse_id=point.warehouse_id,
                        product_id=point.product_id,
                        client_id=point.product.client_id,
                        reorder_point=point.quantity,
                        available_at_raise=level,
                        raised_at=now,
                    )
                ],
                ignore_conflicts=True,
            )
            if (
                made
                and LowStockAlert.objects.filter(
                    warehouse_id=point.warehouse_id, product_id=point.product_id, raised_at=now
                ).exists()
            ):
                raised += 1
                events.append(
                    NewEvent(
                        type="alert.low_stock",
                        client_id=point.product.client_id,
                        warehouse_id=point.warehouse_id,
                        payload={
                            "sku": point.product.sku,
                            "warehouse": point.warehouse.code,
                            "available": level,
                            "reorder_point": point.quantity,
                        },
                    )
                )
        elif level >= point.quantity and alert is not None:
            LowStockAlert.objects.filter(pk=alert.pk).update(is_open=False, cleared_at=now)
            cleared += 1
            events.append(
                NewEvent(
                    type="alert.low_stock_cleared",
                    client_id=point.product.client_id,
                    warehouse_id=point.warehouse_id,
                    payload={"sku": point.product.sku, "available": level},
                )
            )
    emit_many(events)
    return AlertRun(raised=raised, cleared=cleared)
