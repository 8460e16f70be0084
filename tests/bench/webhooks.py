"""Webhook delivery benchmark: deliveries per second to a receiver on loopback, beside a plain
HTTP POST loop of the same bodies to the same receiver in the same run.

WEBHOOKS_BENCH_EVENTS committed `stock.adjusted` events (default 2,000) are delivered to one
endpoint by the dispatcher's own steps, in this process (`record_from_outbox`, then `claim_due`
and `send` for every due delivery: leases, signatures, the attempt log and the outcome, each its
own transaction), by WEBHOOKS_BENCH_SENDERS threads (default 8, as a worker pool's processes
would, each on its own database connection). The baseline posts the same bodies with
`requests.post` from as many threads: no database, no signing. The figures are deliveries/s and
their ratio to the plain loop."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import requests

SLUG = "webhooks-bench"
EVENTS = int(os.environ.get("WEBHOOKS_BENCH_EVENTS", "2000"))
SENDERS = int(os.environ.get("WEBHOOKS_BENCH_SENDERS", "8"))


def _in_threads(work: list[Any], job: Any, setup: Any = None) -> None:
    """Runs `job(item)` for every item, spread over SENDERS threads."""
    import threading

    from django.db import connection

    def run(items: list[Any]) -> None:
        if setup is not None:
            setup()
        try:
            for item in items:
                job(item)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work[n::SENDERS],)) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _setup_tenant() -> Any:
    from tenants import services
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None:
        tenant = services.register_tenant(
            name="Webhooks bench", slug=SLUG, admin_email="w@bench.test", password="bench-pass-123"
        )
        tenant = services.provision_tenant(tenant.pk)
    return tenant


def run() -> None:
    from django.conf import settings
    from django.db import connection, transaction
    from django_tenants.utils import tenant_context

    from devtools.webhook_receiver import WebhookReceiver
    from inventory.events import NewEvent, emit_many
    from tests.factories import ClientFactory, UserFactory, WarehouseFactory
    from webhooks.models import Delivery, DeliveryState
    from webhooks.services.delivery import claim_due, record_from_outbox, send
    from webhooks.services.endpoints import EndpointSpec, create_endpoint

    settings.TENANT_LIMIT_SET_CALLS = True  # as in production (the test settings turn it off)
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    tenant = _setup_tenant()
    with WebhookReceiver() as receiver, tenant_context(tenant):
        manager = UserFactory(role="manager", email="bench@webhooks.test")
        client = ClientFactory(code="bench-hooks")
        warehouse = WarehouseFactory(code="BENCH-HOOKS")
        create_endpoint(
            user=manager,
            spec=EndpointSpec(url=receiver.url, topics=["stock.adjusted"], client=client),
        )
        with transaction.atomic():
            emit_many(
                [
                    NewEvent(
                        "stock.adjusted",
                        client.pk,
                        warehouse.pk,
                        {"sku": f"SKU-{n % 20}", "quantity": 1, "reason_code": "FOUND"},
                    )
                    for n in range(EVENTS)
                ]
            )

        started = time.perf_counter()
        while record_from_outbox():
            pass
        while due := claim_due(limit=EVENTS):
            _in_threads(
                due,
                lambda delivery_id: send(delivery_id=delivery_id),
                setup=lambda: connection.set_tenant(tenant),
            )
        ours = time.perf_counter() - started
        delivered = Delivery.objects.filter(state=DeliveryState.DELIVERED).count()

        bodies = list(Delivery.objects.values_list("body", flat=True))
        receiver.reset()
        started = time.perf_counter()
        _in_threads(
            bodies,
            lambda body: requests.post(
                receiver.url,
                data=body.encode(),
                headers={"content-type": "application/json"},
                timeout=15,
            ).raise_for_status(),
        )
        plain = time.perf_counter() - started
    connection.set_schema_to_public()

    rate, plain_rate = delivered / ours, len(bodies) / plain
    ratio = rate / plain_rate
    verdict = "all delivered" if delivered == EVENTS else f"ONLY {delivered} DELIVERED"
    print(f"\nWebhooks: {EVENTS:,} events to one endpoint on loopback, {SENDERS} senders")
    print(f"  delivered {delivered:,} in {ours:.2f} s: {rate:,.0f} deliveries/s (signed, logged)")
    print(f"  plain requests.post loop: {len(bodies):,} in {plain:.2f} s: {plain_rate:,.0f}/s")
    print(f"  ratio {ratio:.2f} of the plain loop; {verdict}")
    print(
        json.dumps(
            {"webhook_deliveries_per_s": round(rate), "plain_posts_per_s": round(plain_rate)}
        )
    )
