"""inventory.lifecycle: the one way a document's status changes (shown on pick lists, whose table
is small)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import lifecycle
from inventory.events import NewEvent, emit_many
from inventory.models import Event
from picking.models import PICK_LIST_LIFECYCLE, PickList, PickListStatus, PickMethod, Wave
from tests.factories import LocationFactory
from wms.exceptions import InvalidTransition


@pytest.fixture
def pick_lists(east: Any, manager: Any) -> list[PickList]:
    staging = LocationFactory(warehouse=east, code="STAGE", kind="staging")
    wave = Wave.objects.create(warehouse=east, number="W-1", status="released")
    return [
        PickList.objects.create(
            wave=wave,
            warehouse=east,
            method=PickMethod.DISCRETE,
            number=f"W-1-{n}",
            staging_location=staging,
        )
        for n in (1, 2, 3)
    ]


def test_a_transition_changes_the_row_and_writes_its_event(
    pick_lists: list[PickList], operator: Any
) -> None:
    first = pick_lists[0]

    lifecycle.transition(
        PICK_LIST_LIFECYCLE,
        first,
        PickListStatus.IN_PROGRESS,
        user=operator,
        changes={"assigned_to": operator},
    )

    stored = PickList.objects.get(pk=first.pk)
    assert (stored.status, stored.assigned_to, stored.started_at is not None) == (
        PickListStatus.IN_PROGRESS,
        operator,
        True,
    )
    event = Event.objects.get()
    assert (event.type, event.payload, event.user) == (
        "picklist.assigned",
        {"pick_list_id": first.pk, "number": "W-1-1"},
        operator,
    )


def test_a_refused_transition_names_what_is_allowed_and_writes_nothing(
    pick_lists: list[PickList], operator: Any
) -> None:
    with pytest.raises(InvalidTransition) as refused:
        lifecycle.transition(PICK_LIST_LIFECYCLE, pick_lists[0], PickListStatus.DONE, user=operator)

    assert refused.value.message == (
        "Pick list W-1-1 is released and cannot become done; it can become cancelled or in progress."
    )
    assert PickList.objects.get(pk=pick_lists[0].pk).status == PickListStatus.RELEASED
    assert not Event.objects.exists()


def test_a_row_moved_by_someone_else_since_it_was_read_is_refused(
    pick_lists: list[PickList], operator: Any
) -> None:
    stale = pick_lists[0]
    PickList.objects.filter(pk=stale.pk).update(status=PickListStatus.CANCELLED)

    with pytest.raises(lifecycle.ChangedMeanwhile, match="changed by someone else"):
        lifecycle.transition(PICK_LIST_LIFECYCLE, stale, PickListStatus.IN_PROGRESS, user=operator)

    assert PickList.objects.get(pk=stale.pk).status == PickListStatus.CANCELLED
    assert not Event.objects.exists()


def test_transition_many_writes_one_event_per_document_in_order(
    pick_lists: list[PickList], manager: Any
) -> None:
    changed = lifecycle.transition_many(
        PICK_LIST_LIFECYCLE,
        pick_lists,
        PickListStatus.CANCELLED,
        user=manager,
        payloads={pick_lists[1].pk: {"why": "test"}},
    )

    assert len(changed) == 3
    assert set(PickList.objects.values_list("status", flat=True)) == {PickListStatus.CANCELLED}
    assert list(Event.objects.values_list("type", "payload")) == [
        ("picklist.cancelled", {"pick_list_id": pick_lists[0].pk, "number": "W-1-1"}),
        (
            "picklist.cancelled",
            {"pick_list_id": pick_lists[1].pk, "number": "W-1-2", "why": "test"},
        ),
        ("picklist.cancelled", {"pick_list_id": pick_lists[2].pk, "number": "W-1-3"}),
    ]
    assert set(Event.objects.values_list("user", flat=True)) == {manager.pk}


def test_transition_many_refuses_all_when_one_is_refused(
    pick_lists: list[PickList], manager: Any
) -> None:
    PickList.objects.filter(pk=pick_lists[2].pk).update(status=PickListStatus.DONE)
    pick_lists[2].status = PickListStatus.DONE

    with pytest.raises(InvalidTransition):
        lifecycle.transition_many(
            PICK_LIST_LIFECYCLE, pick_lists, PickListStatus.CANCELLED, user=manager
        )

    assert list(PickList.objects.order_by("pk").values_list("status", flat=True)) == [
        PickListStatus.RELEASED,
        PickListStatus.RELEASED,
        PickListStatus.DONE,
    ]
    assert not Event.objects.exists()


def test_emit_many_writes_every_event_in_one_statement(east: Any, acme_outdoor: Any) -> None:
    events = [NewEvent("thing.happened", acme_outdoor.pk, east.pk, {"n": n}) for n in range(50)]

    with CaptureQueriesContext(connection) as queries:
        written = emit_many(events)

    assert written == 50
    # Tests set the schema's search path before each statement; only the INSERT is the work.
    assert [q["sql"].split()[0] for q in queries if "search_path" not in q["sql"]] == ["INSERT"]
    assert [e.payload["n"] for e in Event.objects.order_by("pk")] == list(range(50))
