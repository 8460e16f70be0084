"""Webhook delivery with a real Celery worker process on the real Redis: a receiver on loopback
(in this test process) that is down for its first attempts gets every event exactly once by id,
the failed attempts being retries of the same id, each signature verified by the
`standardwebhooks` package.

The stack is this module's own (tests/live.py), with the retry schedule shortened to fractions
of a second. Events are made in the stack's demo tenant by `manage.py shell` through the ledger's
own service, each stock adjustment its own transaction, as the floor makes them; the test plays
the beat, sending `webhooks.dispatch` to the worker until the receiver has everything."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from standardwebhooks.webhooks import Webhook

from devtools.webhook_receiver import WebhookReceiver
from tests.live import LiveStack, running_live_stack

pytestmark = pytest.mark.worker

EVENTS = 12
DOWN_FOR = 5
WAIT_SECONDS = 60.0

MAKE_EVENTS = """
from django_tenants.utils import schema_context
from inventory.services import ledger
from inventory.services.master import ensure_virtual_locations
from tests.factories import ClientFactory, LocationFactory, ProductFactory, WarehouseFactory
from webhooks.services.endpoints import EndpointSpec, create_endpoint
from wms.accounts.models import User

with schema_context({schema!r}):
    manager = User.objects.get(email="manager@demo.test")
    warehouse = WarehouseFactory(code="E2E-HOOK", name="Hook DC")
    ensure_virtual_locations(warehouse)
    client = ClientFactory(code="e2e-hook")
    product = ProductFactory(client=client, sku="HOOK-1")
    bin_ = LocationFactory(warehouse=warehouse, code="H-01")
    ledger.receive(user=manager, product=product, quantity=100, location=bin_, reference_id="h")
    endpoint, secret = create_endpoint(
        user=manager,
        spec=EndpointSpec(url={url!r}, topics=["stock.adjusted"], client=client),
    )
    print("SECRET", secret)
    for n in range({events}):
        ledger.adjust(user=manager, product=product, location=bin_, quantity=1, reason_code="FOUND")
    print("DONE")
"""


@pytest.fixture(scope="module")
def hook_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    env = {"WEBHOOK_RETRY_SECONDS": ",".join(["0.2"] * 7), "WEBHOOK_ALLOW_LOOPBACK": "1"}
    with running_live_stack(
        tmp_path_factory.mktemp("hook_stack"), extra_env=env, serve_web=False
    ) as stack:
        yield stack


def schema_of(stack: LiveStack) -> str:
    rows = stack.sql("SELECT schema_name FROM tenants_tenant WHERE slug = 'demo'")
    return str(rows[0][0])


def test_a_receiver_down_for_its_first_attempts_gets_every_event_once_by_id(
    hook_stack: LiveStack,
) -> None:
    schema = schema_of(hook_stack)
    with WebhookReceiver() as receiver:
        receiver.fail_next(DOWN_FOR)
        code = MAKE_EVENTS.format(schema=schema, url=receiver.url, events=EVENTS)
        output = hook_stack.manage("shell", "-c", code)
        secret = output.split("SECRET", 1)[1].split()[0]
        expected = {
            f"evt_{pk}"
            for (pk,) in hook_stack.sql(
                f'SELECT id FROM "{schema}".inventory_event WHERE type = %s',
                ["stock.adjusted"],
            )
        }
        assert len(expected) == EVENTS

        deadline = time.monotonic() + WAIT_SECONDS
        with hook_stack.celery_client() as client:
            while time.monotonic() < deadline:
                client.send_task("webhooks.dispatch", headers={"_schema_name": schema})
                delivered = {
                    r.headers["webhook-id"] for r in receiver.received() if r.status == 204
                }
                if delivered >= expected:
                    break
                time.sleep(0.3)
        time.sleep(1.0)  # a straggler would arrive now
        received = receiver.received()

    assert len(received) >= EVENTS + DOWN_FOR, hook_stack.log_tails()
    accepted = Counter(r.headers["webhook-id"] for r in received if r.status == 204)
    assert set(accepted) == expected
    assert set(accepted.values()) == {1}  # every event once
    refused = [r for r in received if r.status != 204]
    assert len(refused) == DOWN_FOR
    assert {r.headers["webhook-id"] for r in refused} <= expected  # retries of the same ids
    for item in received:
        payload = Webhook(secret).verify(item.body, item.headers)
        assert payload["type"] == "stock.adjusted" and payload["data"]["sku"] == "HOOK-1"
        assert json.loads(item.body) == payload
    states = hook_stack.sql(
        f'SELECT state, count(*) FROM "{schema}".webhooks_delivery GROUP BY state'
    )
    assert states == [("delivered", EVENTS)]
