"""Putaway tasks: created from received stock with the putaway engine's proposal, claimed by one
operator, confirmed by scanning the destination. Each public function is the outermost
transaction and writes its event row in it; confirmation posts the dock-to-bin move through
inventory.services.ledger in the same transaction, so a task is done exactly when its stock moved.

Row locks: the task first, then whatever the ledger locks (locations, balances), the same order
as receiving's other services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from inventory import lifecycle
from inventory.events import emit
from inventory.models import Location, Lpn, Reason
from inventory.services import ledger
from receiving.exceptions import NotPermitted, PutawayRefused, TaskTaken, WrongLocation
from receiving.models import (
    ACTIVE_PUTAWAY,
    PUTAWAY_LIFECYCLE,
    PutawayStatus,
    PutawayTask,
    Receipt,
)
from receiving.putaway import PutawayItem, PutawayProposal, propose_lpn_putaway, propose_putaway
from receiving.selectors import putaway_policy_for
from wms.exceptions import InvalidTransition
from wms.idempotency.services import idempotent, model_codec

if TYPE_CHECKING:
    from wms.accounts.models import User

REFERENCE_TYPE = "putaway_task"


def _lock(task: PutawayTask) -> PutawayTask:
    """The task's row, locked FOR UPDATE and freshly read (another operator may have moved it)."""
    return (
        PutawayTask.objects.select_for_update(of=("self",))
        .select_related(
            "warehouse",
            "lpn",
            "product",
            "lot",
            "from_location",
            "proposed_location",
            "assigned_to",
        )
        .get(pk=task.pk)
    )


def transition(task: PutawayTask, to_status: str, user: User, **changes: Any) -> PutawayTask:
    """Moves a (locked) task along PUTAWAY_LIFECYCLE, with `changes` to its other fields."""
    return lifecycle.transition(PUTAWAY_LIFECYCLE, task, to_status, user=user, changes=changes)


def _proposal_fields(proposal: PutawayProposal) -> dict[str, Any]:
    return {
        "proposed_location": proposal.location,
        "strategy": proposal.strategy or "",
        "reason": proposal.reason,
    }


def _propose(user: User, task: PutawayTask) -> PutawayProposal:
    """The engine's proposal under the warehouse's saved putaway settings (or the defaults)."""
    policy = putaway_policy_for(task.warehouse_id)
    if task.lpn is not None:
        return propose_lpn_putaway(user, task.lpn, policy=policy, exclude_task_id=task.pk)
    assert task.product is not None and task.quantity is not None  # the check constraint
    return propose_putaway(
        [PutawayItem(task.product, task.lot, task.quantity)],
        warehouse=task.warehouse,
        policy=policy,
        exclude_task_id=task.pk,
    )


def _create(user: User, task: PutawayTask) -> PutawayTask:
    proposal = _propose(user, task)
    for name, value in _proposal_fields(proposal).items():
        setattr(task, name, value)
    task.status = PutawayStatus.NEEDS_ATTENTION if proposal.location is None else PutawayStatus.OPEN
    task.save()
    emit(
        PUTAWAY_LIFECYCLE.event_type(task.status),
        client_id=PUTAWAY_LIFECYCLE.client_of(task),
        warehouse_id=task.warehouse_id,
        payload={"task": task.pk, "what": task.what, "reason": task.reason},
        user=user,
    )
    return task


def _active_for_lpn(lpn: Lpn) -> PutawayTask | None:
    return PutawayTask.objects.filter(lpn=lpn, status__in=ACTIVE_PUTAWAY).first()


def create_task_for_lpn(*, user: User, lpn: Lpn) -> PutawayTask:
    """The LPN's putaway task, with the engine's proposal and reason (needs attention when
    nothing fits). An LPN has at most one task to do: asking again returns it."""
    with transaction.atomic():
        # The LPN's row lock serialises two creators; the partial unique index backs it up.
        current = (
            Lpn.objects.select_for_update(of=("self",)).select_related("location").get(pk=lpn.pk)
        )
        existing = _active_for_lpn(current)
        if existing is not None:
            return existing
        if current.location is None or current.location.is_virtual:
            raise PutawayRefused(f"LPN {current.code} is not at a location to put away from.")
        try:
            with transaction.atomic():
                return _create(
                    user,
                    PutawayTask(
                        warehouse_id=current.warehouse_id,
                        lpn=current,
                        from_location=current.location,
                    ),
                )
        except IntegrityError:
            found = _active_for_lpn(current)
            if found is None:
                raise
            return found


def create_tasks_for_receipt(*, user: User, receipt: Receipt) -> list[PutawayTask]:
    """The putaway task for what one receipt brought in: its LPN's task (shared by every receipt
    onto that LPN), or a task for the loose product and quantity. Repeats return the same task."""
    if receipt.lpn is not None:
        return [create_task_for_lpn(user=user, lpn=receipt.lpn)]
    with transaction.atomic():
        existing = PutawayTask.objects.filter(receipt=receipt, lpn__isnull=True).first()
        if existing is not None:
            return [existing]
        try:
            with transaction.atomic():
                task = _create(
                    user,
                    PutawayTask(
                        warehouse_id=receipt.warehouse_id,
                        receipt=receipt,
                        product=receipt.product,
                        lot=receipt.lot,
                        quantity=receipt.quantity,
                        stock_status=receipt.status,
                        from_location=receipt.location,
                    ),
                )
        except IntegrityError:
            task = PutawayTask.objects.get(receipt=receipt, lpn__isnull=True)
        return [task]


def _needs_manager(task: PutawayTask) -> PutawayRefused:
    return PutawayRefused(
        f"Putaway of {task.what} needs a manager: {task.reason}", code="needs_attention"
    )


def start_task(*, user: User, task: PutawayTask) -> PutawayTask:
    """Claims an open task for `user`. Two operators never hold one task: the row is locked and
    the status changes only if it is still open. The holder claiming again gets it back.

    The proposal is made again on every start: the task was created at the first scan onto its
    LPN, and later scans (or other putaways) may have changed what fits where since. When nothing
    fits any more, the task is left needing a manager (that change is kept) and the start is
    refused."""
    with transaction.atomic():
        current = _lock(task)
        if current.status == PutawayStatus.IN_PROGRESS and current.assigned_to_id == user.pk:
            return current
        if current.status == PutawayStatus.IN_PROGRESS:
            holder = current.assigned_to.email if current.assigned_to else "someone else"
            raise TaskTaken(f"Putaway of {current.what} is already being done by {holder}.")
        if current.status == PutawayStatus.NEEDS_ATTENTION:
            raise _needs_manager(current)
        fields = _proposal_fields(_propose(user, current))
        if fields["proposed_location"] is not None:
            return transition(
                current,
                PutawayStatus.IN_PROGRESS,
                user,
                assigned_to=user,
                started_at=timezone.now(),
                **fields,
            )
        transition(current, PutawayStatus.NEEDS_ATTENTION, user, **fields)
    raise _needs_manager(current)


def release_task(*, user: User, task: PutawayTask) -> PutawayTask:
    """Gives an in-progress task back to the queue (its holder, or a manager)."""
    with transaction.atomic():
        current = _lock(task)
        if current.assigned_to_id != user.pk and not user.has_perm("receiving.manage_putaway"):
            raise NotPermitted(f"Putaway of {current.what} is not yours to give back.")
        return transition(current, PutawayStatus.OPEN, user, assigned_to=None, started_at=None)


def _scanned_location(task: PutawayTask, code: str) -> Location:
    code = code.strip()
    location = (
        Location.objects.filter(warehouse_id=task.warehouse_id, is_virtual=False)
        .filter(Q(barcode__iexact=code) | Q(code__iexact=code))
        .order_by("pk")
        .first()
    )
    if location is None:
        expected = task.proposed_location.code if task.proposed_location else "a location"
        raise PutawayRefused(
            f"Expected {expected}; scanned “{code}”, which is not a location in "
            f"{task.warehouse.code}.",
            code="unknown_location",
        )
    return location


def _check_destination(
    user: User, task: PutawayTask, location: Location, override_reason: str
) -> None:
    proposed = task.proposed_location
    if proposed is not None and location.pk == proposed.pk:
        return
    expected = proposed.code if proposed else "no location (nothing fits)"
    if not user.has_perm("receiving.putaway_override"):
        message = (
            f"Expected {expected}; scanned {location.code}. Only a manager may put away at "
            "another location."
        )
        # Asking to override without the permission is a permission matter (403); a plain
        # wrong scan is a conflict with what the task expects (409).
        if override_reason:
            raise NotPermitted(message)
        raise WrongLocation(message)
    if not override_reason:
        raise WrongLocation(
            f"Expected {expected}; scanned {location.code}. Give a reason to put away at "
            f"{location.code} instead.",
            code="override_reason_required",
            field_errors={"override_reason": ["Say why the stock goes elsewhere."]},
        )
    if location.pk == task.from_location_id:
        raise PutawayRefused(
            f"{location.code} is where {task.what} already is; scan its destination.",
            code="same_location",
        )


def _post_move(user: User, task: PutawayTask, location: Location) -> None:
    if task.lpn is not None:
        ledger.move_lpn(
            user=user,
            lpn=task.lpn,
            to_location=location,
            reason=Reason.PUTAWAY,
            reference_type=REFERENCE_TYPE,
            reference_id=str(task.pk),
        )
        return
    assert task.product is not None and task.quantity is not None  # the check constraint
    ledger.move(
        user=user,
        product=task.product,
        quantity=task.quantity,
        from_location=task.from_location,
        to_location=location,
        lot=task.lot,
        status=task.stock_status,
        reason=Reason.PUTAWAY,
        reference_type=REFERENCE_TYPE,
        reference_id=str(task.pk),
    )


# A putaway is the same request whatever case the scanner sent and however the reason is spaced.
@idempotent(
    "receiving.confirm_putaway",
    result=model_codec(
        PutawayTask, "lpn", "product", "lot", "confirmed_location", "proposed_location"
    ),
    payload=lambda task, scanned_location_code, override_reason: {
        "task": task.pk,
        "location": scanned_location_code.strip().upper(),
        "override_reason": (override_reason or "").strip(),
    },
)
def confirm_putaway(
    *,
    user: User,
    task: PutawayTask,
    scanned_location_code: str,
    override_reason: str | None = None,
    idempotency_key: str | None = None,
) -> PutawayTask:
    """Puts the task's stock away at the scanned location: the proposed one, or another with the
    override permission and a reason. Posts the dock-to-bin move (reason putaway, referencing the
    task; the ledger re-checks capacity) and marks the task done, together or not at all. A
    repeat with the same idempotency key returns the done task and moves nothing."""
    reason_text = (override_reason or "").strip()
    with transaction.atomic():
        current = _lock(task)
        if current.status == PutawayStatus.DONE:
            where = current.confirmed_location.code if current.confirmed_location else "?"
            raise InvalidTransition(f"{current.what} was already put away at {where}.")
        if current.status != PutawayStatus.IN_PROGRESS:
            raise PutawayRefused(
                f"Start the putaway of {current.what} before confirming it.", code="not_started"
            )
        if current.assigned_to_id != user.pk:
            holder = current.assigned_to.email if current.assigned_to else "someone else"
            raise TaskTaken(f"Putaway of {current.what} is being done by {holder}.")
        location = _scanned_location(current, scanned_location_code)
        _check_destination(user, current, location, reason_text)
        _post_move(user, current, location)
        is_override = location.pk != current.proposed_location_id
        return transition(
            current,
            PutawayStatus.DONE,
            user,
            confirmed_location=location,
            override_reason=reason_text if is_override else "",
            done_at=timezone.now(),
        )


def repropose(*, user: User, task: PutawayTask) -> PutawayTask:
    """Asks the engine again for a task that fitted nowhere (a manager freed space or changed the
    rules). A destination reopens the task; still nothing updates the reason and it waits on."""
    if not user.has_perm("receiving.manage_putaway"):
        raise NotPermitted("Only a manager may re-propose a putaway.")
    with transaction.atomic():
        current = _lock(task)
        if current.status != PutawayStatus.NEEDS_ATTENTION:
            raise PutawayRefused(
                f"Putaway of {current.what} is {current.get_status_display().lower()}; only a "
                "task that needs attention is re-proposed.",
                code="not_needing_attention",
            )
        fields = _proposal_fields(_propose(user, current))
        if fields["proposed_location"] is None:
            PutawayTask.objects.filter(pk=current.pk).update(**fields)
            current.strategy, current.reason = fields["strategy"], fields["reason"]
            return current
        return transition(current, PutawayStatus.OPEN, user, **fields)


def complete_task(
    *,
    user: User,
    task: PutawayTask,
    scanned_location_code: str,
    override_reason: str | None = None,
    idempotency_key: str | None = None,
) -> PutawayTask:
    """The API's one-step putaway: claims the task for `user` if it is still open, then confirms
    it at the scanned location, in one transaction, so a refused scan leaves the task unclaimed
    as well as the stock unmoved. A task another operator holds is refused (task_taken); a
    repeat with the same idempotency key returns the done task and moves nothing."""
    with transaction.atomic():
        current = _lock(task)
        if current.status in (PutawayStatus.OPEN, PutawayStatus.NEEDS_ATTENTION):
            current = start_task(user=user, task=current)
        return confirm_putaway(
            user=user,
            task=current,
            scanned_location_code=scanned_location_code,
            override_reason=override_reason,
            idempotency_key=idempotency_key,
        )
