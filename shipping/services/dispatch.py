"""The last steps on the floor: a carton scanned onto the truck at the ship dock, and the
end-of-day manifest (EasyPost scan form) per carrier.

`ship_carton` locks the order first, then the shipment: two cartons of one order scanned at the
same moment are serialised, so exactly one of the scans sees the order's last carton and ships
the order."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from inventory import lifecycle
from inventory.events import emit
from inventory.models import Location, LocationKind, Lpn, Reason, Warehouse
from inventory.services import ledger
from picking.models import OrderStatus
from picking.services.orders import lock_order
from picking.services.orders import transition as order_transition
from shipping import carrier
from shipping.exceptions import ShipmentRefused
from shipping.models import (
    CARTON_LIFECYCLE,
    Carton,
    CartonStatus,
    Manifest,
    Shipment,
    ShipmentStatus,
)
from shipping.services.shipments import transition
from wms.idempotency.services import Codec, idempotent, model_codec

if TYPE_CHECKING:
    from wms.accounts.models import User

SHIPMENT_REF = "shipment"
# A GS1-128 SSCC scan reads "00" + 18 digits (sometimes with the AI in brackets).
SSCC_SCAN = re.compile(r"^\(?00\)?(\d{18})$")
MANIFEST_STATUSES = (ShipmentStatus.LABEL_PURCHASED, ShipmentStatus.SHIPPED)


@dataclass(frozen=True)
class ShipResult:
    shipment: Shipment
    order_shipped: bool
    cartons_left: int

    @classmethod
    def of(cls, shipment: Shipment) -> ShipResult:
        """The result as it stands for a shipment that was loaded (a repeated scan's answer)."""
        left = Carton.objects.filter(order_id=shipment.order_id).exclude(
            status=CartonStatus.SHIPPED
        )
        return cls(shipment, shipment.order.status == OrderStatus.SHIPPED, left.count())

    @property
    def message(self) -> str:
        carton = self.shipment.carton
        text = (
            f"Carton {carton.number} of order {self.shipment.order.reference} loaded "
            f"({self.shipment.carrier} {self.shipment.tracking_code})."
        )
        if self.order_shipped:
            return f"{text} Order {self.shipment.order.reference} has shipped."
        return f"{text} {self.cartons_left} more carton(s) of this order to load."


def lpn_codes_for_scan(code: str) -> list[str]:
    """The LPN codes a scan may name: as scanned, and the bare SSCC of a GS1 (00) scan."""
    code = code.strip()
    codes = [code]
    if match := SSCC_SCAN.match(code):
        codes.append(match[1])
    return codes


@idempotent(
    "floor.ship",
    result=Codec(
        dump=lambda result: result.shipment.pk,
        load=lambda pk: ShipResult.of(Shipment.objects.select_related("order").get(pk=pk)),
    ),
)
def ship_carton(
    *, user: User, code: str, ship_dock: Location, idempotency_key: str | None = None
) -> ShipResult:
    """Loads the scanned carton: moves its LPN to the ship dock and marks carton and shipment
    shipped (`shipment.shipped`). When it is the order's last carton, every carton's stock leaves
    for the customer location (reason ship), and the order (packed) becomes shipped
    (`order.shipped`). Refused, with nothing written, without a bought label, when voided or
    already shipped, or at another warehouse's dock."""
    if ship_dock.kind != LocationKind.SHIP_DOCK:
        raise ShipmentRefused(
            f"{ship_dock.code} is a {ship_dock.get_kind_display().lower()}, not a ship dock: "
            "choose the dock you are loading at."
        )
    carton = _carton_for_scan(code)
    with transaction.atomic():
        order = lock_order(carton.order_id)
        shipment = (
            Shipment.objects.select_for_update()
            .select_related("carton", "carton__lpn", "order")
            .filter(carton_id=carton.pk)
            .first()
        )
        _check_shippable(carton, shipment, ship_dock, code)
        assert shipment is not None
        lpn = shipment.carton.lpn
        if lpn.location_id != ship_dock.pk:
            ledger.move_lpn(
                user=user,
                lpn=lpn,
                to_location=ship_dock,
                reason=Reason.SHIP,
                reference_type=SHIPMENT_REF,
                reference_id=str(shipment.pk),
            )
        now = timezone.now()
        shipment.shipped_at = now
        shipment.save(update_fields=["shipped_at"])
        transition(
            shipment,
            ShipmentStatus.SHIPPED,
            user,
            carton_id=carton.pk,
            tracking_code=shipment.tracking_code,
            ship_dock=ship_dock.code,
        )
        lifecycle.transition(
            CARTON_LIFECYCLE,
            carton,
            CartonStatus.SHIPPED,
            user=user,
            payload={"tracking_code": shipment.tracking_code, "ship_dock": ship_dock.code},
        )
        cartons = list(Carton.objects.filter(order_id=order.pk).select_related("lpn"))
        left = [c for c in cartons if c.status != CartonStatus.SHIPPED and c.pk != carton.pk]
        order_shipped = not left
        if order_shipped:
            _ship_order(user, order, cartons)
        shipment.order = order
    return ShipResult(shipment=shipment, order_shipped=order_shipped, cartons_left=len(left))


def _carton_for_scan(code: str) -> Carton:
    codes = lpn_codes_for_scan(code)
    lpn = Lpn.objects.filter(code__in=codes).first()
    carton = Carton.objects.select_related("order", "lpn").filter(lpn=lpn).first() if lpn else None
    if carton is None:
        raise ShipmentRefused(
            f"“{code.strip()}” is not a packed carton: scan the carton's shipping label (its "
            "SSCC / LPN barcode)."
        )
    return carton


def _check_shippable(
    carton: Carton, shipment: Shipment | None, ship_dock: Location, code: str
) -> None:
    label = f"Carton {carton.number} of order {carton.order.reference}"
    if carton.warehouse_id != ship_dock.warehouse_id:
        raise ShipmentRefused(
            f"{label} belongs to another warehouse, not the one of dock {ship_dock.code}. "
            "Do not load it here."
        )
    if shipment is None or carton.status == CartonStatus.OPEN:
        raise ShipmentRefused(f"{label} is not closed and has no label yet. Pack it first.")
    status = shipment.status
    if status == ShipmentStatus.SHIPPED:
        raise ShipmentRefused(
            f"{label} has already shipped (tracking {shipment.tracking_code}). Do not load it "
            "twice."
        )
    if status == ShipmentStatus.VOIDED:
        raise ShipmentRefused(
            f"{label}: its label was voided. Do not load it: a manager must rate it again."
        )
    if status == ShipmentStatus.NEEDS_ATTENTION:
        raise ShipmentRefused(
            f"{label} has no label: it needs attention ({shipment.attention_message}). Set it "
            "aside for a manager."
        )
    if status != ShipmentStatus.LABEL_PURCHASED:
        raise ShipmentRefused(
            f"{label} has no label yet (still {shipment.get_status_display().lower()}). Wait "
            "for the label and scan again."
        )
    if shipment.refund_status:
        raise ShipmentRefused(
            f"{label}: its label is being voided ({shipment.refund_status}). Do not load it."
        )


def _ship_order(user: Any, order: Any, cartons: list[Carton]) -> None:
    if order.status != OrderStatus.PACKED:
        # Refused loudly; the caller's transaction rolls the carton back too.
        raise ShipmentRefused(
            f"Order {order.reference} is {order.get_status_display().lower()}, not packed: "
            "its last carton cannot ship until the order is packed."
        )
    for carton in sorted(cartons, key=lambda c: c.pk):
        ledger.ship_lpn(
            user=user,
            lpn=carton.lpn,
            reference_type=SHIPMENT_REF,
            reference_id=str(carton.order_id),
        )
    order_transition(order, OrderStatus.SHIPPED, user, payload={"cartons": len(cartons)})


# --- Manifests ---------------------------------------------------------------------------------


def day_bounds(warehouse: Warehouse, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The warehouse's local day as an aware [start, end) interval."""
    zone = zoneinfo.ZoneInfo(warehouse.time_zone or "UTC")
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def manifestable(warehouse: Warehouse, carrier_name: str, day: dt.date) -> Any:
    """The day's bought (or shipped) shipments of one carrier at one warehouse that are on no
    manifest yet and not being refunded."""
    start, end = day_bounds(warehouse, day)
    return Shipment.objects.filter(
        warehouse=warehouse,
        carrier__iexact=carrier_name.strip(),
        status__in=MANIFEST_STATUSES,
        manifest__isnull=True,
        refund_status="",
        purchased_at__gte=start,
        purchased_at__lt=end,
    ).order_by("pk")


@idempotent("manifest.create", result=model_codec(Manifest, "warehouse"), holds_transaction=False)
def create_manifest(
    *,
    warehouse: Warehouse,
    carrier_name: str,
    day: dt.date,
    user: User,
    idempotency_key: str | None = None,
) -> Manifest:
    """Asks EasyPost for the scan form of the day's shipments of one carrier, stores it with its
    PDF and links the shipments (`manifest.created`). Refused when there is none. The network
    calls run before the transaction; the shipments are then linked under their locks, and one
    a concurrent manifest took meanwhile is left on that one."""
    candidates = list(manifestable(warehouse, carrier_name, day).values_list("pk", "easypost_id"))
    if not candidates:
        raise ShipmentRefused(
            f"No {carrier_name} shipments of {warehouse.code} on {day:%Y-%m-%d} are waiting for "
            "a manifest."
        )
    form = carrier.create_scan_form([easypost_id for _, easypost_id in candidates])
    pdf = carrier.fetch_document(form.form_url) if form.form_url else b""
    with transaction.atomic():
        locked = list(
            Shipment.objects.select_for_update()
            .filter(pk__in=[pk for pk, _ in candidates], manifest__isnull=True)
            .order_by("pk")
        )
        manifest = Manifest.objects.create(
            warehouse=warehouse,
            carrier=locked[0].carrier if locked else carrier_name.strip(),
            date=day,
            easypost_id=form.id,
            form_pdf=pdf,
            created_by=user if getattr(user, "pk", None) else None,
        )
        Shipment.objects.filter(pk__in=[s.pk for s in locked]).update(manifest=manifest)
        emit(
            "manifest.created",
            client_id=None,
            warehouse_id=warehouse.pk,
            payload={
                "manifest_id": manifest.pk,
                "carrier": manifest.carrier,
                "date": day.isoformat(),
                "shipments": [s.pk for s in locked],
                "tracking_codes": list(form.tracking_codes),
            },
            user=user,
        )
    return manifest
