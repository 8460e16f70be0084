"""The topics a webhook endpoint subscribes to, the outbox events each is made from, and an
example payload for each (the API docs show them).

Most topics are one outbox event type, delivered as it was written. Two are derived:
`asn.received` is a receipt posted against an ASN (a `stock.received` event that names one), and
`inventory.available_changed` is coalesced: every stock or reservation event of a batch read from
the outbox marks its (client, warehouse, SKU); each mark becomes one message with the available
count as it is now, and only when it differs from the last count sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

AVAILABLE_CHANGED = "inventory.available_changed"
ASN_RECEIVED = "asn.received"
TEST = "webhook.test"


@dataclass(frozen=True)
class Topic:
    name: str
    description: str
    example: dict[str, Any]


TOPICS: dict[str, Topic] = {
    t.name: t
    for t in (
        Topic(
            ASN_RECEIVED,
            "Goods were received against an ASN (one message per receipt scan).",
            {
                "asn": "ASN-1001",
                "sku": "TENT-2P",
                "quantity": 12,
                "lot": None,
                "to_location": "DOCK-1",
            },
        ),
        Topic(
            "asn.closed",
            "An ASN was closed: everything expected was received or the rest was written off.",
            {"asn": 42, "reference": "ASN-1001", "lines": [1, 2]},
        ),
        Topic(
            "order.created",
            "An outbound order was created (desk, import, API or a sales channel).",
            {
                "order_id": 7,
                "reference": "SO-5001",
                "lines": [{"line": 1, "sku": "TENT-2P", "quantity": 2}],
            },
        ),
        Topic(
            "order.allocated",
            "An order's lines were allocated (fully, or partly: `missing` lists the rest).",
            {"order_id": 7, "reference": "SO-5001"},
        ),
        Topic(
            "order.backordered",
            "An order could not be allocated at all and waits for stock.",
            {"order_id": 7, "reference": "SO-5001"},
        ),
        Topic(
            "order.shipped",
            "Every carton of an order left the building.",
            {"order_id": 7, "reference": "SO-5001", "cartons": 2},
        ),
        Topic(
            "order.cancelled",
            "An order was cancelled; what it held is released.",
            {"order_id": 7, "reference": "SO-5001"},
        ),
        Topic(
            "shipment.label_purchased",
            "A carrier label was bought for a carton's shipment.",
            {"shipment_id": 3, "order_id": 7, "carrier": "USPS", "tracking_code": "9400100000"},
        ),
        Topic(
            "shipment.tracking_updated",
            "The carrier reported a new tracking status.",
            {
                "shipment_id": 3,
                "tracking_code": "9400100000",
                "status": "in_transit",
                "status_detail": "arrived_at_facility",
            },
        ),
        Topic(
            AVAILABLE_CHANGED,
            "A SKU's available-to-sell count in a warehouse changed (coalesced: one message per "
            "SKU and warehouse for a burst of changes, carrying the count as it is now; held, "
            "damaged, allocated and already picked units never count).",
            {"sku": "TENT-2P", "product_id": 11, "warehouse": "EAST", "available": 37},
        ),
        Topic(
            "stock.adjusted",
            "Stock was adjusted by hand or by a count (positive or negative quantity).",
            {"sku": "TENT-2P", "quantity": -1, "reason_code": "DAMAGED", "from_location": "A-01"},
        ),
        Topic(
            "invoice.finalized",
            "A client's invoice was finalised (its number and total no longer change).",
            {"invoice_id": 5, "number": "INV-2026-0005", "total": "1520.00", "currency": "USD"},
        ),
        Topic(
            "alert.low_stock",
            "A SKU fell below its reorder point in a warehouse.",
            {"sku": "TENT-2P", "warehouse": "EAST", "available": 3, "reorder_point": 10},
        ),
    )
}

# Outbox event type -> the topic it is delivered as (one to one).
DIRECT: dict[str, str] = {
    name: name for name in TOPICS if name not in (ASN_RECEIVED, AVAILABLE_CHANGED)
}
# Events that may change a SKU's available count (they all carry `product_id`).
AVAILABILITY_EVENTS = (
    "stock.received",
    "stock.moved",
    "stock.adjusted",
    "stock.status_changed",
    "stock.shipped",
    "stock.consumed",
    "stock.reserved",
    "stock.released",
)
# Order events that change what is allocated without a stock event (allocation is set-based):
# their products are the order's lines.
ORDER_AVAILABILITY_EVENTS = ("order.allocated", "order.backordered", "order.cancelled")
EVENT_TYPES = tuple(sorted({*DIRECT, *AVAILABILITY_EVENTS, *ORDER_AVAILABILITY_EVENTS}))


def unknown_topics(names: list[str]) -> list[str]:
    return [name for name in names if name not in TOPICS]


def topics_doc() -> str:
    """The topics with their example payloads, for the API description."""
    import json

    lines = ["Topics and example `data` of each message:", ""]
    for topic in TOPICS.values():
        lines.append(f"- `{topic.name}`: {topic.description}")
        lines.append(f"  Example: `{json.dumps(topic.example)}`")
    return "\n".join(lines)
