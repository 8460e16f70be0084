"""The global search: any code a manager has in hand (an order reference, an ASN reference, a
SKU or product barcode, an LPN, a bin, a tracking number, a wave) and where its page is. Each
kind is read through its own app's scoped selector, so a code outside the user's warehouses or
client finds nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from inventory import selectors as inventory
from picking.selectors import orders as picking
from receiving import selectors as receiving
from shipping.selectors import shipments as shipping
from wms.accounts.models import User

LIMIT_PER_KIND = 10


@dataclass(frozen=True)
class Hit:
    kind: str
    code: str
    detail: str
    url: str


def _hits(
    kind: str, rows: Iterable[Any], describe: Callable[[Any], tuple[str, str, str]]
) -> list[Hit]:
    return [Hit(kind, *describe(row)) for row in rows]


def _place(lpn: Any) -> str:
    return lpn.location.code if lpn.location else "no location"


def find_code(user: User, code: str) -> list[Hit]:
    """Every record in the user's scope whose code is `code` (case folded, whole code), at most
    ten of each kind, in the order orders, shipments, ASNs, products, LPNs, locations, waves."""
    code = code.strip()
    if not code:
        return []
    limit = LIMIT_PER_KIND
    orders = picking.orders_for_user(user).filter(reference__iexact=code)[:limit]
    shipments = (
        shipping.shipments_for_user(user)
        .filter(Q(tracking_code__iexact=code) | Q(easypost_id=code))
        .order_by("-pk")[:limit]
    )
    asns = receiving.asns_for_user(user).filter(reference__iexact=code)[:limit]
    products = (
        inventory.products_for_user(user)
        .filter(Q(sku__iexact=code) | Q(barcodes__barcode__iexact=code))
        .distinct()
        .order_by("sku", "pk")[:limit]
    )
    lpns = inventory.search_lpns(user, code=code)[:limit]
    locations = (
        inventory.locations_for_user(user)
        .filter(Q(code__iexact=code) | Q(barcode__iexact=code))
        .order_by("warehouse__code", "code")[:limit]
    )
    waves = picking.waves_for_user(user).filter(number__iexact=code)[:limit]
    return [
        *_hits(
            "Order",
            orders,
            lambda o: (
                o.reference,
                f"{o.client.code} · {o.warehouse.code} · {o.get_status_display()}",
                reverse("order_detail", args=[o.pk]),
            ),
        ),
        *_hits(
            "Shipment",
            shipments,
            lambda s: (
                s.tracking_code or s.easypost_id,
                f"order {s.order.reference} · {s.carrier} · {s.get_status_display()}",
                reverse("shipment_detail", args=[s.pk]),
            ),
        ),
        *_hits(
            "ASN",
            asns,
            lambda a: (
                a.reference,
                f"{a.client.code} · {a.warehouse.code} · {a.get_status_display()}",
                reverse("asn_detail", args=[a.pk]),
            ),
        ),
        *_hits(
            "Product",
            products,
            lambda p: (p.sku, f"{p.client.code} · {p.name}", reverse("stock_product", args=[p.pk])),
        ),
        *_hits(
            "LPN",
            lpns,
            lambda lpn: (
                lpn.code,
                f"{lpn.get_kind_display()} at {_place(lpn)} · {lpn.warehouse.code}",
                f"{reverse('lpn_list')}?{urlencode({'q': lpn.code})}",
            ),
        ),
        *_hits(
            "Location",
            locations,
            lambda loc: (
                loc.code,
                f"{loc.warehouse.code} · {loc.get_kind_display()}",
                reverse("stock_location", args=[loc.pk]),
            ),
        ),
        *_hits(
            "Wave",
            waves,
            lambda w: (w.number, w.get_status_display(), reverse("wave_detail", args=[w.pk])),
        ),
    ]
