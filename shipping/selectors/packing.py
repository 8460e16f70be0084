"""Reads of the pack station: which order a scan stands for, what of it is still to pack and
where those units lie, the open carton, expected weights, and the box proposal of the
cartonization engine over the client's allowed box types."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet, Sum

from inventory.models import (
    Location,
    LocationKind,
    Lot,
    Lpn,
    LpnKind,
    Product,
    Reason,
    StockMove,
    Warehouse,
)
from picking import selectors as picking_selectors
from picking.models import Order, OrderLine, OrderStatus, PickLine, PickListOrder
from shipping import cartonize, selectors
from shipping.exceptions import PackRefused
from shipping.models import (
    BoxType,
    Carton,
    CartonLine,
    CartonStatus,
    Shipment,
    ShipmentStatus,
    ShippingPolicy,
)
from wms.accounts.models import Role
from wms.permissions import client_id_of, warehouse_ids_for

if TYPE_CHECKING:
    from wms.accounts.models import User

DEFAULT_WEIGHT_TOLERANCE_PERCENT = 10
# The ledger reference of a pack move (reference_id: the carton).
CARTON_REF = "carton"
# Orders the pack station shows: ready to pack, or packed (to follow their shipments).
SHOWN_STATUSES = (OrderStatus.PICKED, OrderStatus.PACKED)

# --- To pack -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where picked units of a line wait: a staging place, inside the order's tote or loose."""

    location: Location
    tote: Lpn | None
    quantity: int

    @property
    def label(self) -> str:
        return f"{self.location.code} · tote {self.tote.code}" if self.tote else self.location.code


@dataclass(frozen=True)
class ToPack:
    """One order line and lot: picked, packed and still to pack, and where the rest lies."""

    order_line: OrderLine
    product: Product
    lot: Lot | None
    picked: int
    packed: int
    sources: tuple[Source, ...]

    @property
    def remaining(self) -> int:
        return self.picked - self.packed

    @property
    def lot_number(self) -> str:
        return self.lot.number if self.lot else ""

    @property
    def where(self) -> str:
        return ", ".join(s.label for s in self.sources) or "-"


def to_pack(order: Order) -> list[ToPack]:
    """Picked minus packed per order line and lot, in line order, with the places the unpacked
    units lie (the pick lists' staging places, inside the order's tote where there was one,
    wherever the tote is now). Packed units are taken from the sources in the same order
    `pack_item` takes them, so the sources always hold what is listed."""
    picks = (
        PickLine.objects.filter(order=order, picked_qty__gt=0)
        .select_related("pick_list__staging_location", "lot")
        .order_by("pk")
    )
    totes = {
        slot.pick_list_id: slot.tote
        for slot in PickListOrder.objects.filter(order=order, tote__isnull=False).select_related(
            "tote__location"
        )
    }
    grouped: dict[tuple[int, int | None], dict[tuple[int, int | None], list[Any]]] = defaultdict(
        dict
    )
    for pick in picks:
        tote = totes.get(pick.pick_list_id)
        location = (
            tote.location if tote is not None and tote.location else pick.pick_list.staging_location
        )
        key = (pick.order_line_id, pick.lot_id)
        where = (location.pk, tote.pk if tote else None)
        slot = grouped[key].setdefault(where, [location, tote, 0])
        slot[2] += pick.picked_qty
    packed: dict[tuple[int, int | None], int] = {
        (row["order_line_id"], row["lot_id"]): row["units"]
        for row in CartonLine.objects.filter(carton__order=order)
        .values("order_line_id", "lot_id")
        .annotate(units=Sum("quantity"))
    }
    lot_ids = {k[1] for k in [*grouped, *packed] if k[1]}
    lots: dict[int, Lot] = Lot.objects.in_bulk(list(lot_ids)) if lot_ids else {}
    rows = []
    for line in order.lines.select_related("product").order_by("line_number"):
        keys = sorted((k for k in grouped if k[0] == line.pk), key=lambda k: k[1] or 0)
        keys += [k for k in packed if k[0] == line.pk and k not in grouped]
        for key in keys:
            places = list(grouped.get(key, {}).values())
            picked = sum(p[2] for p in places)
            done = packed.get(key, 0)
            left_to_skip = done
            sources = []
            for location, tote, quantity in places:
                skip = min(left_to_skip, quantity)
                left_to_skip -= skip
                if quantity - skip:
                    sources.append(Source(location, tote, quantity - skip))
            rows.append(
                ToPack(
                    order_line=line,
                    product=line.product,
                    lot=lots.get(key[1]) if key[1] else None,
                    picked=picked,
                    packed=done,
                    sources=tuple(sources),
                )
            )
    return rows


def remaining_units(order: Order) -> int:
    return sum(row.remaining for row in to_pack(order))


def open_carton_of(order: Order) -> Carton | None:
    return (
        Carton.objects.filter(order=order, status=CartonStatus.OPEN)
        .select_related("box_type", "lpn", "pack_station")
        .order_by("number")
        .first()
    )


def weight_tolerance_percent(client_id: int) -> int:
    policy = ShippingPolicy.objects.filter(client_id=client_id).first()
    return policy.weight_tolerance_percent if policy else DEFAULT_WEIGHT_TOLERANCE_PERCENT


def expected_weight(carton: Carton) -> tuple[int, list[str]]:
    """The carton's expected gross weight (tare plus each unit's product weight) and the SKUs
    without a weight (whose units count as nothing)."""
    total = carton.tare_weight_g
    unknown = []
    for line in carton.lines.select_related("product"):
        if line.product.weight_g is None:
            unknown.append(line.product.sku)
        else:
            total += line.product.weight_g * line.quantity
    return total, sorted(set(unknown))


def may_override_weight(user: User) -> bool:
    """Only managers and admins close a carton whose weight is off, and they give a reason."""
    return getattr(user, "role", None) in (Role.ADMIN, Role.MANAGER)


def pack_stations(warehouse: Warehouse | int) -> list[Location]:
    warehouse_id: int = warehouse.pk if isinstance(warehouse, Warehouse) else warehouse
    return list(
        Location.objects.filter(warehouse_id=warehouse_id, kind=LocationKind.PACK_STATION)
        .exclude(is_blocked=True)
        .order_by("code")
    )


# --- Unpacking -----------------------------------------------------------------------------------


@dataclass
class UnpackBack:
    """Units of one balance key going back out of the carton to one place."""

    product: Product
    lot: Lot | None
    status: str
    to_location: Location
    to_lpn: Lpn | None
    quantity: int


def unpack_plan(carton: Carton) -> list[UnpackBack]:
    """The carton's pack moves, reversed and merged per destination: each unit goes back to the
    LPN it came out of (at that LPN's location now: a tote may have moved since) or, loose, to
    the place it was taken from."""
    moves = (
        StockMove.objects.filter(
            reason=Reason.PACK,
            reference_type=CARTON_REF,
            reference_id=str(carton.pk),
            to_lpn_id=carton.lpn_id,
        )
        .select_related("product", "lot", "from_location", "from_lpn__location")
        .order_by("pk")
    )
    merged: dict[tuple[Any, ...], UnpackBack] = {}
    for move in moves:
        source = move.from_lpn
        place = source.location if source is not None and source.location else move.from_location
        key = (move.product_id, move.lot_id, move.to_status, place.pk, move.from_lpn_id)
        if key in merged:
            merged[key].quantity += move.quantity
        else:
            merged[key] = UnpackBack(
                move.product, move.lot, move.to_status, place, source, move.quantity
            )
    return list(merged.values())


# --- Finding the order -------------------------------------------------------------------------


def find_order_to_pack(user: User, code: str, warehouse: Warehouse | None) -> Order:
    """The order a scan stands for, in the user's scope and warehouse: a tote bound to an order
    on a pick list, an order reference, or an LPN holding the order's stock (its carton, or a
    whole LPN picked for it). Raises PackRefused saying what was scanned and what was expected."""
    text = (code or "").strip()
    if not text:
        raise PackRefused("Expected a tote, order or LPN; nothing was scanned.", code="not_found")
    orders = picking_selectors.orders_for_user(user)
    if warehouse is not None:
        orders = orders.filter(warehouse=warehouse)
    lpns = Lpn.objects.filter(code__iexact=text)
    if warehouse is not None:
        lpns = lpns.filter(warehouse=warehouse)
    lpn = lpns.first()
    if lpn is not None:
        order = _order_of_lpn(lpn, orders)
        if order is None:
            raise PackRefused(
                f"{lpn.get_kind_display()} {lpn.code} holds no order waiting to be packed.",
                code="not_found",
            )
        return _packable(order)
    matches = list(orders.filter(reference__iexact=text)[:2])
    if len(matches) == 1:
        return _packable(matches[0])
    if len(matches) > 1:
        raise PackRefused(
            f"Several clients have an order {text}; scan its tote instead.", code="ambiguous"
        )
    where = f" in {warehouse.code}" if warehouse else ""
    raise PackRefused(
        f"Expected a tote, order reference or LPN{where}; scanned “{text}”.", code="not_found"
    )


def _order_of_lpn(lpn: Lpn, orders: QuerySet[Order]) -> Order | None:
    if lpn.kind == LpnKind.CARTON:
        carton = Carton.objects.filter(lpn=lpn).only("order_id").first()
        return orders.filter(pk=carton.order_id).first() if carton else None
    slot_orders = PickListOrder.objects.filter(tote=lpn).order_by("-pk").values("order_id")
    by_slot = orders.filter(pk__in=slot_orders, status__in=SHOWN_STATUSES).order_by("status", "-pk")
    order: Order | None = by_slot.first()
    if order is None:
        # The tote's latest order, whatever its status: the refusal then names it.
        order = orders.filter(pk__in=slot_orders).order_by("-pk").first()
    if order is None:
        picked = PickLine.objects.filter(lpn=lpn, picked_qty__gt=0).values("order_id")
        order = orders.filter(pk__in=picked, status__in=SHOWN_STATUSES).order_by("-pk").first()
    return order


def _packable(order: Order) -> Order:
    if order.status not in SHOWN_STATUSES:
        raise PackRefused(
            f"Order {order.reference} is {order.get_status_display().lower()}: only picked "
            "orders can be packed.",
            code="not_ready",
        )
    return order


# --- Proposal ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedCarton:
    box_code: str  # empty: the item ships in its own container
    box_name: str
    fill_percent: int
    weight_g: int
    contents: tuple[tuple[str, int], ...]  # (sku, units)

    @property
    def units(self) -> int:
        return sum(n for _, n in self.contents)


@dataclass(frozen=True)
class PackProposal:
    cartons: list[ProposedCarton] = field(default_factory=list)
    unfit: list[tuple[str, str]] = field(default_factory=list)  # (sku, why)
    without_dimensions: list[str] = field(default_factory=list)  # SKUs: the packer chooses
    box_types: list[BoxType] = field(default_factory=list)

    @property
    def box_count(self) -> int:
        return len(self.cartons)


def proposal_for(order: Order) -> PackProposal:
    """Boxes for what is still to pack: the cartonization engine over the client's allowed box
    types, fewest boxes then least volume, within weight limits; items that ship in their own
    container go alone. Products without dimensions or weight are named, not guessed."""
    boxes = list(selectors.box_types_for_client(order.client_id))
    units: dict[int, int] = defaultdict(int)
    products: dict[int, Product] = {}
    for row in to_pack(order):
        if row.remaining > 0:
            units[row.product.pk] += row.remaining
            products[row.product.pk] = row.product
    items = []
    without = []
    for pk, quantity in units.items():
        product = products[pk]
        dims = (product.length_mm, product.width_mm, product.height_mm, product.weight_g)
        if any(value is None or value <= 0 for value in dims[:3]) or product.weight_g is None:
            without.append(product.sku)
            continue
        items.append(
            cartonize.Item(
                sku=product.sku,
                length_mm=product.length_mm or 0,
                width_mm=product.width_mm or 0,
                height_mm=product.height_mm or 0,
                weight_g=product.weight_g,
                quantity=quantity,
                own_container=product.ships_in_own_container,
            )
        )
    result = cartonize.cartonize(items, selectors.cartonize_box_types(boxes))
    names = {box.code: box.name for box in boxes}
    cartons = []
    for carton in result.cartons:
        counts: dict[str, int] = defaultdict(int)
        for placement in carton.placements:
            counts[placement.sku] += 1
        code = carton.box.code if carton.box else ""
        cartons.append(
            ProposedCarton(
                box_code=code,
                box_name=names.get(code, "Own container"),
                fill_percent=round(carton.fill_rate * 100),
                weight_g=carton.weight_g,
                contents=tuple(sorted(counts.items())),
            )
        )
    return PackProposal(
        cartons=cartons,
        unfit=[(item.sku, why) for item, why in result.unpacked],
        without_dimensions=sorted(without),
        box_types=boxes,
    )


def cartons_for_user(user: User) -> QuerySet[Carton]:
    """Cartons in the user's scope: an operator's warehouses, a client user's client."""
    rows = Carton.objects.select_related("order", "lpn", "box_type", "pack_station")
    if user.role == Role.OPERATOR:
        rows = rows.filter(warehouse_id__in=warehouse_ids_for(user))
    elif user.role == Role.CLIENT:
        rows = rows.filter(client_id=client_id_of(user))
    return rows


def get_carton_for_user(user: User, pk: int) -> Carton | None:
    return cartons_for_user(user).filter(pk=pk).first()


def order_cartons(order: Order) -> list[Carton]:
    return list(
        Carton.objects.filter(order=order)
        .select_related("box_type", "lpn")
        .prefetch_related("lines__product", "lines__lot")
        .order_by("number")
    )


def order_shipments(order: Order) -> list[Shipment]:
    return list(
        Shipment.objects.filter(order=order).select_related("carton").order_by("carton__number")
    )


# A shipment in these states will change without anyone at the pack station doing anything.
SHIPMENT_IN_FLIGHT = frozenset({ShipmentStatus.RATING, ShipmentStatus.RATED})


def shipments_in_flight(shipments: list[Shipment]) -> bool:
    """True while a label is still being bought, or is bought but its file not yet stored (the
    task records the purchase first and fetches the PDF after), so the packer's table keeps
    refreshing until the label can be printed."""
    return any(
        s.status in SHIPMENT_IN_FLIGHT
        or (s.status == ShipmentStatus.LABEL_PURCHASED and not s.label_pdf)
        for s in shipments
    )
