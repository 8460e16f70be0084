"""Pushing available-to-sell to sales channels, in two steps like every outbox consumer:

1. `mark_from_outbox`, one transaction: the next committed stock and reservation events
   (consumer "channels") mark the (channel, SKU) rows they touch dirty, bump their version and
   keep their due time, which is at least CHANNEL_DEBOUNCE_SECONDS after the last push.
2. `push_due`, outside any transaction: each dirty, due row is pushed with the count as it is
   now (available, unallocated units in the channel's warehouse, minus the buffer, never below
   zero), by compare-and-set against what the store last held. A stale compare re-reads the
   store and tries again; a 429 waits for Retry-After; a store that is down is tried again after
   CHANNEL_RETRY_SECONDS. Whatever happened in between, one push carries only the latest count.
   The row is cleared only if no newer change marked it meanwhile (its version)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from channels.models import Channel, ChannelStock, DriftReport
from channels.services.connections import CONSUMER
from channels.shopify import ChannelError, ShopifyClient, StaleQuantity, Throttled, Unavailable
from inventory.outbox import take_next
from inventory.selectors import sellable_units
from picking.selectors import products_of_orders
from wms.crypto import decrypt

STOCK_EVENTS = (
    "stock.received",
    "stock.moved",
    "stock.adjusted",
    "stock.status_changed",
    "stock.shipped",
    "stock.consumed",
    "stock.reserved",
    "stock.released",
)
# Allocation is set-based and writes no stock event; these order events stand for it.
ORDER_EVENTS = ("order.allocated", "order.backordered", "order.cancelled")
STALE_RETRIES = 3


@transaction.atomic
def mark_from_outbox(*, limit: int = 5000) -> int:
    """Marks the SKUs the next events touched dirty; returns how many rows were marked."""
    events = take_next(CONSUMER, types=(*STOCK_EVENTS, *ORDER_EVENTS), limit=limit, from_now=True)
    touched: dict[int, set[int]] = {}
    order_ids = [
        int(e.payload["order_id"])
        for e in events
        if e.type in ORDER_EVENTS and isinstance(e.payload.get("order_id"), int)
    ]
    lines = products_of_orders(order_ids) if order_ids else {}
    for event in events:
        if event.warehouse_id is None:
            continue
        product_id = event.payload.get("product_id")
        if event.type in ORDER_EVENTS:
            products = lines.get(event.payload.get("order_id") or 0, set())
        else:
            products = {product_id} if isinstance(product_id, int) else set()
        touched.setdefault(event.warehouse_id, set()).update(products)
    if not touched:
        return 0
    now = timezone.now()
    debounce = dt.timedelta(seconds=float(settings.CHANNEL_DEBOUNCE_SECONDS))
    marked = 0
    for warehouse_id, product_ids in touched.items():
        rows = ChannelStock.objects.filter(
            channel__warehouse_id=warehouse_id, product_id__in=product_ids
        )
        # Not dirty yet: due one debounce after the last push (now, if that is past); already
        # dirty: keeps its due time, so a stream of changes cannot postpone the push forever.
        marked += rows.filter(dirty=False).update(
            dirty=True,
            version=F("version") + 1,
            changed_at=now,
            due_at=Greatest(Coalesce(F("pushed_at"), now) + debounce, now),
        )
        marked += rows.filter(dirty=True).update(version=F("version") + 1)
    return marked


def available(channel: Channel, product_ids: list[int]) -> dict[int, int]:
    """Sellable units per product in the channel's warehouse (inventory.selectors)."""
    units = sellable_units([channel.warehouse_id], product_ids)
    return {
        product_id: units.get((channel.warehouse_id, product_id), 0) for product_id in product_ids
    }


def client_for(channel: Channel) -> ShopifyClient:
    return ShopifyClient(
        channel.shop_url,
        decrypt(channel.access_token_encrypted),
        timeout=float(settings.CHANNEL_TIMEOUT),
    )


@dataclass
class PushSummary:
    pushed: int = 0
    unchanged: int = 0
    waiting: int = 0


def push_due(*, limit: int = 500) -> PushSummary:
    """Pushes every dirty, due row of enabled channels (see the module's docstring)."""
    now = timezone.now()
    rows = list(
        ChannelStock.objects.filter(dirty=True, due_at__lte=now, channel__is_enabled=True)
        .select_related("channel")
        .order_by("due_at", "pk")[:limit]
    )
    summary = PushSummary()
    by_channel: dict[int, list[ChannelStock]] = {}
    for row in rows:
        by_channel.setdefault(row.channel_id, []).append(row)
    for channel_rows in by_channel.values():
        channel = channel_rows[0].channel
        client = client_for(channel)
        counts = available(channel, [r.product_id for r in channel_rows])
        for index, row in enumerate(channel_rows):
            try:
                outcome = _push(
                    client, channel, row, channel.sellable(counts.get(row.product_id, 0))
                )
            except Throttled as exc:
                _postpone(channel_rows[index:], exc.retry_after, exc.message)
                summary.waiting += len(channel_rows) - index
                break
            except ChannelError as exc:
                wait = float(settings.CHANNEL_RETRY_SECONDS)
                _postpone([row], wait, exc.message)
                summary.waiting += 1
                if isinstance(exc, Unavailable):
                    _postpone(channel_rows[index + 1 :], wait, exc.message)
                    summary.waiting += len(channel_rows) - index - 1
                    break
                continue
            if outcome:
                summary.pushed += 1
            else:
                summary.unchanged += 1
        Channel.objects.filter(pk=channel.pk).update(last_push_at=timezone.now())
    return summary


def _push(client: ShopifyClient, channel: Channel, row: ChannelStock, quantity: int) -> bool:
    """Sets the store's count to `quantity` by compare-and-set; True when it changed."""
    compare = row.channel_quantity
    if compare is None:
        compare = client.read_available(row.inventory_item_id, channel.location_id)
    changed = False
    for _ in range(STALE_RETRIES):
        if compare == quantity:
            break
        try:
            client.set_available(row.inventory_item_id, channel.location_id, quantity, compare)
            changed = True
            break
        except StaleQuantity:
            compare = client.read_available(row.inventory_item_id, channel.location_id)
    else:
        raise StaleQuantity(f"The store's count kept changing under us ({STALE_RETRIES} tries).")
    now = timezone.now()
    done = ChannelStock.objects.filter(pk=row.pk)
    # Cleared only if no newer change marked the row while we pushed; else it stays dirty and
    # goes again one debounce later with the newer count.
    cleared = done.filter(version=row.version).update(
        dirty=False,
        channel_quantity=quantity,
        pushed_at=now,
        last_error="",
        pushes=F("pushes") + int(changed),
    )
    if not cleared:
        debounce = dt.timedelta(seconds=float(settings.CHANNEL_DEBOUNCE_SECONDS))
        done.update(
            channel_quantity=quantity,
            pushed_at=now,
            due_at=now + debounce,
            pushes=F("pushes") + int(changed),
        )
    return changed


def _postpone(rows: list[ChannelStock], seconds: float, message: str) -> None:
    until = timezone.now() + dt.timedelta(seconds=seconds)
    ChannelStock.objects.filter(pk__in=[r.pk for r in rows]).update(
        due_at=until, last_error=message[:500]
    )


def drift(*, channel_id: int) -> DriftReport:
    """Compares each mapped SKU's count in the store with what we would push now; records the
    differences (the nightly report, and the API's on demand)."""
    channel = Channel.objects.get(pk=channel_id)
    rows = list(channel.stock.select_related("product").order_by("product__sku"))
    counts = available(channel, [r.product_id for r in rows])
    client = client_for(channel)
    differences = []
    try:
        for row in rows:
            theirs = client.read_available(row.inventory_item_id, channel.location_id)
            ours = channel.sellable(counts.get(row.product_id, 0))
            if theirs != ours:
                differences.append(
                    {
                        "sku": row.product.sku,
                        "ours": ours,
                        "channel": theirs,
                        "difference": theirs - ours,
                    }
                )
    except ChannelError as exc:
        return DriftReport.objects.create(
            channel=channel, skus_compared=0, differences=[], error=exc.message
        )
    return DriftReport.objects.create(
        channel=channel, skus_compared=len(rows), differences=differences
    )


def enabled_channel_ids() -> list[int]:
    return list(Channel.objects.filter(is_enabled=True).values_list("pk", flat=True))


def mark_all(*, channel_id: int) -> int:
    """ "Sync now": every mapped SKU of the channel dirty and due now."""
    return ChannelStock.objects.filter(channel_id=channel_id).update(
        dirty=True, version=F("version") + 1, due_at=timezone.now()
    )
