"""Reads of inventory control, scoped to what the user may see (warehouses for operators; client
users see no count). What a counter sees of a count never includes what the ledger expects."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from control.models import (
    OPEN_COUNT_STATUSES,
    CountExpectation,
    CountLine,
    CountPlan,
    CountStatus,
    CountTask,
    Hold,
    LowStockAlert,
    ReplenishmentTask,
    ReturnTask,
    Transfer,
)
from control.services.counts import Variance, thresholds_for, variances
from inventory.models import Balance, Client, Event, LocationKind, Lot, StockMove, Zone
from inventory.selectors import scope_by_user
from wms.accounts.models import Role
from wms.permissions import client_id_of, warehouse_ids_for

if TYPE_CHECKING:
    from control.models import CountSettings
    from wms.accounts.models import User


def count_tasks_for_user(user: User) -> QuerySet[CountTask]:
    """Count tasks in the user's warehouses (none for client users: a count spans clients)."""
    if user.role == Role.CLIENT:
        return CountTask.objects.none()
    return scope_by_user(
        CountTask.objects.select_related(
            "warehouse", "location", "location__zone", "assigned_to", "counted_by", "recounted_by"
        ),
        user,
        client_field="warehouse",
    )


def search_count_tasks(
    user: User, *, status: str = "", warehouse_id: int | None = None
) -> QuerySet[CountTask]:
    rows = count_tasks_for_user(user)
    if status == "open":
        rows = rows.filter(status__in=OPEN_COUNT_STATUSES)
    elif status:
        rows = rows.filter(status=status)
    if warehouse_id:
        rows = rows.filter(warehouse_id=warehouse_id)
    return rows.order_by("-priority", "created_at", "pk")


def get_count_task_for_user(user: User, pk: int) -> CountTask | None:
    return count_tasks_for_user(user).filter(pk=pk).first()


def plans_for_user(user: User) -> QuerySet[CountPlan]:
    if user.role == Role.CLIENT:
        return CountPlan.objects.none()
    return scope_by_user(
        CountPlan.objects.select_related("warehouse", "zone"), user, client_field="warehouse"
    )


def get_plan_for_user(user: User, pk: int) -> CountPlan | None:
    return plans_for_user(user).filter(pk=pk).first()


@dataclass(frozen=True)
class CountedLine:
    """A line as the counter sees it: what they counted, never what was expected."""

    sku: str
    lot: str
    lpn: str
    quantity: int


def counted_lines(task: CountTask) -> list[CountedLine]:
    """What the current round's counter has counted so far (blind: no expected quantity)."""
    return [
        CountedLine(
            sku=line.product.sku,
            lot=line.lot.number if line.lot else "",
            lpn=line.lpn.code if line.lpn else "",
            quantity=line.quantity,
        )
        for line in CountLine.objects.filter(task=task, round=task.round).select_related(
            "product", "lot", "lpn"
        )
    ]


def review(task: CountTask) -> dict[int, list[Variance]]:
    """For a manager: each round's variances (expected at the scan against counted)."""
    return {number: variances(task, number) for number in range(1, task.round + 1)}


def thresholds(warehouse_id: int) -> CountSettings:
    return thresholds_for(warehouse_id)


@dataclass
class Accuracy:
    """Counted bins without variance at the first count over counted bins."""

    name: str
    counted: int = 0
    exact: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.exact / self.counted, 1) if self.counted else None


def accuracy(
    user: User, *, since: dt.datetime | None = None, warehouse_id: int | None = None
) -> tuple[list[Accuracy], list[Accuracy]]:
    """Inventory accuracy per zone and per client over first counts finished since `since`:
    a bin is exact for a client when no product of that client differed at its first count."""
    tasks = count_tasks_for_user(user).exclude(first_count_had_variance=None)
    tasks = tasks.exclude(status=CountStatus.CANCELLED)
    if since is not None:
        tasks = tasks.filter(updated_at__gte=since)
    if warehouse_id:
        tasks = tasks.filter(warehouse_id=warehouse_id)
    by_zone: dict[str, Accuracy] = {}
    task_list = list(tasks)
    for task in task_list:
        zone: Zone | None = task.location.zone
        name = f"{task.warehouse.code}/{zone.code}" if zone else f"{task.warehouse.code}/(none)"
        row = by_zone.setdefault(name, Accuracy(name))
        row.counted += 1
        row.exact += 0 if task.first_count_had_variance else 1
    # Per client: the first round's expected and counted quantities per product, lot and LPN.
    sums: dict[tuple[int, int], dict[tuple[int, int | None, int | None], list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    ids = [t.pk for t in task_list]
    for e in CountExpectation.objects.filter(task_id__in=ids, round=1):
        sums[(e.task_id, e.client_id)][(e.product_id, e.lot_id, e.lpn_id)][0] += e.quantity
    for c in CountLine.objects.filter(task_id__in=ids, round=1):
        sums[(c.task_id, c.client_id)][(c.product_id, c.lot_id, c.lpn_id)][1] += c.quantity
    names = dict(Client.objects.filter(pk__in={k[1] for k in sums}).values_list("pk", "name"))
    if user.role == Role.CLIENT:
        names = {}
    by_client: dict[int, Accuracy] = {}
    for (_, client_id), keys in sums.items():
        if client_id not in names:
            continue
        row = by_client.setdefault(client_id, Accuracy(names[client_id]))
        row.counted += 1
        row.exact += 0 if any(e != c for e, c in keys.values()) else 1
    return sorted(by_zone.values(), key=lambda a: a.name), sorted(
        by_client.values(), key=lambda a: a.name
    )


# --- Holds and recalls ---------------------------------------------------------------------


def holds_for_user(user: User) -> QuerySet[Hold]:
    """Holds the user may see: a client user their client's, an operator those of their
    warehouses or of no one warehouse (lot and product holds span the building)."""
    rows = Hold.objects.select_related(
        "product", "lot", "location", "lpn", "warehouse", "created_by", "released_by"
    )
    if user.role == Role.CLIENT:
        return rows.filter(client_id=client_id_of(user))
    if user.role == Role.OPERATOR:
        return rows.filter(Q(warehouse=None) | Q(warehouse_id__in=warehouse_ids_for(user)))
    return rows


def get_hold_for_user(user: User, pk: int) -> Hold | None:
    return holds_for_user(user).filter(pk=pk).first()


@dataclass(frozen=True)
class RecallOut:
    """Units of the lot that left the building or its stock: where to (customer, scrap,
    adjustment) and for which document (a shipment names its order)."""

    destination: str
    reference_type: str
    reference_id: str
    order: str
    units: int


@dataclass(frozen=True)
class RecallReport:
    lot: Lot
    in_stock: list[Balance]
    gone: list[RecallOut]

    @property
    def units_in_stock(self) -> int:
        return sum(b.on_hand for b in self.in_stock)

    @property
    def units_gone(self) -> int:
        return sum(g.units for g in self.gone)


def recall_report(user: User, lot: Lot) -> RecallReport:
    """Where every unit of a lot is: in stock (bin, LPN, status) and what left the stock,
    by destination and document; shipped units name their order (from the picks' events)."""
    in_stock = list(
        scope_by_user(Balance.objects.filter(lot=lot, on_hand__gt=0), user)
        .select_related("location", "lpn", "warehouse")
        .order_by("warehouse__code", "location__code", "pk")
    )
    gone_rows = (
        scope_by_user(
            StockMove.objects.filter(lot=lot, to_location__is_virtual=True).exclude(
                to_location__kind=LocationKind.SUPPLIER
            ),
            user,
        )
        .values("to_location__kind", "reference_type", "reference_id")
        .annotate(units=Sum("quantity"))
        .order_by("to_location__kind", "reference_type", "reference_id")
    )
    back_rows = (
        scope_by_user(StockMove.objects.filter(lot=lot, from_location__is_virtual=True), user)
        .exclude(from_location__kind=LocationKind.SUPPLIER)
        .values("from_location__kind", "reference_type", "reference_id")
        .annotate(units=Sum("quantity"))
    )
    returned = {
        (r["from_location__kind"], r["reference_type"], r["reference_id"]): r["units"]
        for r in back_rows
    }
    orders: dict[str, str] = {}
    for payload in Event.objects.filter(
        type="pick.confirmed", payload__lot=lot.number, payload__sku=lot.product.sku
    ).values_list("payload", flat=True):
        orders[str(payload.get("order_id"))] = str(payload.get("order", ""))
    gone = []
    for row in gone_rows:
        key = (row["to_location__kind"], row["reference_type"], row["reference_id"])
        units = row["units"] - returned.get(key, 0)
        if units <= 0:
            continue
        gone.append(
            RecallOut(
                destination=row["to_location__kind"],
                reference_type=row["reference_type"],
                reference_id=row["reference_id"],
                order=orders.get(row["reference_id"], "")
                if row["to_location__kind"] == LocationKind.CUSTOMER
                else "",
                units=units,
            )
        )
    return RecallReport(lot=lot, in_stock=in_stock, gone=gone)


# --- Replenishment ---------------------------------------------------------------------------


def replenishment_tasks_for_user(user: User) -> QuerySet[ReplenishmentTask]:
    if user.role == Role.CLIENT:
        return ReplenishmentTask.objects.none()
    return scope_by_user(
        ReplenishmentTask.objects.select_related(
            "warehouse", "location", "from_location", "product", "lot"
        ),
        user,
        client_field="warehouse",
    )


def get_replenishment_task_for_user(user: User, pk: int) -> ReplenishmentTask | None:
    return replenishment_tasks_for_user(user).filter(pk=pk).first()


def low_stock_alerts(user: User, *, open_only: bool = True) -> QuerySet[LowStockAlert]:
    rows = scope_by_user(LowStockAlert.objects.select_related("product", "warehouse"), user)
    return rows.filter(is_open=True) if open_only else rows


def transfers_for_user(user: User) -> QuerySet[Transfer]:
    if user.role == Role.CLIENT:
        return Transfer.objects.none()
    rows = Transfer.objects.select_related("from_warehouse", "to_warehouse").prefetch_related(
        "lines__product", "lines__lot", "lines__from_location"
    )
    if user.role == Role.OPERATOR:
        ids = warehouse_ids_for(user)
        rows = rows.filter(Q(from_warehouse_id__in=ids) | Q(to_warehouse_id__in=ids))
    return rows


def get_transfer_for_user(user: User, pk: int) -> Transfer | None:
    return transfers_for_user(user).filter(pk=pk).first()


def get_return_task_for_user(user: User, pk: int) -> ReturnTask | None:
    if user.role == Role.CLIENT:
        return None
    rows = scope_by_user(
        ReturnTask.objects.select_related(
            "warehouse", "product", "lot", "from_location", "from_lpn", "to_location"
        ),
        user,
        client_field="warehouse",
    )
    return rows.filter(pk=pk).first()


DWELL_KINDS = (
    LocationKind.DOCK,
    LocationKind.STAGING,
    LocationKind.PACK_STATION,
    LocationKind.SHIP_DOCK,
)


def lingering_stock(user: User, *, hours: int, now: dt.datetime | None = None) -> QuerySet[Balance]:
    """Stock sitting at dock, staging, pack or ship-dock locations unchanged for longer than
    `hours` (a balance's last change is when stock last arrived or left there), oldest first."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=hours)
    rows = Balance.objects.filter(
        on_hand__gt=0, location__kind__in=DWELL_KINDS, updated_at__lte=cutoff
    ).select_related("location", "product", "lot", "lpn", "warehouse")
    return scope_by_user(rows, user).order_by("updated_at", "pk")
