"""With real commits on several connections: the dispatcher sends an event only once its
transaction has committed; a rolled-back action sends nothing; an event committed while an older
transaction is still open waits for it, and then both are sent, each once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from inventory.models import Client, Location, LocationKind, Product
from inventory.services import ledger
from inventory.services.master import create_warehouse
from tests.webhooks.conftest import run_dispatch
from webhooks.services.endpoints import EndpointSpec, create_endpoint
from wms.accounts.models import User

WAIT_SECONDS = 20


def _world(receiver: Any) -> dict[str, Any]:
    warehouse = create_warehouse(code="HOOKLAB", name="Hook lab")
    location = Location.objects.create(
        warehouse=warehouse, code="H-01", barcode="H-01", kind=LocationKind.STORAGE
    )
    client = Client.objects.create(code="hooklab", name="Hook lab client")
    product = Product.objects.create(client=client, sku="HL-1", name="Hook lab item")
    # Another SKU for the main thread: the same balance row would wait for the open transaction.
    other = Product.objects.create(client=client, sku="HL-2", name="Hook lab item 2")
    user = User.objects.create_user("lab@hooks.test", role="manager")
    create_endpoint(
        user=user, spec=EndpointSpec(url=receiver.url, topics=["stock.adjusted"], client=client)
    )
    return {"product": product, "other": other, "location": location, "user": user}


def _adjust(world: dict[str, Any], product: str = "product") -> int:
    move = ledger.adjust(
        user=world["user"],
        product=world[product],
        location=world["location"],
        quantity=1,
        reason_code="FOUND",
    )
    return int(move.pk)


def _open_transaction(
    tenant: Any, world: dict[str, Any], written: threading.Event, finish: threading.Event
) -> Callable[[bool], None]:
    """Starts a thread whose transaction writes an adjustment and then waits; the returned
    function ends it (commit or roll back) and joins the thread."""
    outcome: dict[str, bool] = {}

    def run() -> None:
        connection.set_tenant(tenant)
        try:
            with transaction.atomic():
                _adjust(world)
                written.set()
                finish.wait(WAIT_SECONDS)
                if not outcome["commit"]:
                    transaction.set_rollback(True)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert written.wait(WAIT_SECONDS)

    def end(commit: bool) -> None:
        outcome["commit"] = commit
        finish.set()
        thread.join(WAIT_SECONDS)

    return end


def test_only_committed_events_are_sent_in_commit_safe_order(
    committed_tenant: Any, receiver: Any
) -> None:
    world = _world(receiver)

    rolled_back = _open_transaction(committed_tenant, world, threading.Event(), threading.Event())
    assert run_dispatch() == {"recorded": 0, "sent": 0}  # not committed yet
    rolled_back(False)
    assert run_dispatch() == {"recorded": 0, "sent": 0}  # and never will be

    older = _open_transaction(committed_tenant, world, threading.Event(), threading.Event())
    _adjust(world, "other")  # commits while the older transaction is still open
    assert run_dispatch() == {"recorded": 0, "sent": 0}  # waits behind the older one
    older(True)
    assert run_dispatch() == {"recorded": 2, "sent": 2}
    assert run_dispatch() == {"recorded": 0, "sent": 0}

    ids = [r.headers["webhook-id"] for r in receiver.received()]
    assert len(ids) == 2 and len(set(ids)) == 2
