"""inventory.outbox: each consumer reads every committed event once, in commit-safe order.

Most cases commit for real (the committed_tenant fixture): the order of commits is the point."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from inventory.events import NewEvent, emit_many
from inventory.models import OutboxCursor
from inventory.outbox import backlog, take_next
from tests.helpers import failures, run_concurrently


def write(*references: str, event_type: str = "order.created") -> None:
    emit_many([NewEvent(event_type, None, None, {"reference": r}) for r in references])


def taken(consumer: str, **options: Any) -> list[str]:
    with transaction.atomic():
        return [e.payload["reference"] for e in take_next(consumer, **options)]


def test_each_event_is_read_once_in_order_and_a_rollback_sends_nothing(
    committed_tenant: Any,
) -> None:
    write("A", "B")
    with pytest.raises(RuntimeError), transaction.atomic():
        write("never")
        raise RuntimeError("the action failed")
    write("C")
    assert taken("relay", limit=2) == ["A", "B"]
    assert taken("relay") == ["C"]
    assert taken("relay") == []
    # Another consumer keeps its own place.
    assert taken("erp") == ["A", "B", "C"]


def test_the_cursor_moves_only_when_the_consumers_transaction_commits(
    committed_tenant: Any,
) -> None:
    write("A")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert [e.payload["reference"] for e in take_next("relay")] == ["A"]
        raise RuntimeError("the worker died before recording the delivery")
    assert taken("relay") == ["A"]
    assert backlog("relay") == 0


def test_an_event_committed_late_with_a_smaller_id_is_not_passed(committed_tenant: Any) -> None:
    written, release = threading.Event(), threading.Event()
    errors: list[str] = []

    def slow_writer() -> None:
        connection.set_tenant(committed_tenant)
        try:
            with transaction.atomic():
                write("slow")  # takes the smaller id
                written.set()
                release.wait(timeout=60)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert written.wait(timeout=30)
    write("fast")  # a larger id, committed first
    # Nothing is read past the open transaction, not even the later event.
    assert taken("relay") == []
    release.set()
    writer.join(timeout=60)
    assert errors == []
    assert taken("relay") == ["slow", "fast"]


def test_two_readers_of_one_consumer_never_get_the_same_event(committed_tenant: Any) -> None:
    write(*[f"E{n}" for n in range(200)])

    def drain() -> list[str]:
        got: list[str] = []
        while batch := taken("relay", limit=7):
            got += batch
        return got

    results = run_concurrently(committed_tenant, [drain, drain, drain])
    assert failures(results) == []
    everything = [ref for result in results for ref in result]  # type: ignore[union-attr]
    assert sorted(everything) == sorted(f"E{n}" for n in range(200))


def test_types_filter_and_a_new_consumer_can_start_from_now(committed_tenant: Any) -> None:
    write("old")
    write("stock", event_type="stock.adjusted")
    assert taken("orders-only", types=["order.created"]) == ["old"]
    assert taken("late-joiner", from_now=True) == []
    write("new")
    assert taken("late-joiner", from_now=True) == ["new"]
    assert OutboxCursor.objects.get(name="late-joiner").events_read == 1


def test_events_of_the_readers_own_transaction_are_handed_out_once(acme: Any) -> None:
    """Inside the writing transaction (as a test's transaction is), the consumer sees its own
    events; reading again in the same transaction does not repeat them."""
    write("mine")
    assert taken("relay") == ["mine"]
    assert taken("relay") == []


def test_reading_outside_a_transaction_is_refused(committed_tenant: Any) -> None:
    with pytest.raises(RuntimeError, match="inside"):
        take_next("relay")
