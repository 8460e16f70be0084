"""Exactly once, with real commits (the committed_tenant fixture): a rating worker killed
mid-batch leaves nothing and the next run completes the batch; two runs at once rate each event
once; an event whose transaction commits after a later event was rated is still rated (the
outbox is read by transaction id, not by event id alone); and a run from scratch writes nothing
new (the unique index, not the checkpoint)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import threading
import time
from typing import Any
from urllib.parse import quote

from django.db import connection, transaction

from billing.models import ChargeLine, RatingCheckpoint, UnratedActivity
from billing.services.cards import create_rate_card, create_version
from billing.services.rating import rate_pending
from inventory.events import NewEvent, emit_many
from inventory.models import Client, Event
from inventory.services.master import create_warehouse
from tests.billing import killed_worker
from tests.billing.conftest import rule
from wms.accounts.models import User

EVENTS = 120


def _database_url() -> str:
    """The URL of the test database this process uses, for a spawned process to reach it."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = quote(db.get("HOST") or "127.0.0.1", safe="")  # a socket directory is percent-encoded
    port = db.get("PORT") or "5432"
    return f"postgres://{quote(db['USER'])}{password}@{host}:{port}/{db['NAME']}"


def _world() -> dict[str, Any]:
    warehouse = create_warehouse(code="LAB", name="Lab", time_zone="America/New_York")
    client = Client.objects.create(code="lab", name="Lab client")
    user = User.objects.create_user("lab@ledgerlab.test", role="manager")
    card = create_rate_card(user=user, client=client, name="Lab prices")
    create_version(
        user=user,
        card=card,
        effective_from=dt.date(2020, 1, 1),
        rules=[rule("receiving", "per_asn", "10"), rule("receiving", "per_receipt_line", "1")],
    )
    return {"warehouse": warehouse, "client": client, "user": user}


def _closed_asns(world: dict[str, Any], count: int, start: int = 0) -> None:
    """`count` ASNs closed (each with two received lines), committed in one transaction."""
    emit_many(
        [
            NewEvent(
                "asn.closed",
                world["client"].pk,
                world["warehouse"].pk,
                {"reference": f"ASN-{n}", "lines": [{"received": 1}, {"received": 2}]},
            )
            for n in range(start, start + count)
        ]
    )


def _unread() -> int:
    """Events the rating job has not read yet (after its checkpoint)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM inventory_event e "
            "LEFT JOIN billing_ratingcheckpoint c ON c.id = 1 "
            "WHERE c.id IS NULL OR (e.txid, e.id) > (c.last_txid::text::xid8, c.last_event_id)"
        )
        return int(cursor.fetchone()[0])


def _rate_everything(timeout: float = 180) -> None:
    """Rates until the outbox is read to its end. The horizon is the oldest writing transaction
    of the whole PostgreSQL cluster, so another session's open transaction (other test runs on a
    shared server) can hold it back for a while: wait for it."""
    deadline = time.monotonic() + timeout
    while True:
        rate_pending(batch_size=50)
        if _unread() == 0:
            return
        assert time.monotonic() < deadline, "the outbox was not read to its end"
        time.sleep(0.2)


def _charged_once() -> None:
    per_event_rule = ChargeLine.objects.values_list("event_id", "rule_id", "sub_key")
    assert len(per_event_rule) == len(set(per_event_rule))


def test_a_worker_killed_mid_batch_leaves_nothing_and_the_next_run_completes_it(
    committed_tenant: Any,
) -> None:
    world = _world()
    _closed_asns(world, EVENTS)
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Event()
    worker = spawn.Process(
        target=killed_worker.run,
        args=(_database_url(), committed_tenant.schema_name, ready),
    )
    worker.start()
    try:
        assert ready.wait(timeout=200), f"the worker never wrote its batch ({worker.exitcode})"
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.join(timeout=30)

    # Nothing of the killed batch is left: no line, no queue entry, no checkpoint.
    deadline = time.monotonic() + 30
    while ChargeLine.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ChargeLine.objects.count() == 0
    assert UnratedActivity.objects.count() == 0
    assert not RatingCheckpoint.objects.filter(last_event_id__gt=0).exists()

    _rate_everything()

    # Every ASN: one per-ASN line and one receipt-lines line, once.
    assert ChargeLine.objects.count() == 2 * EVENTS
    _charged_once()
    assert UnratedActivity.objects.count() == 0


def test_two_runs_at_once_rate_each_event_once(committed_tenant: Any) -> None:
    world = _world()
    _closed_asns(world, EVENTS)
    start = threading.Barrier(2)
    errors: list[str] = []

    def run() -> None:
        connection.set_tenant(committed_tenant)
        try:
            start.wait()
            for _ in range(5):
                rate_pending(batch_size=25)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    connection.set_tenant(committed_tenant)
    _rate_everything()

    assert errors == []
    assert ChargeLine.objects.count() == 2 * EVENTS
    _charged_once()


def test_an_event_that_commits_late_with_a_smaller_id_is_still_rated(committed_tenant: Any) -> None:
    """Event ids come from a sequence before commit: a long transaction can commit an event with
    a smaller id than one rated already. Reading by transaction id up to the oldest running
    transaction never passes it."""
    world = _world()
    written = threading.Event()
    release = threading.Event()
    errors: list[str] = []

    def slow_writer() -> None:
        connection.set_tenant(committed_tenant)
        try:
            with transaction.atomic():
                _closed_asns(world, 1, start=1000)  # takes the smaller id
                written.set()
                release.wait(timeout=60)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert written.wait(timeout=30)
    _closed_asns(world, 1, start=2000)  # a larger id, committed first
    rate_pending()
    # Nothing is read past the open transaction: not the later event either.
    assert not ChargeLine.objects.filter(event__payload__reference="ASN-1000").exists()
    release.set()
    writer.join(timeout=60)

    _rate_everything()

    assert errors == []
    first, second = Event.objects.filter(type="asn.closed").order_by("pk")
    assert first.payload["reference"] == "ASN-1000"
    assert ChargeLine.objects.filter(event=first).count() == 2
    assert ChargeLine.objects.filter(event=second).count() == 2


def test_a_run_from_scratch_writes_nothing_new(committed_tenant: Any) -> None:
    world = _world()
    _closed_asns(world, 30)
    _rate_everything()
    lines = ChargeLine.objects.count()

    RatingCheckpoint.objects.update(last_txid=0, last_event_id=0)
    _rate_everything()

    assert ChargeLine.objects.count() == lines == 60
    _charged_once()


def test_rating_inside_a_transaction_that_wrote_events_never_passes_older_transactions(
    committed_tenant: Any,
) -> None:
    """A transaction that writes events and rates them itself sees its own events; the
    checkpoint still never moves past an older transaction that commits afterwards."""
    world = _world()
    written = threading.Event()
    release = threading.Event()
    errors: list[str] = []

    def older_writer() -> None:
        connection.set_tenant(committed_tenant)
        try:
            with transaction.atomic():
                _closed_asns(world, 1, start=1000)
                written.set()
                release.wait(timeout=60)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    writer = threading.Thread(target=older_writer)
    writer.start()
    assert written.wait(timeout=30)
    with transaction.atomic():
        _closed_asns(world, 1, start=2000)
        rate_pending()
        assert ChargeLine.objects.filter(event__payload__reference="ASN-2000").count() == 2
    release.set()
    writer.join(timeout=60)

    _rate_everything()

    assert errors == []
    assert ChargeLine.objects.filter(event__payload__reference="ASN-1000").count() == 2
    assert ChargeLine.objects.count() == 4
    _charged_once()
