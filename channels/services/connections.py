"""Sales channel connections: create one (the access token stored encrypted, never shown again)
with its SKU map (our SKU -> the store's inventory item). Every mapped SKU starts dirty, so the
first sync tells the store what it may sell."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from channels.exceptions import ChannelRefused
from channels.models import Channel, ChannelStock
from inventory.models import Client, Product, Warehouse
from inventory.outbox import take_next
from wms.crypto import encrypt

if TYPE_CHECKING:
    from wms.accounts.models import User

CONSUMER = "channels"
FULFILMENT_CONSUMER = "channels-fulfilment"
SYNC_TASK = "channels.sync"


@dataclass(frozen=True)
class ChannelSpec:
    name: str
    client: Client
    warehouse: Warehouse
    shop_url: str
    access_token: str
    location_id: str
    buffer_units: int = 0
    buffer_percent: int = 0
    skus: dict[str, str] = field(default_factory=dict)


def _check(spec: ChannelSpec) -> dict[str, Product]:
    errors: dict[str, list[str]] = {}
    parts = urlsplit(spec.shop_url)
    loopback_ok = settings.WEBHOOK_ALLOW_LOOPBACK and parts.hostname in ("127.0.0.1", "localhost")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback_ok):
        errors["shop_url"] = [
            f"Give the store as https://<shop>.myshopify.com; got {spec.shop_url!r}."
        ]
    if not 0 <= spec.buffer_percent <= 100:
        errors["buffer_percent"] = [f"A buffer is 0 to 100 percent; got {spec.buffer_percent}."]
    products = {
        p.sku: p for p in Product.objects.filter(client=spec.client, sku__in=list(spec.skus))
    }
    unknown = sorted(set(spec.skus) - set(products))
    if unknown:
        errors["skus"] = [f"{spec.client.code} has no SKU {', '.join(unknown)}."]
    if len(set(spec.skus.values())) != len(spec.skus):
        errors.setdefault("skus", []).append("Map each inventory item to one SKU.")
    if errors:
        raise ChannelRefused(next(iter(errors.values()))[0], field_errors=errors)
    return products


@transaction.atomic
def create_channel(*, user: User, spec: ChannelSpec) -> Channel:
    """A client's store and its SKU map; the stock of every mapped SKU is pushed on the next
    sync."""
    products = _check(spec)
    # Channel sync reads the outbox from the first channel on.
    take_next(CONSUMER, limit=0, from_now=True)
    take_next(FULFILMENT_CONSUMER, limit=0, from_now=True)
    channel = Channel.objects.create(
        client=spec.client,
        warehouse=spec.warehouse,
        name=spec.name.strip(),
        shop_url=spec.shop_url.strip(),
        access_token_encrypted=encrypt(spec.access_token),
        location_id=spec.location_id.strip(),
        buffer_units=spec.buffer_units,
        buffer_percent=spec.buffer_percent,
    )
    ChannelStock.objects.bulk_create(
        ChannelStock(channel=channel, product=products[sku], inventory_item_id=item)
        for sku, item in spec.skus.items()
    )
    return channel
