"""Sales-channel benchmark: the delay from a committed stock change to the store seeing the new
count, under 100 stock changes a second over 20 SKUs for a minute (CHANNELS_BENCH_SECONDS,
CHANNELS_BENCH_RATE scale it).

A writer thread removes one unit of a random SKU per change through `ledger.adjust` (each its own
transaction) and notes when it committed and the count after it; the main thread plays the beat,
running `channels.sync`'s two steps every CHANNEL_SYNC_SECONDS against the Shopify-shaped fake on
loopback, with the production debounce (CHANNEL_DEBOUNCE_SECONDS). A change is seen when the store
is first set to its count or a later (lower) one. Figures: p50 and p95 of that delay (goal p95
under 10 s), beside the debounce itself, and pushes made against changes committed."""

from __future__ import annotations

import os
import random
import statistics
import threading
import time
from typing import Any

SLUG = "channels-bench"
SECONDS = float(os.environ.get("CHANNELS_BENCH_SECONDS", "60"))
RATE = float(os.environ.get("CHANNELS_BENCH_RATE", "100"))
SKUS = 20
START = 1_000_000
GOAL_P95 = 10.0


def _setup_tenant() -> Any:
    from tenants import services
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None:
        tenant = services.register_tenant(
            name="Channels bench", slug=SLUG, admin_email="c@bench.test", password="bench-pass-123"
        )
        tenant = services.provision_tenant(tenant.pk)
    return tenant


def _writer(
    tenant: Any, world: dict[str, Any], log: list[tuple[int, float, int]], stop: float
) -> None:
    from django.db import connection

    from inventory.services import ledger

    connection.set_tenant(tenant)
    left = {p.pk: START for p in world["products"]}
    rng = random.Random(7)
    interval = 1.0 / RATE
    next_at = time.monotonic()
    try:
        while time.monotonic() < stop:
            product = rng.choice(world["products"])
            ledger.adjust(
                user=None, product=product, location=world["bin"], quantity=-1, reason_code="BENCH"
            )
            left[product.pk] -= 1
            log.append((product.pk, time.monotonic(), left[product.pk]))
            next_at += interval
            time.sleep(max(next_at - time.monotonic(), 0))
    finally:
        connection.close()


def run() -> None:
    from django.conf import settings
    from django.db import connection
    from django_tenants.utils import tenant_context

    from channels.services.connections import ChannelSpec, create_channel
    from channels.services.sync import mark_from_outbox, push_due
    from devtools.shopify_fake import FakeShopify
    from inventory.services import ledger
    from inventory.services.master import ensure_virtual_locations
    from tests.factories import (
        ClientFactory,
        LocationFactory,
        ProductFactory,
        UserFactory,
        WarehouseFactory,
    )

    settings.TENANT_LIMIT_SET_CALLS = True  # as in production (the test settings turn it off)
    settings.WEBHOOK_ALLOW_LOOPBACK = True  # the fake store listens on loopback
    tenant = _setup_tenant()
    token = "shpat_bench"
    with FakeShopify(token=token) as shop, tenant_context(tenant):
        manager = UserFactory(role="manager", email="bench@channels.test")
        client = ClientFactory(code="bench-shop")
        warehouse = WarehouseFactory(code="BENCH-SHOP")
        ensure_virtual_locations(warehouse)
        bin_ = LocationFactory(
            warehouse=warehouse, code="BS-01", kind="pick_face", is_pickable=True
        )
        products = [ProductFactory(client=client, sku=f"BS-{n:02d}") for n in range(SKUS)]
        for product in products:
            ledger.receive(user=manager, product=product, quantity=START, location=bin_)
        items = {p.pk: f"gid://shopify/InventoryItem/{9000 + n}" for n, p in enumerate(products)}
        create_channel(
            user=manager,
            spec=ChannelSpec(
                name="Bench store",
                client=client,
                warehouse=warehouse,
                shop_url=shop.url,
                access_token=token,
                location_id=shop.location,
                skus={p.sku: items[p.pk] for p in products},
            ),
        )
        mark_from_outbox()
        push_due()  # the first counts
        shop.sets.clear()
        origin = time.monotonic() - time.time()  # the fake stamps sets with time.time()

        log: list[tuple[int, float, int]] = []
        stop = time.monotonic() + SECONDS
        writer = threading.Thread(
            target=_writer, args=(tenant, {"products": products, "bin": bin_}, log, stop)
        )
        writer.start()
        beat = float(settings.CHANNEL_SYNC_SECONDS)
        while writer.is_alive() or time.monotonic() < stop + 2 * beat:
            mark_from_outbox()
            push_due()
            time.sleep(beat)
        # Let the last debounced pushes go.
        deadline = time.monotonic() + float(settings.CHANNEL_DEBOUNCE_SECONDS) + 2 * beat
        while time.monotonic() < deadline:
            mark_from_outbox()
            push_due()
            time.sleep(beat)
        writer.join()

        sets_by_item: dict[str, list[tuple[float, int]]] = {}
        for s in shop.sets:
            sets_by_item.setdefault(s["inventoryItemId"], []).append(
                (s["at"] + origin, int(s["quantity"]))
            )
        delays = []
        unseen = 0
        for product_id, committed_at, count in log:
            seen = next(
                (
                    at
                    for at, quantity in sets_by_item.get(items[product_id], [])
                    if at >= committed_at and quantity <= count
                ),
                None,
            )
            if seen is None:
                unseen += 1
            else:
                delays.append(seen - committed_at)
    connection.set_schema_to_public()

    achieved = len(log) / SECONDS
    delays.sort()
    p50 = statistics.median(delays) if delays else float("nan")
    p95 = delays[int(0.95 * (len(delays) - 1))] if delays else float("nan")
    verdict = "OK" if p95 < GOAL_P95 and not unseen else "ABOVE GOAL"
    print(
        f"\nChannels: {len(log):,} stock changes over {SKUS} SKUs in {SECONDS:.0f} s ({achieved:.0f}/s)"
    )
    print(
        f"  pushes to the store: {len(shop.sets):,} (debounce {settings.CHANNEL_DEBOUNCE_SECONDS:g} s, beat {beat:g} s)"
    )
    print(
        f"  commit -> store sees the count: p50 {p50:.2f} s, p95 {p95:.2f} s (goal p95 < {GOAL_P95:g} s) {verdict}"
    )
    if unseen:
        print(f"  {unseen} change(s) never reached the store")
