"""Labour measures over a window (a day): per operator and task kind, the tasks, lines, units
and locations done, their minutes (from the scans that started and ended each task), the
standard minutes they earned, lines and units per hour, percent of standard (earned / task
minutes) and, per operator, utilisation (task minutes / clocked minutes). Three set-based
reads of the floor's tasks, one of the shifts, one of the standards.

The same measures per client (`client_measures`): a task's client is its order's (a pick list's
lines, a carton) or its receipt's product's owner (a putaway). A pick list that holds orders of
several clients is shared between them by their share of its picked lines: each client gets that
share of its minutes and of the standard it earned, and the lines, units and locations of its
own orders (so the clients' minutes add up to the operators')."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce

from inventory.models import Client, Warehouse
from labour.models import IndirectTime, LabourStandard, Shift, TaskKind
from picking.models import PickLine, PickList, PickListStatus
from receiving.models import PutawayStatus, PutawayTask
from shipping.models import Carton
from wms.accounts.models import User


@dataclass
class KindMeasure:
    kind: str
    tasks: int = 0
    lines: int = 0
    units: int = 0
    locations: int = 0
    task_seconds: float = 0.0
    standard_seconds: float = 0.0

    @property
    def label(self) -> str:
        return TaskKind(self.kind).label

    @property
    def task_minutes(self) -> float:
        return self.task_seconds / 60

    @property
    def standard_minutes(self) -> float:
        return self.standard_seconds / 60

    @property
    def lines_per_hour(self) -> float | None:
        return self.lines * 3600 / self.task_seconds if self.task_seconds else None

    @property
    def units_per_hour(self) -> float | None:
        return self.units * 3600 / self.task_seconds if self.task_seconds else None

    @property
    def percent_of_standard(self) -> float | None:
        return 100 * self.standard_seconds / self.task_seconds if self.task_seconds else None


@dataclass
class OperatorDay:
    user: User
    clocked_seconds: float = 0.0
    kinds: dict[str, KindMeasure] = field(default_factory=dict)
    indirect_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def task_seconds(self) -> float:
        return sum(k.task_seconds for k in self.kinds.values())

    @property
    def standard_seconds(self) -> float:
        return sum(k.standard_seconds for k in self.kinds.values())

    @property
    def indirect_total(self) -> float:
        return sum(self.indirect_seconds.values())

    @property
    def idle_seconds(self) -> float:
        """Clocked time neither on a task nor booked to indirect work."""
        indirect = sum(self.indirect_seconds.values())
        return max(self.clocked_seconds - self.task_seconds - indirect, 0.0)

    @property
    def utilisation(self) -> float | None:
        """Task time over clocked time, in percent."""
        return 100 * self.task_seconds / self.clocked_seconds if self.clocked_seconds else None

    @property
    def percent_of_standard(self) -> float | None:
        return 100 * self.standard_seconds / self.task_seconds if self.task_seconds else None


def _duration(start: str, end: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _tasks(warehouse: Warehouse, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Every finished task in the window as (kind, user, seconds, lines, units, locations,
    client; a pick list's client is None: its lines say whose they are)."""
    picks = (
        PickList.objects.filter(
            warehouse=warehouse,
            assigned_to__isnull=False,
            started_at__isnull=False,
            finished_at__gte=start,
            finished_at__lt=end,
        )
        .annotate(
            took=_duration("started_at", "finished_at"),
            n_lines=Count("lines", filter=Q(lines__picked_qty__gt=0)),
            n_units=Coalesce(Sum("lines__picked_qty"), 0),
            n_locations=Count("lines__location", filter=Q(lines__picked_qty__gt=0), distinct=True),
        )
        .values("pk", "assigned_to_id", "took", "n_lines", "n_units", "n_locations")
    )
    putaways = (
        PutawayTask.objects.filter(
            warehouse=warehouse,
            status=PutawayStatus.DONE,
            assigned_to__isnull=False,
            started_at__isnull=False,
            done_at__gte=start,
            done_at__lt=end,
        )
        .annotate(took=_duration("started_at", "done_at"), n_units=Coalesce("quantity", 0))
        .values("assigned_to_id", "took", "n_units", "product__client_id")
    )
    cartons = (
        Carton.objects.filter(
            warehouse=warehouse, packed_by__isnull=False, closed_at__gte=start, closed_at__lt=end
        )
        .annotate(
            took=_duration("created_at", "closed_at"),
            n_lines=Count("lines"),
            n_units=Coalesce(Sum("lines__quantity"), 0),
        )
        .values("packed_by_id", "took", "n_lines", "n_units", "client_id")
    )
    rows = [
        {
            "kind": TaskKind.PICK,
            "user": r["assigned_to_id"],
            "seconds": r["took"].total_seconds(),
            "lines": r["n_lines"],
            "units": r["n_units"],
            "locations": r["n_locations"],
            "pick_list": r["pk"],
            "client": None,
        }
        for r in picks
    ]
    rows += [
        {
            "kind": TaskKind.PUTAWAY,
            "user": r["assigned_to_id"],
            "seconds": r["took"].total_seconds(),
            "lines": 1,
            "units": r["n_units"],
            "locations": 1,
            "client": r["product__client_id"],
        }
        for r in putaways
    ]
    rows += [
        {
            "kind": TaskKind.PACK,
            "user": r["packed_by_id"],
            "seconds": r["took"].total_seconds(),
            "lines": r["n_lines"],
            "units": r["n_units"],
            "locations": 0,
            "client": r["client_id"],
        }
        for r in cartons
    ]
    return rows


def _clipped(
    begin: dt.datetime, finish: dt.datetime, start: dt.datetime, end: dt.datetime
) -> float:
    """Seconds of [begin, finish) inside [start, end)."""
    return max((min(finish, end) - max(begin, start)).total_seconds(), 0.0)


def day_measures(
    warehouse: Warehouse, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> list[OperatorDay]:
    """Each operator who clocked time or finished a task in [start, end), with their measures
    per task kind; a task earns its kind's standard (nothing when the kind has none)."""
    standards = {s.task_kind: s for s in LabourStandard.objects.filter(warehouse=warehouse)}
    days: dict[int, OperatorDay] = {}
    users: dict[int, User] = {}
    overlapping = Q(started_at__lt=end) & (Q(ended_at__isnull=True) | Q(ended_at__gt=start))
    clocked: dict[int, float] = defaultdict(float)
    for shift in Shift.objects.filter(overlapping, warehouse=warehouse):
        clocked[shift.user_id] += _clipped(shift.started_at, shift.ended_at or now, start, end)
    indirect: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for booked in IndirectTime.objects.filter(overlapping, warehouse=warehouse):
        indirect[booked.user_id][booked.code] += _clipped(
            booked.started_at, booked.ended_at or now, start, end
        )
    tasks = _tasks(warehouse, start, end)
    ids = set(clocked) | {t["user"] for t in tasks}
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    for pk in ids:
        days[pk] = OperatorDay(users[pk], clocked.get(pk, 0.0), {}, dict(indirect.get(pk, {})))
    for task in tasks:
        measure = days[task["user"]].kinds.setdefault(task["kind"], KindMeasure(task["kind"]))
        measure.tasks += 1
        measure.lines += task["lines"]
        measure.units += task["units"]
        measure.locations += task["locations"]
        measure.task_seconds += task["seconds"]
        standard = standards.get(task["kind"])
        if standard is not None:
            measure.standard_seconds += standard.seconds_for(
                lines=task["lines"], units=task["units"], locations=task["locations"]
            )
    return sorted(days.values(), key=lambda d: d.user.email)


@dataclass
class ClientMeasures:
    client: Client
    kinds: dict[str, KindMeasure] = field(default_factory=dict)

    @property
    def task_seconds(self) -> float:
        return sum(k.task_seconds for k in self.kinds.values())

    @property
    def standard_seconds(self) -> float:
        return sum(k.standard_seconds for k in self.kinds.values())

    @property
    def task_hours(self) -> float:
        return self.task_seconds / 3600

    @property
    def percent_of_standard(self) -> float | None:
        return 100 * self.standard_seconds / self.task_seconds if self.task_seconds else None


def _pick_shares(pick_list_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Per pick list, each client's picked lines, units and locations (one read)."""
    shares: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        PickLine.objects.filter(pick_list_id__in=pick_list_ids, picked_qty__gt=0)
        .values("pick_list_id", "order__client_id")
        .annotate(
            n_lines=Count("pk"),
            n_units=Coalesce(Sum("picked_qty"), 0),
            n_locations=Count("location", distinct=True),
        )
        .order_by("pick_list_id", "order__client_id")
    )
    for row in rows:
        shares[row["pick_list_id"]].append(dict(row))
    return shares


def client_measures(
    warehouse: Warehouse, start: dt.datetime, end: dt.datetime, clients: Any = None
) -> list[ClientMeasures]:
    """Per client, the measures per task kind of the tasks finished in [start, end) for it:
    tasks, lines, units, locations, task minutes and the standard minutes earned (a pick list
    of several clients' orders shared by picked lines). `clients` (a queryset of the ones the
    reader may see) limits the answer; clients are sorted by code."""
    standards = {s.task_kind: s for s in LabourStandard.objects.filter(warehouse=warehouse)}
    tasks = _tasks(warehouse, start, end)
    shares = _pick_shares([t["pick_list"] for t in tasks if t["kind"] == TaskKind.PICK])
    found: dict[int, dict[str, KindMeasure]] = defaultdict(dict)
    for task in tasks:
        standard = standards.get(task["kind"])
        earned = (
            standard.seconds_for(
                lines=task["lines"], units=task["units"], locations=task["locations"]
            )
            if standard is not None
            else 0
        )
        if task["kind"] == TaskKind.PICK:
            parts = [
                (r["order__client_id"], r["n_lines"], r["n_units"], r["n_locations"])
                for r in shares.get(task["pick_list"], [])
            ]
        else:
            parts = [(task["client"], task["lines"], task["units"], task["locations"])]
        for client_id, lines, units, locations in parts:
            share = lines / task["lines"] if task["kind"] == TaskKind.PICK else 1.0
            measure = found[client_id].setdefault(task["kind"], KindMeasure(task["kind"]))
            measure.tasks += 1
            measure.lines += lines
            measure.units += units
            measure.locations += locations
            measure.task_seconds += task["seconds"] * share
            measure.standard_seconds += earned * share
    visible = Client.objects.all() if clients is None else clients
    by_pk = {c.pk: c for c in visible.filter(pk__in=list(found))}
    made = [ClientMeasures(by_pk[pk], kinds) for pk, kinds in found.items() if pk in by_pk]
    return sorted(made, key=lambda m: m.client.code)


def open_indirect_of(user: User) -> IndirectTime | None:
    return IndirectTime.objects.filter(user=user, ended_at__isnull=True).first()


def open_shift_of(user: User) -> Shift | None:
    return (
        Shift.objects.filter(user=user, ended_at__isnull=True).select_related("warehouse").first()
    )


def current_tasks(warehouse: Warehouse) -> dict[int, str]:
    """What each operator has in hand now: a pick list or a putaway in progress (two reads)."""
    doing: dict[int, str] = {}
    for user_id, number in PickList.objects.filter(
        warehouse=warehouse, status=PickListStatus.IN_PROGRESS, assigned_to__isnull=False
    ).values_list("assigned_to_id", "number"):
        doing[user_id] = f"picking list {number}"
    for user_id, pk in PutawayTask.objects.filter(
        warehouse=warehouse, status=PutawayStatus.IN_PROGRESS, assigned_to__isnull=False
    ).values_list("assigned_to_id", "pk"):
        doing.setdefault(user_id, f"putaway task {pk}")
    return doing


def league(days: list[OperatorDay]) -> list[tuple[str, list[tuple[User, KindMeasure]]]]:
    """Per task kind, the operators ranked by percent of standard (then units per hour)."""
    ranked = []
    for kind, label in TaskKind.choices:
        rows = [(d.user, d.kinds[kind]) for d in days if kind in d.kinds]
        rows.sort(key=lambda r: (-(r[1].percent_of_standard or 0), -(r[1].units_per_hour or 0)))
        if rows:
            ranked.append((str(label), rows))
    return ranked
