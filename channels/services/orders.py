"""Orders from a store, and fulfilments back to it.

`pull` reads the store's orders changed since the last pull (oldest change first, the last one
read again: its update time is inclusive) and applies each in its own transaction, through
picking's services: a new order is created (once: the store's order id is unique per channel,
and picking refuses a second order with the reference); a changed one is revised and a cancelled
one cancelled while the warehouse allows it (nothing allocated yet; not yet packed), else the
link is flagged with the reason. An order the store cancelled before we saw it is not created.

`fulfil` posts each shipped order's fulfilment with its carrier and tracking numbers: the
outbox's `order.shipped` events (consumer "channels-fulfilment") mark the linked orders in one
transaction; the posts happen after it, and one the store could not take stays pending for the
next sync."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from channels.models import Channel, ChannelOrder
from channels.services.connections import FULFILMENT_CONSUMER
from channels.services.sync import client_for
from channels.shopify import ChannelError
from inventory.models import Product
from inventory.outbox import take_next
from picking.models import Order
from picking.services.orders import OrderLineSpec, ShipTo, cancel_order, create_order, revise_order
from shipping.models import Shipment, ShipmentStatus
from wms.exceptions import DomainError

EPOCH = "1970-01-01T00:00:00Z"


@dataclass
class PullSummary:
    created: int = 0
    revised: int = 0
    cancelled: int = 0
    flagged: int = 0
    unchanged: int = 0
    skipped: int = 0
    error: str = ""


def _content(node: dict[str, Any]) -> dict[str, Any]:
    lines = sorted(
        [str(line.get("sku") or ""), int(line.get("quantity") or 0)]
        for line in (node.get("lineItems") or {}).get("nodes") or []
    )
    return {
        "lines": lines,
        "cancelled": bool(node.get("cancelledAt")),
        "address": node.get("shippingAddress") or {},
    }


def _ship_to(address: dict[str, Any]) -> ShipTo:
    return ShipTo(
        name=str(address.get("name") or ""),
        company=str(address.get("company") or ""),
        street1=str(address.get("address1") or ""),
        street2=str(address.get("address2") or ""),
        city=str(address.get("city") or ""),
        state=str(address.get("provinceCode") or ""),
        postal_code=str(address.get("zip") or ""),
        country=str(address.get("countryCodeV2") or "US"),
        phone=str(address.get("phone") or ""),
    )


def _lines(channel: Channel, content: dict[str, Any]) -> list[OrderLineSpec] | str:
    skus = [sku for sku, _qty in content["lines"]]
    products = {p.sku: p for p in Product.objects.filter(client_id=channel.client_id, sku__in=skus)}
    unknown = sorted(set(skus) - set(products))
    if unknown:
        return f"No SKU {', '.join(unknown)} for {channel.client.code}."
    return [OrderLineSpec(products[sku], qty) for sku, qty in content["lines"] if qty > 0]


@transaction.atomic
def _apply(channel: Channel, node: dict[str, Any], summary: PullSummary) -> None:
    content = _content(node)
    link = (
        ChannelOrder.objects.select_for_update()
        .filter(channel=channel, channel_order_id=str(node["id"]))
        .first()
    )
    if link is None:
        if content["cancelled"]:
            summary.skipped += 1
            return
        lines = _lines(channel, content)
        if isinstance(lines, str):
            summary.skipped += 1
            summary.error = lines
            return
        order, _created = create_order(
            client=channel.client,
            warehouse=channel.warehouse,
            reference=str(node["name"]),
            ship_to=_ship_to(content["address"]),
            lines=lines,
            user=None,
        )
        fulfillment_orders = (node.get("fulfillmentOrders") or {}).get("nodes") or []
        try:
            with transaction.atomic():
                ChannelOrder.objects.create(
                    channel=channel,
                    channel_order_id=str(node["id"]),
                    name=str(node["name"]),
                    order_id=order.pk,
                    fulfillment_order_id=(
                        str(fulfillment_orders[0]["id"]) if fulfillment_orders else ""
                    ),
                    content=content,
                )
        except IntegrityError:
            # A concurrent pull linked it first (create_order returned its order): nothing new.
            summary.unchanged += 1
            return
        summary.created += 1
        return
    if link.content == content:
        summary.unchanged += 1
        return
    order = Order.objects.get(pk=link.order_id)
    try:
        with transaction.atomic():
            if content["cancelled"]:
                cancel_order(order=order, user=None)
                summary.cancelled += 1
            else:
                lines = _lines(channel, content)
                if isinstance(lines, str):
                    raise DomainError(lines)
                revise_order(
                    order=order, ship_to=_ship_to(content["address"]), lines=lines, user=None
                )
                summary.revised += 1
    except DomainError as exc:
        link.flag = f"The store's change could not be applied: {exc.message}"
        link.updated_at = timezone.now()
        link.save(update_fields=["flag", "updated_at"])
        summary.flagged += 1
        return
    link.content = content
    link.flag = ""
    link.updated_at = timezone.now()
    link.save(update_fields=["content", "flag", "updated_at"])


def pull(*, channel_id: int) -> PullSummary:
    """Applies the store's orders changed since the last pull; returns what happened."""
    channel = Channel.objects.select_related("client", "warehouse").get(pk=channel_id)
    summary = PullSummary()
    try:
        nodes = client_for(channel).orders_since(channel.orders_since or EPOCH)
    except ChannelError as exc:
        summary.error = exc.message
        return summary
    for node in nodes:
        _apply(channel, node, summary)
    newest = max([str(n.get("updatedAt") or "") for n in nodes] or [channel.orders_since])
    Channel.objects.filter(pk=channel.pk).update(orders_since=newest, last_pull_at=timezone.now())
    return summary


@transaction.atomic
def mark_shipped_from_outbox(*, limit: int = 1000) -> int:
    """Marks the channel orders whose order shipped as owing their fulfilment."""
    events = take_next(FULFILMENT_CONSUMER, types=("order.shipped",), limit=limit, from_now=True)
    order_ids = [
        e.payload["order_id"] for e in events if isinstance(e.payload.get("order_id"), int)
    ]
    if not order_ids:
        return 0
    return ChannelOrder.objects.filter(order_id__in=order_ids, fulfilled_at__isnull=True).update(
        fulfillment_pending=True
    )


def post_fulfilments() -> int:
    """Posts every pending fulfilment (carrier and tracking numbers of the order's shipped
    shipments); returns how many the stores took."""
    posted = 0
    pending = ChannelOrder.objects.filter(
        fulfillment_pending=True, channel__is_enabled=True
    ).select_related("channel")
    for link in pending:
        shipments = Shipment.objects.filter(order_id=link.order_id, status=ShipmentStatus.SHIPPED)
        numbers = [s.tracking_code for s in shipments.order_by("pk") if s.tracking_code]
        company = next((s.carrier for s in shipments if s.carrier), "")
        try:
            made = client_for(link.channel).create_fulfillment(
                link.fulfillment_order_id, company=company, numbers=numbers
            )
        except ChannelError as exc:
            ChannelOrder.objects.filter(pk=link.pk).update(fulfillment_error=exc.message[:500])
            continue
        ChannelOrder.objects.filter(pk=link.pk).update(
            fulfillment_pending=False,
            fulfillment_id=made,
            fulfilled_at=timezone.now(),
            fulfillment_error="",
        )
        posted += 1
    return posted
