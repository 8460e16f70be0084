"""Directed putaway: where received stock should go, and why. Read-only: it proposes, and the
putaway confirmation (a ledger move dock to bin) re-checks capacity under the location locks.

The engine is independent of where the policy is stored: callers pass a `PutawayPolicy`, the
products' fixed homes and their storage classes. A whole warehouse costs three queries (its
locations, the stock at them by aggregate, the products held), however many locations it has."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count

from inventory import selectors
from inventory.models import (
    Balance,
    Location,
    LocationKind,
    Lot,
    Lpn,
    LpnKind,
    Product,
    StorageType,
    Warehouse,
)

if TYPE_CHECKING:
    from wms.accounts.models import User

FIXED_HOME = "fixed_home"
CONSOLIDATE = "consolidate"
NEAREST_EMPTY = "nearest_empty"
STRATEGIES = (FIXED_HOME, CONSOLIDATE, NEAREST_EMPTY)
# Dock, staging, pack and ship locations are waypoints, never a putaway destination.
PUTAWAY_KINDS = frozenset({LocationKind.STORAGE, LocationKind.PICK_FACE})
SHOWN_REJECTIONS = 5
TIMES = "\N{MULTIPLICATION SIGN}"  # spelled out: ruff (RUF001) reads the sign as a look-alike of x


@dataclass(frozen=True)
class MixingRules:
    """What may share one location. `one_lot_per_location` keeps two lots of one product apart;
    different products may still share unless `one_product_per_location` is set too."""

    one_client_per_location: bool = True
    one_product_per_location: bool = False
    one_lot_per_location: bool = False


@dataclass(frozen=True)
class PutawayPolicy:
    """A warehouse's putaway settings: strategies tried in order (the first that yields a
    location wins) and the mixing rules. `zone_storage_class` overrides a zone's storage class by
    zone pk; `zone_mixing` overrides the mixing rules for the locations of a zone."""

    strategies: tuple[str, ...] = STRATEGIES
    one_client_per_location: bool = True
    one_product_per_location: bool = False
    one_lot_per_location: bool = False
    zone_storage_class: Mapping[int, str] | None = None
    zone_mixing: Mapping[int, MixingRules] | None = None

    def __post_init__(self) -> None:
        unknown = [name for name in self.strategies if name not in STRATEGIES]
        if unknown or len(set(self.strategies)) != len(self.strategies):
            raise ValueError(
                f"Strategies must be distinct names from {', '.join(STRATEGIES)}; "
                f"got {', '.join(self.strategies) or 'none'}."
            )

    def mixing_for(self, zone_id: int | None) -> MixingRules:
        if zone_id is not None and self.zone_mixing and zone_id in self.zone_mixing:
            return self.zone_mixing[zone_id]
        return MixingRules(
            self.one_client_per_location,
            self.one_product_per_location,
            self.one_lot_per_location,
        )

    def storage_class_of_zone(self, location: Location) -> str:
        if location.zone is None:
            return ""
        if self.zone_storage_class and location.zone.pk in self.zone_storage_class:
            return self.zone_storage_class[location.zone.pk]
        return location.zone.storage_class


@dataclass(frozen=True)
class PutawayItem:
    product: Product
    lot: Lot | None
    quantity: int


@dataclass(frozen=True)
class PutawayProposal:
    location: Location | None
    strategy: str | None
    reason: str


def any_storage_class(product: Product) -> str:
    """The default: a product of no particular storage class fits any zone."""
    return ""


@dataclass
class _Occupancy:
    """What a location holds (or will hold, after earlier proposals of one batch)."""

    units: int = 0
    volume_cm3: int = 0
    weight_g: int = 0
    held: dict[tuple[int, int | None], int] = field(default_factory=dict)
    lot_numbers: dict[int, str] = field(default_factory=dict)
    skus: dict[int, str] = field(default_factory=dict)
    client_ids: set[int] = field(default_factory=set)
    pallets: int = 0

    def add(self, product: Product, lot_id: int | None, lot_number: str, quantity: int) -> None:
        key = (product.pk, lot_id)
        self.held[key] = self.held.get(key, 0) + quantity
        if lot_id is not None:
            self.lot_numbers[lot_id] = lot_number
        self.skus[product.pk] = product.sku
        self.client_ids.add(product.client_id)
        self.units += quantity
        self.volume_cm3 += quantity * (product.volume_cm3 or 0)
        self.weight_g += quantity * (product.weight_g or 0)

    def add_item(self, item: PutawayItem) -> None:
        lot = item.lot
        self.add(item.product, lot.pk if lot else None, lot.number if lot else "", item.quantity)

    def lot_number(self, lot_id: int | None) -> str:
        return self.lot_numbers.get(lot_id, "") if lot_id is not None else ""

    def lots_of(self, product_id: int) -> set[int | None]:
        return {lot for (pk, lot) in self.held if pk == product_id}


@dataclass(frozen=True)
class _Flight:
    """A load an open task will bring to a location."""

    location_id: int
    items: list[PutawayItem]
    is_pallet: bool


def _pallets_at(warehouse: Warehouse) -> list[tuple[int, int]]:
    """Pallets standing at each location now."""
    rows = (
        Lpn.objects.filter(warehouse=warehouse, kind=LpnKind.PALLET, location__isnull=False)
        .values_list("location_id")
        .annotate(n=Count("pk"))
    )
    return [(location_id, n) for location_id, n in rows]


def _in_flight(warehouse: Warehouse, exclude_task_id: int | None) -> list[_Flight]:
    """What open putaway tasks (but one) and open replenishment tasks will bring where: so
    ten pallets received at once are not all sent to the same empty bin."""
    from control.models import OPEN_REPLENISHMENT_STATUSES, ReplenishmentTask
    from receiving.models import PutawayStatus, PutawayTask

    tasks = list(
        PutawayTask.objects.filter(
            warehouse=warehouse,
            status__in=[PutawayStatus.OPEN, PutawayStatus.IN_PROGRESS],
            proposed_location__isnull=False,
        )
        .exclude(pk=exclude_task_id or 0)
        .select_related("product", "lot", "lpn")
    )
    contents: dict[int, list[PutawayItem]] = {}
    lpn_ids = [t.lpn_id for t in tasks if t.lpn_id is not None]
    for balance in Balance.objects.filter(lpn_id__in=lpn_ids, on_hand__gt=0).select_related(
        "product", "lot"
    ):
        assert balance.lpn_id is not None
        contents.setdefault(balance.lpn_id, []).append(
            PutawayItem(balance.product, balance.lot, balance.on_hand)
        )
    flights = []
    for task in tasks:
        assert task.proposed_location_id is not None
        if task.lpn is not None:
            items = contents.get(task.lpn.pk, [])
            pallet = task.lpn.kind == LpnKind.PALLET
        elif task.product is not None and task.quantity:
            items, pallet = [PutawayItem(task.product, task.lot, task.quantity)], False
        else:
            continue
        flights.append(_Flight(task.proposed_location_id, items, pallet))
    for replenishment in ReplenishmentTask.objects.filter(
        warehouse=warehouse, status__in=OPEN_REPLENISHMENT_STATUSES
    ).select_related("product", "lot"):
        flights.append(
            _Flight(
                replenishment.location_id,
                [PutawayItem(replenishment.product, replenishment.lot, replenishment.quantity)],
                False,
            )
        )
    return flights


class _Load:
    """What goes to one location together: one loose item, or an LPN's whole contents."""

    def __init__(self, items: Sequence[PutawayItem], lpn: Lpn | None) -> None:
        for item in items:
            if isinstance(item.quantity, bool) or item.quantity <= 0:
                raise ValueError(f"Quantity must be above zero; got {item.quantity!r}.")
        self.items = list(items)
        self.is_pallet = lpn is not None and lpn.kind == LpnKind.PALLET
        self.as_stock = _Occupancy()
        for item in items:
            self.as_stock.add_item(item)
        products = {item.product.pk: item.product for item in items}
        self.products = list(products.values())
        contents = ", ".join(_quantity_of(item) for item in items)
        self.description = f"LPN {lpn.code} ({contents})" if lpn is not None else contents


class _Planner:
    """One warehouse's locations and stock, loaded once, against which loads are placed."""

    def __init__(
        self,
        warehouse: Warehouse,
        policy: PutawayPolicy,
        homes: Mapping[int, int] | None,
        storage_class_of: Callable[[Product], str],
        exclude_task_id: int | None = None,
    ) -> None:
        self.warehouse = warehouse
        self.policy = policy
        self.homes = homes or {}
        self.storage_class_of = storage_class_of
        self.locations = list(
            Location.objects.filter(warehouse=warehouse, is_virtual=False)
            .select_related("zone")
            .order_by("pick_sequence", "code", "pk")
        )
        self.by_pk = {location.pk: location for location in self.locations}
        rows = selectors.occupancy(warehouse, PUTAWAY_KINDS)
        products = Product.objects.in_bulk({row["product_id"] for row in rows})
        self.stock: dict[int, _Occupancy] = {}
        for row in rows:
            self.stock.setdefault(row["location_id"], _Occupancy()).add(
                products[row["product_id"]],
                row["lot_id"],
                row["lot__number"] or "",
                row["quantity"],
            )
        for location_id, pallets in _pallets_at(warehouse):
            self.stock.setdefault(location_id, _Occupancy()).pallets += pallets
        # Work in flight: what open putaway and replenishment tasks will bring counts as there.
        for flight in _in_flight(warehouse, exclude_task_id):
            here = self.stock.setdefault(flight.location_id, _Occupancy())
            for item in flight.items:
                here.add_item(item)
            here.pallets += 1 if flight.is_pallet else 0

    def propose(self, load: _Load) -> PutawayProposal:
        if not load.items:
            return PutawayProposal(None, None, "Nothing to put away.")
        # One rejection per location (the first strategy's), in the order they were met.
        rejections: dict[object, str] = {}
        strategies = {
            FIXED_HOME: self._fixed_home,
            CONSOLIDATE: self._consolidate,
            NEAREST_EMPTY: self._nearest_empty,
        }
        for name in self.policy.strategies:
            proposal = strategies[name](load, rejections)
            if proposal is not None:
                return proposal
        unique = list(rejections.values()) or [f"no putaway location in {self.warehouse.code}"]
        shown = ", ".join(unique[:SHOWN_REJECTIONS])
        more = len(unique) - SHOWN_REJECTIONS
        suffix = f", and {more} more" if more > 0 else ""
        return PutawayProposal(None, None, f"No location fits {load.description}: {shown}{suffix}")

    def reserve(self, location: Location, load: _Load) -> None:
        """Counts a proposed load as already there, so the next proposal of a batch sees it."""
        here = self.stock.setdefault(location.pk, _Occupancy())
        for item in load.items:
            here.add_item(item)
        here.pallets += 1 if load.is_pallet else 0

    # --- Strategies: each returns a proposal or None, noting why candidates were refused.

    def _fixed_home(self, load: _Load, rejections: dict[object, str]) -> PutawayProposal | None:
        # A model field will feed `homes` later; a mixed load has a home only if all agree. The
        # home is set by hand, so it is not held to the zone's storage class.
        if any(product.pk not in self.homes for product in load.products):
            return None
        home_pks = {self.homes[product.pk] for product in load.products}
        if len(home_pks) != 1:
            return None
        (home_pk,) = home_pks
        skus = ", ".join(product.sku for product in load.products)
        home = self.by_pk.get(home_pk)
        if home is None:
            rejections[home_pk] = f"fixed home of {skus} is not a location of {self.warehouse.code}"
            return None
        refusal = self._refusal(home, load)
        if refusal is not None:
            rejections[home.pk] = f"fixed home {refusal}"
            return None
        label = "SKUs" if len(load.products) > 1 else "SKU"
        return PutawayProposal(home, FIXED_HOME, f"Fixed home {home.code} for {label} {skus}")

    def _consolidate(self, load: _Load, rejections: dict[object, str]) -> PutawayProposal | None:
        keys = set(load.as_stock.held)
        for location in self._in_walking_order(load):
            here = self.stock.get(location.pk)
            if location.kind not in PUTAWAY_KINDS or here is None or not keys <= set(here.held):
                continue
            refusal = self._refusal(location, load)
            if refusal is not None:
                rejections.setdefault(location.pk, refusal)
                continue
            held = ", ".join(
                _quantity(here.held[key], here.skus[key[0]], here.lot_number(key[1]))
                for key in load.as_stock.held
            )
            room = (
                f"room for {location.max_units - here.units} more units"
                if location.max_units is not None
                else "no unit limit"
            )
            reason = f"Consolidate with {held} already at {location.code} ({room})"
            return PutawayProposal(location, CONSOLIDATE, reason)
        return None

    def _nearest_empty(self, load: _Load, rejections: dict[object, str]) -> PutawayProposal | None:
        classes = {self.storage_class_of(product).strip().lower() for product in load.products}
        if len(classes) > 1:
            rejections["classes"] = f"the load mixes storage classes ({', '.join(sorted(classes))})"
            return None
        (storage_class,) = classes
        empty = [
            location
            for location in self._in_walking_order(load)
            if location.kind in PUTAWAY_KINDS
            and not self.stock.get(location.pk, _Occupancy()).units
            and (
                not storage_class
                or self.policy.storage_class_of_zone(location).strip().lower() == storage_class
            )
        ]
        if not empty:
            zones = f" in a {storage_class} zone" if storage_class else ""
            rejections["empty"] = f"no empty location{zones}"
        for location in empty:
            refusal = self._refusal(location, load)
            if refusal is not None:
                rejections.setdefault(location.pk, refusal)
                continue
            where = "no zone"
            if location.zone is not None:
                zone_class = self.policy.storage_class_of_zone(location)
                where = f"zone {location.zone.code}" + (f" ({zone_class})" if zone_class else "")
            reason = f"Nearest empty location {location.code} in {where} by walking order"
            return PutawayProposal(location, NEAREST_EMPTY, reason)
        return None

    # --- Checks shared by every strategy.

    def _in_walking_order(self, load: _Load) -> list[Location]:
        if not load.is_pallet:
            return self.locations
        # A pallet on a pick face blocks picking; storage first, walking order within each.
        return sorted(self.locations, key=lambda loc: loc.kind != LocationKind.STORAGE)

    def _refusal(self, location: Location, load: _Load) -> str | None:
        """Why the whole load cannot go to the location, or None when it fits."""
        code = location.code
        if location.kind not in PUTAWAY_KINDS:
            return f"{code} is a {LocationKind(location.kind).label.lower()} location"
        if location.is_blocked:
            return f"{code} blocked" + (
                f" ({location.blocked_reason})" if location.blocked_reason else ""
            )
        here, incoming = self.stock.get(location.pk, _Occupancy()), load.as_stock
        mixed = _mixing_refusal(here, incoming, self.policy.mixing_for(location.zone_id))
        if mixed is not None:
            return f"{code} {mixed}"
        for limit, current, added, unit in (
            (location.max_units, here.units, incoming.units, "units"),
            (location.max_volume_cm3, here.volume_cm3, incoming.volume_cm3, "cm³"),
            (location.max_weight_g, here.weight_g, incoming.weight_g, "g"),
        ):
            if limit is not None and current + added > limit:
                return f"{code} full ({current}/{limit} {unit})"
        pallets = location.max_pallets
        if pallets is None and location.storage_type == StorageType.PALLET_POSITION:
            pallets = 1
        if load.is_pallet and pallets is not None and here.pallets + 1 > pallets:
            plural = "s" if pallets != 1 else ""
            return f"{code} holds {pallets} pallet{plural} ({here.pallets} there or on the way)"
        return None


def _mixing_refusal(here: _Occupancy, load: _Occupancy, rules: MixingRules) -> str | None:
    if rules.one_client_per_location and len(here.client_ids | load.client_ids) > 1:
        if here.client_ids - load.client_ids:
            return "holds another client's stock"
        return "takes one client's stock; the load mixes clients"
    if rules.one_product_per_location and len(here.skus.keys() | load.skus.keys()) > 1:
        others = sorted(sku for pk, sku in here.skus.items() if pk not in load.skus)
        if others:
            return f"holds another product ({', '.join(others)})"
        return "takes one product; the load mixes products"
    if rules.one_lot_per_location:
        for product_id, sku in load.skus.items():
            here_lots, load_lots = here.lots_of(product_id), load.lots_of(product_id)
            if len(here_lots | load_lots) <= 1:
                continue
            others = sorted(here.lot_number(lot) or "no lot" for lot in here_lots - load_lots)
            if others:
                return f"holds another lot of {sku} ({', '.join(others)})"
            return f"takes one lot of {sku}; the load mixes lots"
    return None


def _quantity(quantity: int, sku: str, lot_number: str) -> str:
    return f"{quantity} {TIMES} {sku}" + (f" lot {lot_number}" if lot_number else "")


def _quantity_of(item: PutawayItem) -> str:
    return _quantity(item.quantity, item.product.sku, item.lot.number if item.lot else "")


# --- Entry points ------------------------------------------------------------------------------


def propose_putaway(
    items: Sequence[PutawayItem],
    *,
    warehouse: Warehouse,
    policy: PutawayPolicy | None = None,
    homes: Mapping[int, int] | None = None,
    storage_class_of: Callable[[Product], str] = any_storage_class,
    lpn: Lpn | None = None,
    exclude_task_id: int | None = None,
) -> PutawayProposal:
    """One destination for all `items` together (an LPN moves whole), by the policy's strategies.
    `homes` maps product pk to its fixed home location pk (a Product field will feed it later).
    What open putaway tasks (but `exclude_task_id`, the one being proposed) and replenishment
    tasks will bring counts against capacity. A bounded number of queries, whatever the number
    of locations."""
    planner = _Planner(
        warehouse, policy or PutawayPolicy(), homes, storage_class_of, exclude_task_id
    )
    return planner.propose(_Load(items, lpn))


def propose_loose_putaways(
    items: Sequence[PutawayItem],
    *,
    warehouse: Warehouse,
    policy: PutawayPolicy | None = None,
    homes: Mapping[int, int] | None = None,
    storage_class_of: Callable[[Product], str] = any_storage_class,
) -> list[PutawayProposal]:
    """One destination per loose item, in order; each counts the earlier proposals as already
    placed, so two items never both fill the last space of one location."""
    planner = _Planner(warehouse, policy or PutawayPolicy(), homes, storage_class_of)
    proposals = []
    for item in items:
        load = _Load([item], None)
        proposal = planner.propose(load)
        if proposal.location is not None:
            planner.reserve(proposal.location, load)
        proposals.append(proposal)
    return proposals


def lpn_items(user: User, lpn: Lpn) -> list[PutawayItem]:
    """What an LPN holds, as the user may see it, summed per product and lot (all statuses)."""
    rows = selectors.balances(
        user, selectors.BalanceFilters(lpn_id=lpn.pk, warehouse_id=lpn.warehouse_id)
    )
    summed: dict[tuple[int, int | None], PutawayItem] = {}
    for row in rows:
        key = (row.product_id, row.lot_id)
        before = summed[key].quantity if key in summed else 0
        summed[key] = PutawayItem(row.product, row.lot, before + row.on_hand)
    return list(summed.values())


def propose_lpn_putaway(
    user: User,
    lpn: Lpn,
    *,
    policy: PutawayPolicy | None = None,
    homes: Mapping[int, int] | None = None,
    storage_class_of: Callable[[Product], str] = any_storage_class,
    exclude_task_id: int | None = None,
) -> PutawayProposal:
    """One destination for a whole LPN's contents; a pallet prefers storage over pick faces."""
    return propose_putaway(
        lpn_items(user, lpn),
        warehouse=lpn.warehouse,
        policy=policy,
        homes=homes,
        storage_class_of=storage_class_of,
        lpn=lpn,
        exclude_task_id=exclude_task_id,
    )
