"""Cycle counts (control.services.plans makes the tasks): a counter scans the bin (the ledger
is read at that moment, never shown to them) and counts what is there; a variance beyond the
warehouse's thresholds sends the bin to a recount by someone else, and a manager who counted
neither approves (the differences are posted through the ledger, reason count, code
`cycle_count`) or rejects. Every service here is the outermost transaction and writes nothing
on refusal."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from control.exceptions import CountRefused, NotYourCount, OwnCountRefused, WrongBin
from control.models import (
    COUNT_LIFECYCLE,
    OPEN_COUNT_STATUSES,
    CountExpectation,
    CountLine,
    CountSettings,
    CountStatus,
    CountTask,
)
from inventory import selectors
from inventory.events import emit
from inventory.lifecycle import transition
from inventory.models import (
    Balance,
    CountRequest,
    CountRequestStatus,
    Lot,
    Lpn,
    Product,
    Warehouse,
)
from inventory.services import ledger
from inventory.services.ledger import CountDifference
from wms.idempotency.services import idempotent, model_codec
from wms.quantities import MAX_QUANTITY

if TYPE_CHECKING:
    from wms.accounts.models import User

# --- Variance thresholds -------------------------------------------------------------------


def exceeds_threshold(
    *, expected: int, counted: int, unit_cost: Decimal, thresholds: CountSettings
) -> bool:
    """Whether one item's difference needs a recount: more units off than `max_units`, more
    than `max_percent` of the expected quantity (any difference where none was expected), or
    worth more than `max_value` at the product's unit cost."""
    difference = abs(counted - expected)
    if difference == 0:
        return False
    if difference > thresholds.max_units:
        return True
    if expected == 0 or Decimal(difference) * 100 > thresholds.max_percent * expected:
        return True
    return Decimal(difference) * unit_cost > thresholds.max_value


def thresholds_for(warehouse_id: int) -> CountSettings:
    """The warehouse's thresholds (the defaults until a manager sets them)."""
    found = CountSettings.objects.filter(warehouse_id=warehouse_id).first()
    return found or CountSettings(warehouse_id=warehouse_id)


@dataclass(frozen=True)
class Variance:
    """One product (lot, LPN) of a counted bin: the ledger at the scan and what was counted."""

    product: Product
    lot: Lot | None
    lpn: Lpn | None
    client_id: int
    expected: int
    counted: int

    @property
    def difference(self) -> int:
        return self.counted - self.expected


def variances(task: CountTask, round_number: int | None = None) -> list[Variance]:
    """Per product, lot and LPN, the ledger at the round's scan against the round's count."""
    number = round_number or task.round
    keyed: dict[tuple[int, int | None, int | None], list[int]] = defaultdict(lambda: [0, 0])
    rows: dict[tuple[int, int | None, int | None], CountExpectation | CountLine] = {}
    for expectation in CountExpectation.objects.filter(task=task, round=number).select_related(
        "product", "lot", "lpn"
    ):
        key = (expectation.product_id, expectation.lot_id, expectation.lpn_id)
        keyed[key][0] += expectation.quantity
        rows[key] = expectation
    for line in CountLine.objects.filter(task=task, round=number).select_related(
        "product", "lot", "lpn"
    ):
        key = (line.product_id, line.lot_id, line.lpn_id)
        keyed[key][1] += line.quantity
        rows.setdefault(key, line)
    return [
        Variance(
            product=rows[key].product,
            lot=rows[key].lot,
            lpn=rows[key].lpn,
            client_id=rows[key].client_id,
            expected=expected,
            counted=counted,
        )
        for key, (expected, counted) in sorted(
            keyed.items(), key=lambda item: (item[0][0], item[0][1] or 0, item[0][2] or 0)
        )
    ]


# --- The count on the handheld -------------------------------------------------------------


def _locked(task: CountTask) -> CountTask:
    return CountTask.objects.select_for_update().select_related("location").get(pk=task.pk)


@transaction.atomic
def next_count_task(*, user: User, warehouse: Warehouse) -> CountTask | None:
    """The count this user should do next in the warehouse: the one they hold, else the most
    urgent open count or recount (never a recount of their own count), taken under SKIP LOCKED
    so that two counters asking at once get different bins."""
    held = (
        CountTask.objects.filter(
            warehouse=warehouse,
            assigned_to=user,
            status__in=[CountStatus.OPEN, CountStatus.COUNTING, CountStatus.RECOUNTING],
        )
        .order_by("-priority", "created_at", "pk")
        .first()
    )
    if held is not None:
        return held
    free = (
        CountTask.objects.filter(warehouse=warehouse, assigned_to=None)
        .filter(Q(status=CountStatus.OPEN) | (Q(status=CountStatus.RECOUNT) & ~Q(counted_by=user)))
        .order_by("-priority", "created_at", "pk")
        .select_for_update(skip_locked=True)
        .first()
    )
    if free is None:
        return None
    CountTask.objects.filter(pk=free.pk).update(assigned_to=user, updated_at=timezone.now())
    free.assigned_to = user
    return free


def _check_holder(task: CountTask, user: User) -> None:
    if task.assigned_to_id is not None and task.assigned_to_id != user.pk:
        raise NotYourCount(f"Count task {task.pk} is being counted by someone else.")


@transaction.atomic
def start_count(*, task: CountTask, user: User, location_code: str) -> CountTask:
    """The counter scanned the bin: checks it is the task's bin, then records the ledger's
    contents of the bin at this moment (what the count is measured against)."""
    task = _locked(task)
    _check_holder(task, user)
    scanned = location_code.strip().upper()
    location = task.location
    if scanned not in (location.code.upper(), location.barcode.upper()):
        raise WrongBin(
            f"This count is for bin {location.code}; you scanned “{location_code.strip()}”.",
            field_errors={"location": [f"Scan bin {location.code}."]},
        )
    if task.status in (CountStatus.COUNTING, CountStatus.RECOUNTING):
        return task  # the bin scanned again: the count goes on from the first scan
    if task.status == CountStatus.RECOUNT and task.counted_by_id == user.pk:
        raise OwnCountRefused("A recount must be done by someone other than the first counter.")
    now = timezone.now()
    if task.status == CountStatus.RECOUNT:
        to_status, who = CountStatus.RECOUNTING, {"recounted_by": user}
    else:
        to_status, who = CountStatus.COUNTING, {"counted_by": user}
    transition(
        COUNT_LIFECYCLE,
        task,
        to_status,
        user=user,
        changes={"assigned_to": user, "scanned_at": now, **who},
    )
    contents = (
        Balance.objects.filter(location=location, on_hand__gt=0)
        .values("product_id", "lot_id", "lpn_id", "client_id")
        .annotate(total=Sum("on_hand"))
        .order_by("product_id", "lot_id", "lpn_id")
    )
    CountExpectation.objects.filter(task=task, round=task.round).delete()
    CountExpectation.objects.bulk_create(
        [
            CountExpectation(
                task=task,
                round=task.round,
                product_id=row["product_id"],
                lot_id=row["lot_id"],
                lpn_id=row["lpn_id"],
                client_id=row["client_id"],
                quantity=row["total"],
            )
            for row in contents
        ]
    )
    return task


def _check_counting(task: CountTask, user: User) -> None:
    if task.status not in (CountStatus.COUNTING, CountStatus.RECOUNTING):
        raise CountRefused(
            f"Count task {task.pk} is {COUNT_LIFECYCLE.label(task.status)}: scan its bin "
            f"{task.location.code} first."
        )
    if task.assigned_to_id != user.pk:
        raise NotYourCount(f"Count task {task.pk} is being counted by someone else.")


def _product_for(task: CountTask, user: User, item_code: str) -> tuple[Product, int]:
    """What an item (or case) scan names: among several clients' products with that code, the
    one the bin holds."""
    matches = [
        m for m in selectors.resolve_scan(user, item_code, task.warehouse) if m.kind == "product"
    ]
    if len(matches) > 1:
        here = set(
            Balance.objects.filter(location_id=task.location_id).values_list(
                "product_id", flat=True
            )
        )
        matches = [m for m in matches if m.obj.pk in here] or matches
    if not matches:
        raise CountRefused(
            f"Unknown item “{item_code.strip()}”: scan a product or case barcode, or type a SKU.",
            field_errors={"item": ["Unknown item."]},
        )
    if len(matches) > 1:
        raise CountRefused(
            f"“{item_code.strip()}” names products of several clients; type the SKU instead.",
            field_errors={"item": ["Ambiguous item."]},
        )
    return matches[0].obj, matches[0].pack_quantity


@transaction.atomic
def add_count_line(
    *,
    task: CountTask,
    user: User,
    item_code: str,
    quantity: int,
    lot_number: str = "",
    lpn_code: str = "",
) -> CountLine:
    """Records what the counter counted: an item (or case: its pack quantity times `quantity`),
    its lot and LPN. A negative count, an unknown lot, or an LPN elsewhere is refused."""
    task = _locked(task)
    _check_counting(task, user)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise CountRefused(
            f"Count a whole number of units, zero or more; got {quantity!r}.",
            code="invalid_quantity",
            field_errors={"quantity": ["Zero or more."]},
        )
    product, pack = _product_for(task, user, item_code)
    units = quantity * pack
    if units > MAX_QUANTITY:
        raise CountRefused(
            f"At most {MAX_QUANTITY} units per line; got {units}.", code="invalid_quantity"
        )
    lot = None
    if product.is_lot_tracked:
        if not lot_number.strip():
            raise CountRefused(
                f"{product.sku} is lot-tracked: scan the lot.", field_errors={"lot": ["Needed."]}
            )
        lot = selectors.find_lot(product, lot_number)
        if lot is None:
            raise CountRefused(
                f"Lot “{lot_number.strip()}” of {product.sku} is unknown.",
                field_errors={"lot": ["Unknown lot."]},
            )
    lpn = None
    if lpn_code.strip():
        lpn = Lpn.objects.filter(
            warehouse_id=task.warehouse_id, code__iexact=lpn_code.strip()
        ).first()
        if lpn is None or lpn.location_id not in (None, task.location_id):
            raise CountRefused(
                f"LPN “{lpn_code.strip()}” is not in bin {task.location.code}.",
                field_errors={"lpn": ["Not in this bin."]},
            )
    return CountLine.objects.create(
        task=task,
        round=task.round,
        product=product,
        lot=lot,
        lpn=lpn,
        client_id=product.client_id,
        quantity=units,
        counted_by=user,
    )


@transaction.atomic
def finish_count(*, task: CountTask, user: User) -> CountTask:
    """The counter is done with the bin. No difference at the first count: approved, nothing
    to post. A difference beyond the thresholds at the first count: a recount by someone else.
    Otherwise (or after the recount): a manager's review."""
    task = _locked(task)
    _check_counting(task, user)
    found = variances(task)
    differs = any(v.difference for v in found)
    if task.round == 1:
        thresholds = thresholds_for(task.warehouse_id)
        beyond = any(
            exceeds_threshold(
                expected=v.expected,
                counted=v.counted,
                unit_cost=v.product.unit_cost,
                thresholds=thresholds,
            )
            for v in found
        )
        if not differs:
            transition(
                COUNT_LIFECYCLE,
                task,
                CountStatus.APPROVED,
                user=user,
                changes={"first_count_had_variance": False, "assigned_to": None},
                payload={"adjustments": 0},
            )
            _close_request(task, CountRequestStatus.DONE)
            return task
        if beyond:
            return transition(
                COUNT_LIFECYCLE,
                task,
                CountStatus.RECOUNT,
                user=user,
                changes={
                    "first_count_had_variance": True,
                    "assigned_to": None,
                    "round": 2,
                    "scanned_at": None,
                },
            )
        return transition(
            COUNT_LIFECYCLE,
            task,
            CountStatus.REVIEW,
            user=user,
            changes={"first_count_had_variance": True, "assigned_to": None},
        )
    return transition(
        COUNT_LIFECYCLE, task, CountStatus.REVIEW, user=user, changes={"assigned_to": None}
    )


def _close_request(task: CountTask, status: str) -> None:
    if task.count_request_id is not None:
        CountRequest.objects.filter(pk=task.count_request_id).update(status=status)


@dataclass(frozen=True)
class CountedItem:
    """One line of a count sent at once (the API)."""

    item: str
    quantity: int
    lot: str = ""
    lpn: str = ""


def _submit_payload(**arguments: object) -> dict[str, object]:
    items = arguments["items"]
    assert isinstance(items, list)
    return {
        "task": getattr(arguments["task"], "pk", None),
        "location_code": arguments["location_code"],
        "items": [(i.item, i.quantity, i.lot, i.lpn) for i in items],
    }


@transaction.atomic
@idempotent("count.submit", result=model_codec(CountTask, "location"), payload=_submit_payload)
def submit_count(
    *,
    task: CountTask,
    user: User,
    location_code: str,
    items: list[CountedItem],
    idempotency_key: str | None = None,
) -> CountTask:
    """A whole count at once (the API): scan the bin, count each item, finish. Any refusal
    writes nothing; a repeat with the same Idempotency-Key returns the first result."""
    task = start_count(task=task, user=user, location_code=location_code)
    for item in items:
        add_count_line(
            task=task,
            user=user,
            item_code=item.item,
            quantity=item.quantity,
            lot_number=item.lot,
            lpn_code=item.lpn,
        )
    return finish_count(task=task, user=user)


# --- The manager's decision ----------------------------------------------------------------


@transaction.atomic
@idempotent("count.decide", result=model_codec(CountTask, "location"))
def decide_count(
    *,
    task: CountTask,
    user: User,
    approve: bool,
    note: str = "",
    idempotency_key: str | None = None,
) -> CountTask:
    """A manager approves a count awaiting review (its differences are posted through the
    ledger, reason count, code `cycle_count`, against the ledger as of the count's scan) or
    rejects it (nothing posted). Nobody decides a count they counted or recounted."""
    task = _locked(task)
    if user.pk in (task.counted_by_id, task.recounted_by_id):
        raise OwnCountRefused("You counted this bin; another manager must approve or reject it.")
    if task.status != CountStatus.REVIEW:
        COUNT_LIFECYCLE.check(task, CountStatus.APPROVED if approve else CountStatus.REJECTED)
    changes = {"decided_by": user, "decision_note": note[:200]}
    if not approve:
        transition(COUNT_LIFECYCLE, task, CountStatus.REJECTED, user=user, changes=changes)
        _close_request(task, CountRequestStatus.REQUESTED)
        return task
    differences = [
        CountDifference(product=v.product, lot=v.lot, lpn=v.lpn, quantity=v.difference)
        for v in variances(task)
        if v.difference
    ]
    moves = ledger.post_count(
        user=user, location=task.location, differences=differences, reference_id=str(task.pk)
    )
    transition(
        COUNT_LIFECYCLE,
        task,
        CountStatus.APPROVED,
        user=user,
        changes=changes,
        payload={"adjustments": len(moves), "move_ids": [m.pk for m in moves]},
    )
    _close_request(task, CountRequestStatus.DONE)
    return task


@transaction.atomic
def save_thresholds(
    *, warehouse: Warehouse, user: User, max_units: int, max_percent: Decimal, max_value: Decimal
) -> CountSettings:
    """Sets the warehouse's variance thresholds."""
    settings, _ = CountSettings.objects.update_or_create(
        warehouse=warehouse,
        defaults={"max_units": max_units, "max_percent": max_percent, "max_value": max_value},
    )
    emit(
        "count.thresholds_changed",
        client_id=None,
        warehouse_id=warehouse.pk,
        payload={
            "max_units": max_units,
            "max_percent": str(max_percent),
            "max_value": str(max_value),
        },
        user=user,
    )
    return settings


OPEN_STATUSES = OPEN_COUNT_STATUSES
