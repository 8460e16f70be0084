"""Packing at a pack station: find the order a scanned tote, order reference or LPN stands for,
list what is still to pack and where it lies, propose boxes, open a carton (an LPN labelled with
an SSCC), pack scanned items into it and close it on the scale.

Every write is the outermost transaction and locks in one order: the order row, then the
carton row, then (through inventory.services.ledger) the balances. A refused scan or close
raises PackRefused and writes nothing. Events: `carton.opened`, `carton.item_packed` and
`carton.packed` (billing prices pack fees, boxes and materials from the last); when the last
carton of an order closes the order becomes packed and each carton gets its carrier shipment."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from inventory import lifecycle
from inventory.events import emit
from inventory.gs1 import sscc_for
from inventory.models import Location, LocationKind, Lpn, LpnKind, Product, Reason
from inventory.selectors import find_product_by_code
from inventory.services import ledger
from picking.models import Order, OrderStatus
from picking.services.orders import lock_order, transition
from shipping import selectors
from shipping.exceptions import PackRefused
from shipping.models import (
    CARTON_LIFECYCLE,
    BoxType,
    Carton,
    CartonLine,
    CartonStatus,
    PackagingMaterial,
    Shipment,
)
from shipping.selectors.packing import (
    CARTON_REF,
    PackProposal,
    ToPack,
    expected_weight,
    find_order_to_pack,
    may_override_weight,
    open_carton_of,
    proposal_for,
    remaining_units,
    to_pack,
    weight_tolerance_percent,
)
from shipping.services.shipments import open_shipment
from wms.idempotency.services import AS_JSON, Codec, dataclass_codec, idempotent, model_codec
from wms.quantities import is_count

if TYPE_CHECKING:
    from wms.accounts.models import User

# The pack station's reads live in shipping.selectors.packing; the names the pack pages and API use
# are re-exported here with the services that use them.
__all__ = [
    "BoxDims",
    "CloseResult",
    "MaterialUse",
    "PackProposal",
    "PackResult",
    "close_carton",
    "find_order_to_pack",
    "open_carton",
    "pack_item",
    "proposal_for",
    "to_pack",
]


# --- Opening a carton --------------------------------------------------------------------------


@dataclass(frozen=True)
class BoxDims:
    """A box not in the catalog (or a product's own container): inner size and empty weight."""

    length_mm: int
    width_mm: int
    height_mm: int
    tare_weight_g: int = 0


def _lock_carton(pk: int) -> Carton:
    return Carton.objects.select_for_update().select_related("lpn", "pack_station").get(pk=pk)


def _check_station(order: Order, pack_station: Location | None) -> Location:
    if (
        pack_station is None
        or pack_station.kind != LocationKind.PACK_STATION
        or pack_station.warehouse_id != order.warehouse_id
    ):
        got = pack_station.code if pack_station else "none"
        raise PackRefused(
            f"Choose a pack station of {order.warehouse.code}; got {got}.",
            code="wrong_station",
            field_errors={"pack_station": ["Not a pack station of this warehouse."]},
        )
    return pack_station


def _carton_lpn(order: Order, station: Location) -> Lpn:
    """A new carton LPN whose code is an SSCC-18: the company prefix and, as serial, the LPN's
    own primary key (receiving.label_data.sscc_of_lpn's rule, so its label prints that code)."""
    lpn = Lpn.objects.create(
        code=f"NEW-{secrets.token_hex(8)}",
        kind=LpnKind.CARTON,
        warehouse_id=order.warehouse_id,
        location=station,
    )
    lpn.code = sscc_for(0, settings.GS1_COMPANY_PREFIX, lpn.pk)
    lpn.save(update_fields=["code"])
    return lpn


@idempotent("pack.open_carton", result=model_codec(Carton, "lpn", "box_type"))
def open_carton(
    *,
    order: Order,
    box_type: BoxType | None = None,
    pack_station: Location | None,
    user: User,
    dims: BoxDims | None = None,
    idempotency_key: str | None = None,
) -> Carton:
    """Opens the order's next carton at a pack station: a catalog box the client may use, or
    given dimensions. One carton is open at a time per order, and only while units wait."""
    if box_type is None and dims is None:
        raise PackRefused("Choose a box type or give the box's dimensions.", code="no_box")
    with transaction.atomic():
        locked = lock_order(order)
        if locked.status != OrderStatus.PICKED:
            raise PackRefused(
                f"Order {locked.reference} is {locked.get_status_display().lower()}; only a "
                "picked order is packed.",
                code="not_ready",
            )
        station = _check_station(locked, pack_station)
        current = open_carton_of(locked)
        if current is not None:
            raise PackRefused(
                f"Carton {current.number} of order {locked.reference} is still open; close it "
                "first.",
                code="carton_open",
            )
        if remaining_units(locked) <= 0:
            raise PackRefused(
                f"Everything of order {locked.reference} is packed.", code="nothing_to_pack"
            )
        if box_type is not None:
            allowed = selectors.box_types_for_client(locked.client_id).filter(pk=box_type.pk)
            if not allowed.exists():
                raise PackRefused(
                    f"Box {box_type.code} is not one {locked.client.name} may ship in.",
                    code="wrong_box",
                    field_errors={"box_type": ["Not allowed for this client."]},
                )
            size = BoxDims(
                box_type.inner_length_mm,
                box_type.inner_width_mm,
                box_type.inner_height_mm,
                box_type.tare_weight_g,
            )
        else:
            assert dims is not None
            if min(dims.length_mm, dims.width_mm, dims.height_mm) <= 0 or dims.tare_weight_g < 0:
                raise PackRefused(
                    "Box dimensions must be above zero and the tare not negative.",
                    code="invalid_dims",
                )
            size = dims
        # A discarded carton's number goes to the next carton (see Carton.Meta).
        number = (
            Carton.objects.filter(order=locked)
            .exclude(status=CartonStatus.DISCARDED)
            .order_by("-number")
            .values_list("number", flat=True)
        ).first() or 0
        carton = Carton.objects.create(
            order=locked,
            warehouse_id=locked.warehouse_id,
            client_id=locked.client_id,
            lpn=_carton_lpn(locked, station),
            number=number + 1,
            box_type=box_type,
            length_mm=size.length_mm,
            width_mm=size.width_mm,
            height_mm=size.height_mm,
            tare_weight_g=size.tare_weight_g,
            pack_station=station,
            packed_by=user,
        )
        emit(
            "carton.opened",
            client_id=locked.client_id,
            warehouse_id=locked.warehouse_id,
            payload={
                "carton_id": carton.pk,
                "order_id": locked.pk,
                "order": locked.reference,
                "number": carton.number,
                "sscc": carton.lpn.code,
                "box_type": box_type.code if box_type else None,
                "pack_station": station.code,
            },
            user=user,
        )
        return carton


# --- Packing an item ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PackResult:
    carton_id: int
    sku: str
    lot: str
    quantity: int
    remaining_of_item: int
    remaining_in_order: int
    message: str


def _refuse_item(order: Order, rows: list[ToPack], code: str, found: Product | None) -> None:
    waiting = sorted({r.product.sku for r in rows if r.remaining > 0})
    expected = ", ".join(waiting) or "nothing (all packed)"
    scanned = f"{found.sku} ({found.name})" if found else f"“{code}”"
    raise PackRefused(
        f"Wrong item: {scanned} is not on order {order.reference}; expected {expected}.",
        code="wrong_item",
        field_errors={"code": [f"Scan one of: {expected}."]},
    )


@idempotent(
    "pack.item",
    result=dataclass_codec(PackResult),
    payload=lambda carton, code, quantity, lot: {
        "carton": carton.pk,
        "code": (code or "").strip(),
        "quantity": quantity,
        "lot": (lot or "").strip(),
    },
)
def pack_item(
    *,
    user: User,
    carton: Carton,
    code: str,
    quantity: int = 1,
    lot: str = "",
    idempotency_key: str | None = None,
) -> PackResult:
    """Packs scanned units into an open carton: a move from where they wait (staging, the tote)
    to the carton at its pack station, reason pack, and the carton line. A wrong item, a unit
    more than is left to pack, a wrong or missing lot, or a closed carton is refused and nothing
    is written. A repeat with the same idempotency key returns the first result."""
    text = (code or "").strip()
    lot_number = (lot or "").strip()
    with transaction.atomic():
        order = lock_order(carton.order_id)
        locked = _lock_carton(carton.pk)
        if locked.status != CartonStatus.OPEN:
            raise PackRefused(
                f"Carton {locked.number} is {locked.get_status_display().lower()}; open a new "
                "carton to pack more.",
                code="carton_closed",
            )
        if not is_count(quantity):
            raise PackRefused(
                f"Pack a whole number above zero; got {quantity!r}.", code="invalid_quantity"
            )
        rows = to_pack(order)
        # The same scan meanings as receiving: a barcode of the client (a case code with its
        # pack quantity), a GTIN in another spelling, or a SKU.
        scanned = find_product_by_code(order.client, text) if text else None
        if scanned is None:
            _refuse_item(order, rows, text or "nothing", None)
        assert scanned is not None
        product, per_scan = scanned.product, scanned.pack_quantity
        mine = [r for r in rows if r.product.pk == product.pk]
        if not mine:
            _refuse_item(order, rows, text, product)
        units = quantity * per_scan
        waiting = [r for r in mine if r.remaining > 0]
        if product.is_lot_tracked or lot_number:
            expected_lots = sorted({r.lot_number for r in waiting if r.lot_number})
            if not lot_number and product.is_lot_tracked:
                raise PackRefused(
                    f"{product.sku} is lot-tracked: scan the lot "
                    f"({', '.join(expected_lots) or 'none left'}).",
                    code="wrong_lot",
                    field_errors={"lot": ["Scan the lot."]},
                )
            if lot_number not in expected_lots:
                expected_text = ", ".join(expected_lots) or "no lot left to pack"
                raise PackRefused(
                    f"Wrong lot: {product.sku} lot {lot_number} is not on order "
                    f"{order.reference}; expected {expected_text}.",
                    code="wrong_lot",
                    field_errors={"lot": [f"Expected {expected_text}."]},
                )
            waiting = [r for r in waiting if r.lot_number == lot_number]
        left = sum(r.remaining for r in waiting)
        if units > left:
            what = product.sku + (f" lot {lot_number}" if lot_number else "")
            raise PackRefused(
                f"Extra unit: {left} of {what} left to pack on order {order.reference}; "
                f"this scan is {units}.",
                code="too_many",
                field_errors={"quantity": [f"At most {left}."]},
            )
        _take(user, locked, waiting, units)
        remaining = left - units
        in_order = sum(r.remaining for r in rows) - units
        emit(
            "carton.item_packed",
            client_id=order.client_id,
            warehouse_id=order.warehouse_id,
            payload={
                "carton_id": locked.pk,
                "order_id": order.pk,
                "order": order.reference,
                "sscc": locked.lpn.code,
                "sku": product.sku,
                "lot": lot_number or None,
                "quantity": units,
                "pack_station": locked.pack_station.code,
            },
            user=user,
        )
        return PackResult(
            carton_id=locked.pk,
            sku=product.sku,
            lot=lot_number,
            quantity=units,
            remaining_of_item=remaining,
            remaining_in_order=in_order,
            message=f"Packed {units} x {product.sku}"
            + (f" lot {lot_number}" if lot_number else "")
            + f" into carton {locked.number}; {remaining} more of it, {in_order} in the order.",
        )


@dataclass(frozen=True)
class ItemScan:
    """One scanned item to pack (a barcode or SKU), with its quantity and lot."""

    code: str
    quantity: int = 1
    lot: str = ""


@dataclass(frozen=True)
class NewCarton:
    """The carton to open for a pack: at a pack station, a catalog box or given dimensions."""

    pack_station: Location
    box_type: BoxType | None = None
    dims: BoxDims | None = None


@transaction.atomic
@idempotent(
    "pack.carton",
    result=Codec(dump=list, load=lambda stored: (int(stored[0]), bool(stored[1]))),
)
def pack_carton(
    *,
    user: User,
    order: Order,
    carton: Carton | None,
    new_carton: NewCarton | None,
    items: Sequence[ItemScan],
    idempotency_key: str | None = None,
) -> tuple[int, bool]:
    """Packs the items into the open `carton`, or opens `new_carton` and packs them into it, all
    or nothing: one wrong item, lot or extra unit refuses the lot and not even the carton is
    written. Returns the carton's primary key and whether it was opened here."""
    if carton is not None and carton.order_id != order.pk:
        raise PackRefused(
            f"Carton {carton.pk} belongs to another order.",
            code="wrong_carton",
            field_errors={"carton_id": ["Not a carton of this order."]},
        )
    if carton is None:
        if new_carton is None:
            raise PackRefused("Give an open carton or the carton to open.", code="no_box")
        carton = open_carton(
            order=order,
            box_type=new_carton.box_type,
            dims=new_carton.dims,
            pack_station=new_carton.pack_station,
            user=user,
        )
        created = True
    else:
        created = False
    for item in items:
        pack_item(user=user, carton=carton, code=item.code, quantity=item.quantity, lot=item.lot)
    return carton.pk, created


def _take(user: User, carton: Carton, rows: list[ToPack], units: int) -> None:
    """Moves `units` from the rows' sources, first row and first source first, into the carton
    and adds them to the carton's lines."""
    left = units
    for row in rows:
        if left == 0:
            break
        from_row = min(left, row.remaining)
        if from_row == 0:
            continue
        need = from_row
        for source in row.sources:
            if need == 0:
                break
            step = min(need, source.quantity)
            ledger.move(
                user=user,
                product=row.product,
                quantity=step,
                from_location=source.location,
                to_location=carton.pack_station,
                lot=row.lot,
                from_lpn=source.tote,
                to_lpn=carton.lpn,
                reason=Reason.PACK,
                reference_type=CARTON_REF,
                reference_id=str(carton.pk),
            )
            need -= step
        if need:
            raise PackRefused(
                f"The picks of {row.product.sku} cannot be found where they were put; ask a "
                "manager to check the staging place.",
                code="stock_missing",
            )
        line, created = CartonLine.objects.select_for_update().get_or_create(
            carton=carton,
            order_line=row.order_line,
            lot=row.lot,
            defaults={"product": row.product, "quantity": from_row},
        )
        if not created:
            CartonLine.objects.filter(pk=line.pk).update(quantity=F("quantity") + from_row)
        left -= from_row


# --- Closing a carton --------------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialUse:
    code: str
    quantity: int = 1


@dataclass(frozen=True)
class CloseResult:
    carton: Carton
    expected_weight_g: int
    order_packed: bool
    shipments: list[Shipment]
    message: str


def _materials(uses: Iterable[MaterialUse | str]) -> list[dict[str, Any]]:
    wanted: dict[str, int] = defaultdict(int)
    for use in uses:
        item = MaterialUse(use) if isinstance(use, str) else use
        if not item.code.strip():
            continue
        if not isinstance(item.quantity, int) or item.quantity <= 0:
            raise PackRefused(
                f"Material {item.code}: a whole quantity above zero.",
                code="invalid_material",
                field_errors={"materials": [f"{item.code}: quantity above zero."]},
            )
        wanted[item.code.strip().upper()] += item.quantity
    if not wanted:
        return []
    # The catalog is a handful of rows: match codes in any case without a regex.
    rows = {m.code.upper(): m for m in PackagingMaterial.objects.filter(is_active=True)}
    unknown = sorted(set(wanted) - set(rows))
    if unknown:
        raise PackRefused(
            f"No active packaging material {', '.join(unknown)}.",
            code="invalid_material",
            field_errors={"materials": [f"Unknown: {', '.join(unknown)}."]},
        )
    return [
        {
            "code": rows[code].code,
            "quantity": quantity,
            "cost": str(rows[code].cost),
            "currency": rows[code].currency,
        }
        for code, quantity in sorted(wanted.items())
    ]


def close_carton(
    *,
    user: User,
    carton: Carton,
    weight_g: int,
    materials: Sequence[MaterialUse | str] = (),
    override_reason: str = "",
    idempotency_key: str | None = None,
) -> CloseResult:
    """Closes an open carton with its weighed gross weight, checked against the expected weight
    (tare plus product weights) within the client's tolerance; outside it only a manager closes,
    with a reason. Writes `carton.packed` for billing. When nothing is left to pack and no carton
    is open the order becomes packed and every carton gets its shipment (rated after commit)."""
    pk = _close(
        user=user,
        carton=carton,
        weight_g=weight_g,
        materials=[MaterialUse(m) if isinstance(m, str) else m for m in materials],
        override_reason=(override_reason or "").strip(),
        idempotency_key=idempotency_key,
    )
    closed = Carton.objects.select_related("order", "lpn", "box_type").get(pk=pk)
    expected, _ = expected_weight(closed)
    shipments = list(Shipment.objects.filter(order_id=closed.order_id).order_by("carton__number"))
    packed = closed.order.status == OrderStatus.PACKED
    message = f"Carton {closed.number} closed at {closed.weight_g} g."
    if packed:
        message += f" Order {closed.order.reference} is packed; labels are being bought."
    return CloseResult(closed, expected, packed, shipments, message)


@idempotent("pack.close_carton", result=AS_JSON)
def _close(
    *,
    user: User,
    carton: Carton,
    weight_g: int,
    materials: list[MaterialUse],
    override_reason: str,
    idempotency_key: str | None,
) -> int:
    """close_carton's writes, once per idempotency key; returns the carton's primary key."""
    reason = override_reason
    with transaction.atomic():
        order = lock_order(carton.order_id)
        locked = _lock_carton(carton.pk)
        if locked.status != CartonStatus.OPEN:
            raise PackRefused(
                f"Carton {locked.number} is already {locked.get_status_display().lower()}.",
                code="carton_closed",
            )
        if not is_count(weight_g):
            raise PackRefused(
                f"Weigh the carton: a whole number of grams above zero; got {weight_g!r}.",
                code="invalid_weight",
                field_errors={"weight_g": ["Grams above zero."]},
            )
        lines = list(locked.lines.select_related("product", "lot"))
        if not lines:
            raise PackRefused(
                f"Carton {locked.number} is empty: pack an item before closing it.",
                code="empty_carton",
            )
        expected, unknown = expected_weight(locked)
        tolerance = weight_tolerance_percent(order.client_id)
        deviation = abs(weight_g - expected)
        outside = not unknown and deviation * 100 > expected * tolerance
        if outside and not (reason and may_override_weight(user)):
            low, high = (
                expected - expected * tolerance // 100,
                expected + expected * tolerance // 100,
            )
            who = "" if may_override_weight(user) else " A manager may close it with a reason."
            raise PackRefused(
                f"Weight check failed: the carton weighs {weight_g} g, expected {expected} g "
                f"(±{tolerance}%: {low} to {high} g). Check the contents and weigh again.{who}",
                code="weight_mismatch",
                field_errors={"weight_g": [f"Expected {expected} g ±{tolerance}%."]},
            )
        used = _materials(materials)
        units = sum(line.quantity for line in lines)
        lifecycle.transition(
            CARTON_LIFECYCLE,
            locked,
            CartonStatus.CLOSED,
            user=user,
            changes={"weight_g": weight_g, "packed_by": user},
            payload={
                "order": order.reference,
                "number": locked.number,
                "sscc": locked.lpn.code,
                "box_type": locked.box_type.code if locked.box_type else None,
                # What the box cost, for billing's boxes-at-cost-plus-markup (none: own box).
                "box_cost": str(locked.box_type.cost) if locked.box_type else None,
                "box_currency": locked.box_type.currency if locked.box_type else None,
                "dimensions_mm": [locked.length_mm, locked.width_mm, locked.height_mm],
                "tare_weight_g": locked.tare_weight_g,
                "weight_g": weight_g,
                "expected_weight_g": expected,
                "tolerance_percent": tolerance,
                "products_without_weight": unknown,
                "override_reason": reason if outside else None,
                "materials": used,
                "units": units,
                "lines": [
                    {
                        "sku": line.product.sku,
                        "lot": line.lot.number if line.lot else None,
                        "quantity": line.quantity,
                    }
                    for line in lines
                ],
                "pack_station": locked.pack_station.code,
            },
        )
        if remaining_units(order) == 0 and open_carton_of(order) is None:
            _finish_order(user, order)
        return locked.pk


def _finish_order(user: User, order: Order) -> None:
    cartons = list(
        Carton.objects.filter(order=order, status=CartonStatus.CLOSED)
        .select_for_update()
        .order_by("number")
    )
    transition(
        order,
        OrderStatus.PACKED,
        user,
        payload={
            "cartons": len(cartons),
            "units": sum(
                CartonLine.objects.filter(carton__order=order).values_list("quantity", flat=True)
            ),
        },
    )
    for carton in cartons:
        if not Shipment.objects.filter(carton=carton).exists():
            open_shipment(carton, user)
