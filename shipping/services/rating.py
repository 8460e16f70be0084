"""Rate shopping and label purchase for one shipment (run by the task shipping.rate_shipment), and
the manager's ways out: retry after a fix, void a label.

A label is never bought twice for one carton, whatever crashes where. Each run goes in steps, and
every step commits before the next network call (no transaction is held open over HTTP):
  1. lock the shipment, count the attempt, read what the run needs; commit;
  2. with an EasyPost shipment already stored, ask EasyPost whether its label was bought (by a
     run that died after buying) and record that purchase instead of buying;
  3. otherwise create the EasyPost shipment and store its id and rates, committed, BEFORE buying;
  4. choose by the client's rule and buy; EasyPost's SHIPMENT.POSTAGE.EXISTS (a concurrent run
     bought first) is answered by recording the existing label;
  5. record the purchase (committed), then fetch the label files (PDF and ZPL) and store them.
A 429, 5xx or timeout anywhere raises CarrierRetryable: the task retries with backoff and the
next run resumes from what is stored. EasyPost's refusals (a bad address, no carrier rating)
put the shipment in needs attention with EasyPost's own message.

What no task run settles (its message lost, its worker gone for good, a void whose answer never
came) `reconcile_shipment` settles by asking EasyPost what it has: the manager's button, and the
sweep `reconcile_stuck_shipments` (a beat task) for shipments idle for SHIPPING_STUCK_MINUTES."""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from picking.models import Order
from picking.services.orders import ShipTo
from shipping import carrier
from shipping.exceptions import CarrierError, CarrierRejected, CarrierRetryable, ShipmentRefused
from shipping.models import (
    CarrierAccount,
    RateRule,
    Shipment,
    ShipmentStatus,
    ShippingPolicy,
)
from shipping.rates import Rate, RateMessage, choose_rate, parse_delivery_date
from shipping.services.shipments import send_rating, transition
from wms.idempotency.services import dataclass_codec, idempotent, model_codec

if TYPE_CHECKING:
    from wms.accounts.models import User

logger = logging.getLogger(__name__)

POSTAGE_EXISTS = "SHIPMENT.POSTAGE.EXISTS"
# Where a run has something to do; every other status is final for the task (a repeat is a no-op).
OPEN = frozenset({ShipmentStatus.RATING, ShipmentStatus.RATED})
# refund_status while a void waits for EasyPost's answer (the ship dock refuses the carton).
REFUND_REQUESTING = "requesting"
# EasyPost's refund_status values that mean the postage is (being) given back.
REFUNDED = frozenset({"submitted", "refunded"})


@dataclass(frozen=True)
class Snapshot:
    """What one run needs, read under the shipment's lock and then released."""

    pk: int
    status: str
    easypost_id: str
    rates: tuple[Rate, ...]
    has_documents: bool
    from_address: carrier.Address
    to_address: carrier.Address
    parcel: carrier.Parcel | None
    reference: str
    carrier_accounts: tuple[str, ...]
    rule: str
    preferred_carriers: tuple[str, ...]
    deliver_by: dt.date | None


# --- The task's service --------------------------------------------------------------------------


def rate_and_buy(task: Any, shipment_id: int) -> str:
    """Runs one attempt for the shipment and returns its status afterwards. Safe to run twice, and
    concurrently: a second run records the first run's purchase. A retryable carrier failure
    retries the task with exponential backoff (task.retry raises); after the last retry the
    shipment needs attention."""
    try:
        return _run(shipment_id)
    except (CarrierRetryable, SoftTimeLimitExceeded) as exc:
        # A run past its soft time limit is retried like a carrier timeout: each step commits
        # before the next call, so the next run resumes from what is stored.
        message = (
            exc.message
            if isinstance(exc, CarrierRetryable)
            else f"The run took longer than {settings.CARRIER_TASK_SOFT_TIME_LIMIT} s."
        )
        retries = int(task.request.retries or 0)
        limit = settings.SHIPPING_RATE_MAX_RETRIES
        if retries >= limit:
            return _needs_attention(
                shipment_id, f"EasyPost did not answer after {retries + 1} attempts: {message}"
            )
        logger.info("shipment %s: %s; retry %s of %s", shipment_id, message, retries + 1, limit)
        countdown = backoff_seconds(retries)
        _retry_due(shipment_id, countdown)
        raise task.retry(exc=exc, countdown=countdown, max_retries=limit) from exc


def _retry_due(shipment_id: int, countdown: float) -> None:
    """Notes when the retry runs, so the reconcile sweep leaves the shipment to it until then."""
    due = timezone.now() + dt.timedelta(seconds=countdown)
    Shipment.objects.filter(pk=shipment_id).update(next_attempt_at=due)


def backoff_seconds(retries: int) -> float:
    """base * 2**retries, capped: 10 s, 20 s, 40 s… with the defaults."""
    base = float(settings.SHIPPING_RATE_RETRY_SECONDS)
    return min(base * (2**retries), float(settings.SHIPPING_RATE_RETRY_MAX_SECONDS))


def _run(shipment_id: int) -> str:
    snap = _start(shipment_id)
    if snap is None:
        return _status(shipment_id)
    if snap.status == ShipmentStatus.LABEL_PURCHASED:
        # Bought and recorded; only the label files are missing (their fetch failed last time).
        label = carrier.get_label(snap.easypost_id)
        if label is not None:
            _store_documents(shipment_id, label)
        return _status(shipment_id)
    try:
        easypost_id, rates = snap.easypost_id, snap.rates
        messages: tuple[RateMessage, ...] = ()
        if easypost_id:
            # A run may have died after buying: EasyPost knows, so ask before buying.
            label = carrier.get_label(easypost_id)
            if label is not None:
                return _record_purchase(shipment_id, label)
        if not easypost_id or not rates:
            if snap.parcel is None:
                return _needs_attention(
                    shipment_id, "The carton has no weight: weigh it and close it again."
                )
            rated = carrier.create_shipment(
                from_address=snap.from_address,
                to_address=snap.to_address,
                parcel=snap.parcel,
                reference=snap.reference,
                carrier_accounts=snap.carrier_accounts,
            )
            easypost_id, rates, messages = _store_rates(shipment_id, rated)
        if not easypost_id:
            return _status(shipment_id)
        chosen, reason = _choose(snap, rates, messages)
        if chosen is None:
            return _needs_attention(shipment_id, reason)
        try:
            label = carrier.buy(easypost_id, chosen.id)
        except CarrierRejected as exc:
            if exc.carrier_code != POSTAGE_EXISTS:
                raise
            existing = carrier.get_label(easypost_id)
            if existing is None:
                raise
            label = existing
        return _record_purchase(shipment_id, label)
    except CarrierRejected as exc:
        return _needs_attention(shipment_id, rejection_text(exc))


def rejection_text(exc: CarrierRejected) -> str:
    """EasyPost's message with its code and its error list, as a manager reads it."""
    text = exc.message
    if exc.carrier_code:
        text = f"{text} ({exc.carrier_code})"
    details = [e for e in exc.errors if e and e not in text]
    return f"{text}: {'; '.join(details)}" if details else text


# --- Steps (each its own short transaction) ----------------------------------------------------


def _lock(shipment_id: int) -> Shipment:
    return Shipment.objects.select_for_update().get(pk=shipment_id)


def _status(shipment_id: int) -> str:
    return str(Shipment.objects.values_list("status", flat=True).get(pk=shipment_id))


@transaction.atomic
def _start(shipment_id: int) -> Snapshot | None:
    """Counts the attempt and reads what the run needs; None when there is nothing to do."""
    shipment = _lock(shipment_id)
    needs_documents = (
        shipment.status == ShipmentStatus.LABEL_PURCHASED
        and not shipment.label_pdf
        and bool(shipment.easypost_id)
    )
    if shipment.status not in OPEN and not needs_documents:
        return None
    shipment.attempts += 1
    shipment.updated_at = timezone.now()  # activity: the reconcile sweep leaves it alone
    shipment.next_attempt_at = None
    shipment.save(update_fields=["attempts", "updated_at", "next_attempt_at"])
    carton = shipment.carton
    order = Order.objects.select_related("warehouse").get(pk=shipment.order_id)
    warehouse = order.warehouse
    policy = ShippingPolicy.objects.filter(client_id=shipment.client_id).first()
    parcel = None
    if carton.weight_g:
        parcel = carrier.Parcel.from_metric(
            carton.length_mm, carton.width_mm, carton.height_mm, carton.weight_g
        )
    return Snapshot(
        pk=shipment.pk,
        status=shipment.status,
        easypost_id=shipment.easypost_id,
        rates=tuple(rate_from_json(r) for r in shipment.rates or []),
        has_documents=bool(shipment.label_pdf),
        from_address=carrier.Address(
            name=warehouse.name,
            street1=warehouse.address_line1,
            city=warehouse.city,
            zip=warehouse.postal_code,
            country=warehouse.country,
        ),
        to_address=ship_to(order),
        parcel=parcel,
        reference=f"{order.reference}-{carton.number}",
        carrier_accounts=tuple(
            CarrierAccount.objects.filter(is_active=True).values_list("easypost_id", flat=True)
        ),
        rule=policy.rate_rule if policy else RateRule.CHEAPEST,
        preferred_carriers=tuple(policy.carriers) if policy else (),
        deliver_by=order.deliver_by,
    )


def ship_to(order: Order) -> carrier.Address:
    return carrier.Address(
        name=order.ship_to_name,
        company=order.ship_to_company,
        street1=order.ship_to_street1,
        street2=order.ship_to_street2,
        city=order.ship_to_city,
        state=order.ship_to_state,
        zip=order.ship_to_postal_code,
        country=order.ship_to_country,
        phone=order.ship_to_phone,
        email=order.ship_to_email,
    )


@transaction.atomic
def _store_rates(
    shipment_id: int, rated: carrier.RatedShipment
) -> tuple[str, tuple[Rate, ...], tuple[RateMessage, ...]]:
    """Stores the EasyPost shipment and its rates (committed before anything is bought). When a
    concurrent run stored one first, that one is kept and returned: only one is ever bought."""
    shipment = _lock(shipment_id)
    if shipment.status not in OPEN:
        return "", (), ()
    if shipment.easypost_id and shipment.rates and shipment.easypost_id != rated.shipment_id:
        stored = tuple(rate_from_json(r) for r in shipment.rates)
        messages = tuple(RateMessage(**m) for m in shipment.rate_messages or [])
        return shipment.easypost_id, stored, messages
    shipment.easypost_id = rated.shipment_id
    shipment.rates = [rate_to_json(r) for r in rated.rates]
    shipment.rate_messages = [
        {"carrier": m.carrier, "message": m.message, "type": m.type} for m in rated.messages
    ]
    shipment.updated_at = timezone.now()
    shipment.save(update_fields=["easypost_id", "rates", "rate_messages", "updated_at"])
    if shipment.status == ShipmentStatus.RATING:
        transition(
            shipment, ShipmentStatus.RATED, easypost_id=rated.shipment_id, rates=len(rated.rates)
        )
    return rated.shipment_id, rated.rates, rated.messages


def _choose(
    snap: Snapshot, rates: tuple[Rate, ...], messages: tuple[RateMessage, ...]
) -> tuple[Rate | None, str]:
    """The rate the client's rule picks, or None and the reason a manager reads."""
    notes = dict.fromkeys(m.text for m in messages if m.message)  # in order, each once
    carrier_notes = "; ".join(notes)
    if not rates:
        text = "No carrier returned a rate"
        return None, f"{text}: {carrier_notes}" if carrier_notes else f"{text}."
    rule = snap.rule
    if rule == RateRule.ARRIVES_BY and snap.deliver_by is None:
        rule = RateRule.CHEAPEST  # no promise on the order: nothing to arrive by
    try:
        chosen = choose_rate(
            rates,
            rule,
            deliver_by=snap.deliver_by,
            preferred_carriers=snap.preferred_carriers,
            today=timezone.localdate(),
        )
    except ValueError as exc:
        return None, str(exc)
    if chosen is None:
        return None, (
            f"No rate arrives by {snap.deliver_by:%Y-%m-%d}, the order's promised date "
            f"({len(rates)} rates asked). Change the promise or the service, then retry."
        )
    return chosen, ""


@transaction.atomic
def _record_purchase_row(shipment_id: int, label: carrier.PurchasedLabel) -> bool:
    shipment = _lock(shipment_id)
    if shipment.status not in OPEN:
        return False
    rate = label.rate
    shipment.easypost_id = label.shipment_id
    shipment.rate_id = rate.id
    shipment.carrier = rate.carrier
    shipment.service = rate.service
    shipment.amount = rate.amount
    shipment.currency = rate.currency
    shipment.delivery_days = rate.delivery_days
    shipment.tracking_code = label.tracking_code
    shipment.refund_status = label.refund_status
    shipment.attention_message = ""
    shipment.purchased_at = timezone.now()
    shipment.save()
    transition(
        shipment,
        ShipmentStatus.LABEL_PURCHASED,
        order=shipment.order.reference,
        tracking_code=label.tracking_code,
        carrier=rate.carrier,
        service=rate.service,
        amount=str(rate.amount),
        currency=rate.currency,
    )
    return True


def _record_purchase(shipment_id: int, label: carrier.PurchasedLabel) -> str:
    """Records the bought label (committed first: the purchase is the fact that must not be
    lost), then fetches and stores its files."""
    _record_purchase_row(shipment_id, label)
    _store_documents(shipment_id, label)
    return _status(shipment_id)


def _store_documents(shipment_id: int, label: carrier.PurchasedLabel) -> None:
    """Fetches the label as PDF and ZPL (asking EasyPost to convert when a format is missing) and
    stores both. A retryable failure propagates: the next run fetches again, buys nothing."""
    try:
        pdf_url = label.label_pdf_url or label.url_for("PDF")
        if not pdf_url:
            pdf_url = carrier.label(label.shipment_id, "PDF").label_pdf_url
        zpl_url = label.label_zpl_url or carrier.label(label.shipment_id, "ZPL").label_zpl_url
        pdf = carrier.fetch_document(pdf_url)
        zpl = carrier.fetch_document(zpl_url).decode("utf-8", errors="replace")
    except CarrierRejected as exc:
        with transaction.atomic():
            shipment = _lock(shipment_id)
            shipment.attention_message = f"The label files could not be fetched: {exc.message}"
            shipment.save(update_fields=["attention_message"])
        return
    with transaction.atomic():
        shipment = _lock(shipment_id)
        shipment.label_pdf = pdf
        shipment.label_zpl = zpl
        shipment.updated_at = timezone.now()
        shipment.save(update_fields=["label_pdf", "label_zpl", "updated_at"])


@transaction.atomic
def _needs_attention(shipment_id: int, message: str) -> str:
    shipment = _lock(shipment_id)
    if shipment.status in OPEN:
        shipment.attention_message = message
        shipment.save(update_fields=["attention_message"])
        transition(shipment, ShipmentStatus.NEEDS_ATTENTION, message=message)
    return str(shipment.status)


# --- Stored rates ------------------------------------------------------------------------------


def rate_to_json(rate: Rate) -> dict[str, Any]:
    return {
        "id": rate.id,
        "carrier": rate.carrier,
        "service": rate.service,
        "amount": str(rate.amount),
        "currency": rate.currency,
        "delivery_days": rate.delivery_days,
        "delivery_date": rate.delivery_date.isoformat() if rate.delivery_date else None,
        "carrier_account_id": rate.carrier_account_id,
    }


def rate_from_json(raw: dict[str, Any]) -> Rate:
    return Rate(
        id=str(raw["id"]),
        carrier=str(raw["carrier"]),
        service=str(raw["service"]),
        amount=Decimal(str(raw["amount"])),
        currency=str(raw.get("currency") or "USD"),
        delivery_days=raw.get("delivery_days"),
        delivery_date=parse_delivery_date(raw.get("delivery_date")),
        carrier_account_id=str(raw.get("carrier_account_id") or ""),
    )


# --- The manager's actions ---------------------------------------------------------------------


@transaction.atomic
@idempotent("shipment.retry", result=model_codec(Shipment))
def retry_shipment(
    *,
    shipment: Shipment,
    user: User,
    address: ShipTo | None = None,
    idempotency_key: str | None = None,
) -> Shipment:
    """Sends a shipment that needs attention (or was voided) back to rating, optionally with the
    order's ship-to corrected first, and sends the task after commit. From needs attention the
    EasyPost shipment is kept so the task can still find a purchase made before it gave up; its
    rates are dropped so that it rates again (at the new address). From voided everything of the
    refunded label is forgotten: a new EasyPost shipment is made."""
    locked = _lock(shipment.pk)
    if locked.status not in (ShipmentStatus.NEEDS_ATTENTION, ShipmentStatus.VOIDED):
        raise ShipmentRefused(
            f"Shipment {locked.pk} is {locked.get_status_display().lower()}: only a shipment "
            "that needs attention or was voided can be retried."
        )
    if address is not None:
        order = Order.objects.select_for_update().get(pk=locked.order_id)
        for name, value in address.__dict__.items():
            setattr(order, f"ship_to_{name}", value.strip())
        order.updated_at = timezone.now()
        order.save()
    if locked.status == ShipmentStatus.VOIDED:
        locked.easypost_id = ""
        locked.tracking_code = ""
        locked.tracking_status = ""
        locked.label_pdf = None
        locked.label_zpl = ""
        locked.refund_status = ""
        locked.purchased_at = None
    locked.rates = []
    locked.rate_messages = []
    locked.rate_id = ""
    locked.carrier = ""
    locked.service = ""
    locked.amount = None
    locked.currency = ""
    locked.delivery_days = None
    locked.attention_message = ""
    locked.save()
    transition(locked, ShipmentStatus.RATING, user, address_changed=address is not None)
    send_rating(locked.pk)
    return locked


@idempotent("shipment.void", result=model_codec(Shipment), holds_transaction=False)
def void_label(*, shipment: Shipment, user: User, idempotency_key: str | None = None) -> Shipment:
    """Refunds a bought label through EasyPost and marks the shipment voided. Refused once the
    carton has shipped. The void is claimed under the lock first (refund_status "requesting"), so
    a ship-dock scan meanwhile is refused rather than shipping a refunded label; the refund call
    runs outside any transaction. When EasyPost refuses, the claim is dropped; when it does not
    answer (a timeout may hide a refund it made), the claim stays and `reconcile_shipment` asks
    EasyPost later: a label that may be refunded is never loaded."""
    with transaction.atomic():
        locked = _lock(shipment.pk)
        if locked.status == ShipmentStatus.SHIPPED:
            raise ShipmentRefused(
                f"Shipment {locked.pk} has shipped (tracking {locked.tracking_code}): its label "
                "can no longer be voided."
            )
        if locked.status != ShipmentStatus.LABEL_PURCHASED:
            raise ShipmentRefused(
                f"Shipment {locked.pk} is {locked.get_status_display().lower()}: there is no "
                "bought label to void."
            )
        if locked.refund_status:
            raise ShipmentRefused(
                f"A refund of shipment {locked.pk} was already asked ({locked.refund_status})."
            )
        locked.refund_status = REFUND_REQUESTING
        locked.updated_at = timezone.now()
        locked.save(update_fields=["refund_status", "updated_at"])
    try:
        refund_status = carrier.refund(locked.easypost_id) or "submitted"
    except CarrierRejected:
        Shipment.objects.filter(pk=locked.pk, refund_status=REFUND_REQUESTING).update(
            refund_status=""
        )
        raise
    with transaction.atomic():
        locked = _lock(shipment.pk)
        _record_void(locked, user, refund_status)
    return locked


def _record_void(locked: Shipment, user: User | None, refund_status: str, **payload: Any) -> None:
    """The refund EasyPost accepted, on a locked shipment: voided (`shipment.voided`)."""
    locked.refund_status = refund_status
    locked.save(update_fields=["refund_status"])
    transition(
        locked,
        ShipmentStatus.VOIDED,
        user,
        tracking_code=locked.tracking_code,
        refund_status=refund_status,
        **payload,
    )


# --- Reconciliation: what EasyPost has, for shipments left between two states ------------------


class Waiting(enum.StrEnum):
    """What an intermediate shipment waits for, i.e. what reconciling asks EasyPost about."""

    PURCHASE = "purchase"  # rating or rated: bought at EasyPost or not?
    DOCUMENTS = "documents"  # bought and recorded, its label files never stored
    REFUND = "refund"  # a void asked, EasyPost's answer never recorded


@dataclass(frozen=True)
class Reconciled:
    """The outcome of one reconciliation, as the page and the API show it."""

    shipment_id: int
    outcome: str  # recorded | documents | rating | voided | void_cleared | unchanged
    message: str
    status: str


def waiting_for(shipment: Shipment) -> Waiting | None:
    """What the shipment waits on EasyPost for; None when its state is settled."""
    if shipment.status in OPEN:
        return Waiting.PURCHASE
    if shipment.status != ShipmentStatus.LABEL_PURCHASED:
        return None
    if shipment.refund_status == REFUND_REQUESTING:
        return Waiting.REFUND
    if shipment.easypost_id and not shipment.label_pdf:
        return Waiting.DOCUMENTS
    return None


# The same three cases as a query, for the sweep.
WAITING = (
    Q(status__in=OPEN)
    | Q(status=ShipmentStatus.LABEL_PURCHASED, refund_status=REFUND_REQUESTING)
    | (Q(status=ShipmentStatus.LABEL_PURCHASED, label_pdf__isnull=True) & ~Q(easypost_id=""))
)


@idempotent("shipment.reconcile", result=dataclass_codec(Reconciled), holds_transaction=False)
def reconcile_shipment(
    *, shipment_id: int, user: User | None = None, idempotency_key: str | None = None
) -> Reconciled:
    """Settles a shipment left between two states by asking EasyPost for it (one GET, outside
    any transaction): a label EasyPost already sold is recorded and its files stored, never
    bought again; a shipment EasyPost has no label for is sent to the rating task again (which
    asks EasyPost first, so a rating run still alive meanwhile cannot make it buy twice); a void
    is recorded as EasyPost answered it. Refused (ShipmentRefused) when nothing is waiting."""
    with transaction.atomic():
        shipment = _lock(shipment_id)
        waiting = waiting_for(shipment)
        if waiting is None:
            raise ShipmentRefused(
                f"Shipment {shipment.pk} is {shipment.get_status_display().lower()} and waits "
                "for nothing from EasyPost: there is nothing to reconcile."
            )
        shipment.updated_at = timezone.now()  # the sweep leaves it alone while this runs
        shipment.save(update_fields=["updated_at"])
        easypost_id = shipment.easypost_id
    if waiting == Waiting.REFUND:
        return _reconcile_refund(shipment_id, easypost_id, user)
    label = carrier.get_label(easypost_id) if easypost_id else None
    if label is not None:
        recorded = _record_purchase_row(shipment_id, label)
        _store_documents(shipment_id, label)
        stored = Shipment.objects.filter(pk=shipment_id, label_pdf__isnull=False).exists()
        files = "its label files are stored" if stored else "its label files are still missing"
        if recorded:
            message = (
                f"EasyPost had already sold a label ({label.rate.carrier} {label.rate.service}, "
                f"tracking {label.tracking_code}): it is recorded, nothing was bought, and "
                f"{files}."
            )
        else:
            message = f"The label was recorded before; {files}."
        return _reconciled(shipment_id, "recorded" if recorded else "documents", message)
    if waiting == Waiting.DOCUMENTS:
        return _reconciled(
            shipment_id,
            "unchanged",
            f"EasyPost shows no label for {easypost_id}, though one was recorded here.",
        )
    send_rating(shipment_id)
    where = f"EasyPost shipment {easypost_id}" if easypost_id else "this shipment"
    return _reconciled(
        shipment_id,
        "rating",
        f"EasyPost has no label for {where}: the rating task was sent again.",
    )


def _reconcile_refund(shipment_id: int, easypost_id: str, user: User | None) -> Reconciled:
    label = carrier.get_label(easypost_id)
    at_easypost = label.refund_status if label else ""
    with transaction.atomic():
        locked = _lock(shipment_id)
        if waiting_for(locked) != Waiting.REFUND:
            return _reconciled(shipment_id, "unchanged", "The void was settled meanwhile.")
        if at_easypost in REFUNDED:
            _record_void(locked, user, at_easypost, reconciled=True)
            return _reconciled(
                shipment_id,
                "voided",
                f"EasyPost has the refund ({at_easypost}): the label is voided.",
            )
        locked.refund_status = ""
        fields = ["refund_status"]
        if at_easypost:
            locked.attention_message = f"EasyPost did not refund the label ({at_easypost})."
            fields.append("attention_message")
        locked.save(update_fields=fields)
    return _reconciled(
        shipment_id,
        "void_cleared",
        "EasyPost has no refund of this label"
        + (f" ({at_easypost})" if at_easypost else "")
        + ": it is still valid; void it again if it must not ship.",
    )


def _reconciled(shipment_id: int, outcome: str, message: str) -> Reconciled:
    return Reconciled(shipment_id, outcome, message, _status(shipment_id))


def stuck_shipments(now: dt.datetime | None = None) -> Any:
    """Shipments waiting on EasyPost with no activity and no retry due for
    SHIPPING_STUCK_MINUTES, the longest idle first."""
    cutoff = (now or timezone.now()) - dt.timedelta(minutes=settings.SHIPPING_STUCK_MINUTES)
    idle = Q(updated_at__lt=cutoff) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=cutoff)
    )
    return Shipment.objects.filter(WAITING, idle).order_by("updated_at", "pk")


def reconcile_stuck_shipments() -> list[Reconciled]:
    """The sweep (beat, per tenant): claims up to SHIPPING_RECONCILE_BATCH stuck shipments
    (SKIP LOCKED, marked active, so a concurrent sweep takes others) and reconciles each. A
    carrier failure is logged and left for the next sweep."""
    now = timezone.now()
    with transaction.atomic():
        rows = stuck_shipments(now).select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[: settings.SHIPPING_RECONCILE_BATCH])
        Shipment.objects.filter(pk__in=ids).update(updated_at=now)
    results = []
    for pk in ids:
        try:
            result = reconcile_shipment(shipment_id=pk)
        except (CarrierError, ShipmentRefused) as exc:
            logger.warning("shipment %s not reconciled: %s", pk, exc.message)
            continue
        logger.info("shipment %s reconciled: %s", pk, result.message)
        results.append(result)
    return results
