"""Inventory control's REST routes under /api/v1/: count tasks (list, read, count the whole bin
at once honouring Idempotency-Key) and a manager's approval or rejection of a count. Routes
look the task up in the user's scope (404 outside it), check the permission (403), call one
service and answer with a schema that never shows the expected quantity."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from control import selectors
from control.models import CountTask
from control.schemas import CountIn, CountTaskOut, CountTaskQuery, DecisionIn
from control.services.counts import CountedItem, decide_count, submit_count
from wms.accounts.models import User
from wms.api_common import IdempotencyKey, found, user_of
from wms.pagination import Page
from wms.permissions import require
from wms.validation import IdParam

router = Router(tags=["inventory control"])


def _task(user: User, pk: int, perm: str) -> CountTask:
    require(user, perm)
    task = found(selectors.get_count_task_for_user(user, pk), f"No count task {pk}.")
    require(user, perm, task)
    return task


@router.get("/count-tasks", response=list[CountTaskOut], summary="Count tasks, most urgent first")
@paginate(Page)
def list_count_tasks(request: HttpRequest, filters: Query[CountTaskQuery]) -> Any:
    user = user_of(request)
    require(user, "control.count")
    return selectors.search_count_tasks(user, status=filters.status or "")


@router.get("/count-tasks/{pk}", response=CountTaskOut, summary="A count task (blind)")
def get_count_task(request: HttpRequest, pk: IdParam) -> Any:
    return _task(user_of(request), pk, "control.count")


@router.post("/count-tasks/{pk}/count", response=CountTaskOut, summary="Count the task's bin")
def count_task(
    request: HttpRequest, pk: IdParam, payload: CountIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Scans the bin, counts each item and finishes, at once: the task ends approved (no
    difference), recount (a difference beyond the thresholds: someone else recounts) or review.
    A wrong bin, an unknown item or lot is refused and nothing is written. The same
    Idempotency-Key again answers the first result."""
    user = user_of(request)
    task = _task(user, pk, "control.count")
    items = [CountedItem(i.item, i.quantity, i.lot, i.lpn) for i in payload.items]
    return submit_count(
        task=task,
        user=user,
        location_code=payload.location,
        items=items,
        idempotency_key=idempotency_key,
    )


@router.post("/counts/{pk}/approve", response=CountTaskOut, summary="Approve a count")
def approve_count(
    request: HttpRequest, pk: IdParam, payload: DecisionIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Posts the count's differences through the ledger (reason count, code cycle_count),
    measured against the ledger at the count's scan. Refused (409) for a count you counted or
    recounted, or one not awaiting review."""
    user = user_of(request)
    task = _task(user, pk, "control.manage_counts")
    return decide_count(
        task=task, user=user, approve=True, note=payload.note, idempotency_key=idempotency_key
    )


@router.post("/counts/{pk}/reject", response=CountTaskOut, summary="Reject a count")
def reject_count(
    request: HttpRequest, pk: IdParam, payload: DecisionIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Closes the count without posting anything; a short-pick request behind it is open again."""
    user = user_of(request)
    task = _task(user, pk, "control.manage_counts")
    return decide_count(
        task=task, user=user, approve=False, note=payload.note, idempotency_key=idempotency_key
    )
