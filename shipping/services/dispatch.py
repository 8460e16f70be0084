"""The last steps on the floor: a carton scanned onto the truck at the ship dock, and the
end-of-day manifest (EasyPost scan form) per carrier.

`ship_carton` locks the order first, then the shipment: two cartons of one order scanned at the
same moment are serialised, so exactly one of the scans sees the order's last carton and ships
the order."""

from __future__ import annotations

import datetime as dt
import logging
import re
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inventory import lifecycle
from inventory.events import emit
from inventory.models import Location, LocationKind, Lpn, Reason, Warehouse
from inventory.services import ledger
from picking.models import OrderStatus
from picking.services.orders import lock_order
from picking.services.orders import transition as order_transition
from shipping import carrier
from shipping.exceptions import (
    CarrierError,
    CarrierRejected,
    CarrierRetryable,
    ShipmentRefused,
)
from shipping.models import (
    CARTON_LIFECYCLE,
    MANIFEST_LIFECYCLE,
    Carton,
    CartonStatus,
    Manifest,
    ManifestStatus,
    Shipment,
    ShipmentStatus,
)
from shipping.services.rating import backoff_seconds
from shipping.services.shipments import send_after_commit, transition
from wms.idempotency.services import Codec, idempotent, model_codec

if TYPE_CHECKING:
    from wms.accounts.models import User

logger = logging.getLogger(__name__)

SHIPMENT_REF = "shipment"
# Sent by name: shipping.tasks imports this module.
FETCH_FORM_TASK = "shipping.fetch_scan_form"
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
            status__in=(CartonStatus.SHIPPED, CartonStatus.DISCARDED)
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
        cartons = list(
            Carton.objects.filter(order_id=order.pk)
            .exclude(status=CartonStatus.DISCARDED)
            .select_related("lpn")
        )
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


def _ship_order(user: User, order: Any, cartons: list[Carton]) -> None:
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


class FormNotReady(CarrierRetryable):
    """EasyPost is still creating the scan form (no form URL yet): ask again later."""


@idempotent("manifest.create", result=model_codec(Manifest, "warehouse"), holds_transaction=False)
def create_manifest(
    *,
    warehouse: Warehouse,
    carrier_name: str,
    day: dt.date,
    user: User,
    idempotency_key: str | None = None,
) -> Manifest:
    """The end-of-day manifest of one carrier's shipments bought that day at one warehouse.
    The shipments are claimed on a new manifest first (committed, under their locks: a
    concurrent manifest of the same day finds none left), then EasyPost is asked for the scan
    form, so a crash after EasyPost made it leaves a requested manifest that the reconcile sweep
    completes, never a form nobody recorded. EasyPost's refusal undoes the claim (nothing
    written) and is raised. When EasyPost does not answer, or answers "creating", or its PDF
    cannot be fetched yet, the manifest waits and a task (shipping.fetch_scan_form) finishes it."""
    with transaction.atomic():
        locked = list(manifestable(warehouse, carrier_name, day).select_for_update())
        if not locked:
            raise ShipmentRefused(
                f"No {carrier_name} shipments of {warehouse.code} on {day:%Y-%m-%d} are waiting "
                "for a manifest."
            )
        manifest = Manifest.objects.create(
            warehouse=warehouse,
            carrier=locked[0].carrier,
            date=day,
            created_by=user if getattr(user, "pk", None) else None,
        )
        Shipment.objects.filter(pk__in=[s.pk for s in locked]).update(manifest=manifest)
    try:
        form = carrier.create_scan_form([s.easypost_id for s in locked])
    except CarrierRejected:
        _forget_manifest(manifest.pk)
        raise
    except CarrierRetryable as exc:
        send_form_task(manifest.pk, f"EasyPost did not answer the scan form request: {exc}")
        return Manifest.objects.get(pk=manifest.pk)
    try:
        _settle_form(manifest.pk, form, user)
    except CarrierError as exc:  # still creating, or its PDF not fetched yet
        send_form_task(manifest.pk, exc.message)
    return Manifest.objects.get(pk=manifest.pk)


def _forget_manifest(manifest_id: int) -> None:
    """Undoes a claim EasyPost refused: the shipments wait for a manifest again."""
    with transaction.atomic():
        Shipment.objects.filter(manifest_id=manifest_id).update(manifest=None)
        Manifest.objects.filter(pk=manifest_id, status=ManifestStatus.REQUESTED).delete()


def send_form_task(manifest_id: int, why: str) -> None:
    """Leaves the manifest to its task, sent after commit with the first backoff's countdown
    (EasyPost may still be making the form it did not answer for)."""
    logger.info("manifest %s waits for EasyPost: %s", manifest_id, why)
    countdown = backoff_seconds(0)
    due = timezone.now() + dt.timedelta(seconds=countdown)
    with transaction.atomic():
        waiting = Manifest.objects.filter(pk=manifest_id)
        waiting.update(updated_at=timezone.now(), next_attempt_at=due)
        send_after_commit(FETCH_FORM_TASK, [manifest_id], countdown=countdown)


def _set_status(
    manifest: Manifest,
    to_status: str,
    user: User | None = None,
    *,
    changes: dict[str, Any] | None = None,
    **payload: Any,
) -> None:
    """Moves a (locked) manifest along MANIFEST_LIFECYCLE (`manifest.<status>`), with `changes`
    to its other fields in the same UPDATE."""
    lifecycle.transition(
        MANIFEST_LIFECYCLE,
        manifest,
        to_status,
        user=user,
        payload=payload,
        changes={"next_attempt_at": None, **(changes or {})},
    )


def _fail_manifest(manifest: Manifest, message: str, user: User | None = None) -> None:
    """A scan form EasyPost could not make: its shipments are freed for another manifest."""
    Shipment.objects.filter(manifest=manifest).update(manifest=None)
    _set_status(
        manifest, ManifestStatus.FAILED, user, changes={"message": message}, message=message
    )


def _settle_form(manifest_id: int, form: carrier.ScanForm, user: User | None = None) -> str:
    """Records EasyPost's answer: the form's id (`manifest.created`, once), then failed, or its
    PDF fetched and stored (ready). Raises FormNotReady while the form is still creating, and
    the fetch's CarrierError; what was recorded stays. Returns the manifest's status."""
    with transaction.atomic():
        manifest = Manifest.objects.select_for_update().get(pk=manifest_id)
        if manifest.status in (ManifestStatus.READY, ManifestStatus.FAILED):
            return str(manifest.status)
        if not manifest.easypost_id:
            manifest.easypost_id = form.id
            manifest.save(update_fields=["easypost_id"])
            emit(
                "manifest.created",
                client_id=None,
                warehouse_id=manifest.warehouse_id,
                payload={
                    "manifest_id": manifest.pk,
                    "carrier": manifest.carrier,
                    "date": manifest.date.isoformat(),
                    "shipments": list(
                        manifest.shipments.order_by("pk").values_list("pk", flat=True)
                    ),
                    "tracking_codes": list(form.tracking_codes),
                    "scan_form": form.id,
                },
                user=user,
            )
        if form.failed:
            _fail_manifest(manifest, f"EasyPost could not create the scan form: {form.message}")
            return str(manifest.status)
        if manifest.status == ManifestStatus.REQUESTED:
            _set_status(manifest, ManifestStatus.CREATING, user)
    if not form.form_url:
        raise FormNotReady(f"EasyPost is still creating scan form {form.id}.")
    pdf = carrier.fetch_document(form.form_url)
    with transaction.atomic():
        manifest = Manifest.objects.select_for_update().get(pk=manifest_id)
        if manifest.status == ManifestStatus.CREATING:
            _set_status(manifest, ManifestStatus.READY, user, changes={"form_pdf": pdf})
    return str(manifest.status)


def reconcile_manifest(manifest_id: int) -> str:
    """Moves a manifest waiting on EasyPost as far as EasyPost allows (its calls outside any
    transaction): a requested one finds the form EasyPost made for its shipments (a request
    whose answer was lost) or asks for one again; a creating one asks for the form and stores
    its PDF once created. Raises FormNotReady while EasyPost is still creating it and
    CarrierRetryable while EasyPost does not answer. Returns the manifest's status."""
    with transaction.atomic():
        manifest = Manifest.objects.select_for_update().get(pk=manifest_id)
        if manifest.status in (ManifestStatus.READY, ManifestStatus.FAILED):
            return str(manifest.status)
        manifest.updated_at = timezone.now()
        manifest.save(update_fields=["updated_at"])
        form_id = manifest.easypost_id
        easypost_ids = list(manifest.shipments.order_by("pk").values_list("easypost_id", flat=True))
    if form_id:
        form = carrier.get_scan_form(form_id)
    else:
        try:
            found = carrier.scan_form_of(easypost_ids[0]) if easypost_ids else None
            form = found or carrier.create_scan_form(easypost_ids)
        except CarrierRejected as exc:
            with transaction.atomic():
                manifest = Manifest.objects.select_for_update().get(pk=manifest_id)
                _fail_manifest(manifest, f"EasyPost refused the scan form: {exc.message}")
            return str(manifest.status)
    return _settle_form(manifest_id, form)


def fetch_scan_form(task: Any, manifest_id: int) -> str:
    """The task's service: reconcile_manifest, retried with backoff while EasyPost is still
    creating the form or does not answer. After the last retry the manifest keeps waiting
    (its page says so) and the reconcile sweep sends this task again."""
    try:
        return reconcile_manifest(manifest_id)
    except (CarrierRetryable, SoftTimeLimitExceeded) as exc:
        retries = int(task.request.retries or 0)
        limit = settings.SHIPPING_RATE_MAX_RETRIES
        if retries >= limit:
            logger.warning("manifest %s still waits after %s tries", manifest_id, retries + 1)
            return str(Manifest.objects.values_list("status", flat=True).get(pk=manifest_id))
        countdown = backoff_seconds(retries)
        Manifest.objects.filter(pk=manifest_id).update(
            next_attempt_at=timezone.now() + dt.timedelta(seconds=countdown)
        )
        raise task.retry(exc=exc, countdown=countdown, max_retries=limit) from exc
    except CarrierRejected as exc:
        # The PDF could not be fetched (refused host, gone): the sweep tries again later.
        logger.warning("manifest %s: %s", manifest_id, exc.message)
        return str(Manifest.objects.values_list("status", flat=True).get(pk=manifest_id))


def stuck_manifests(now: dt.datetime | None = None) -> Any:
    """Manifests waiting on EasyPost with no activity and no retry due for
    SHIPPING_STUCK_MINUTES, the longest idle first."""
    cutoff = (now or timezone.now()) - dt.timedelta(minutes=settings.SHIPPING_STUCK_MINUTES)
    return Manifest.objects.filter(
        Q(status__in=(ManifestStatus.REQUESTED, ManifestStatus.CREATING)),
        Q(updated_at__lt=cutoff),
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=cutoff),
    ).order_by("updated_at", "pk")


def reconcile_stuck_manifests() -> list[int]:
    """The sweep's share: sends the fetch task for up to SHIPPING_RECONCILE_BATCH stuck
    manifests (claimed SKIP LOCKED and marked active first, so concurrent sweeps take others).
    Returns their ids."""
    with transaction.atomic():
        rows = stuck_manifests().select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[: settings.SHIPPING_RECONCILE_BATCH])
        Manifest.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        for pk in ids:
            send_after_commit(FETCH_FORM_TASK, [pk])
    return ids
