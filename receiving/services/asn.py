"""ASN documents: create (idempotent on client plus reference), status changes through the one
transition table, cancel and close-out. Each public function is the outermost transaction and
writes its event row in it.

Row locks in receiving are always taken in one order: the ASN, then its lines by primary key,
then whatever the ledger locks (locations, balances). Receipts and close-out therefore never
wait on each other in a cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from inventory import lifecycle
from inventory.events import emit
from inventory.models import Client, Location, LocationKind, Product, Warehouse
from receiving.exceptions import AsnRefused
from receiving.models import ASN_LIFECYCLE, Asn, AsnLine, AsnStatus
from receiving.selectors import DiscrepancyRow, discrepancy_as_dicts, discrepancy_report
from wms.idempotency.services import dataclass_list_codec, idempotent, model_codec
from wms.quantities import is_count

if TYPE_CHECKING:
    from wms.accounts.models import User


@dataclass(frozen=True)
class AsnLineSpec:
    """One line of a new ASN, as a form, CSV row or API body gives it."""

    product: Product
    expected_qty: int
    lot_number: str = ""
    expiry_date: dt.date | None = None


def lock_asn(asn: Asn) -> Asn:
    """The ASN's row, locked FOR UPDATE and freshly read (status may have changed)."""
    return Asn.objects.select_for_update().select_related("client", "warehouse").get(pk=asn.pk)


def transition(
    asn: Asn, to_status: str, user: User | None, *, payload: dict[str, Any] | None = None
) -> Asn:
    """Moves a (locked) ASN along ASN_LIFECYCLE and writes the status's event in the caller's
    transaction; raises InvalidTransition (nothing changed) otherwise."""
    return lifecycle.transition(ASN_LIFECYCLE, asn, to_status, user=user, payload=payload)


def _content(
    warehouse_id: int,
    carrier: str,
    expected_date: dt.date | None,
    dock_appointment: dt.datetime | None,
    dock_door_id: int | None,
    lines: Sequence[tuple[int, int, str, dt.date | None]],
) -> dict[str, Any]:
    return {
        "warehouse": warehouse_id,
        "carrier": carrier,
        "expected_date": expected_date,
        "dock_appointment": dock_appointment,
        "dock_door": dock_door_id,
        "lines": sorted(lines, key=lambda line: (line[0], line[2], line[1])),
    }


def _content_of(asn: Asn) -> dict[str, Any]:
    lines = [
        (line.product_id, line.expected_qty, line.lot_number, line.expiry_date)
        for line in asn.lines.all()
    ]
    return _content(
        asn.warehouse_id,
        asn.carrier,
        asn.expected_date,
        asn.dock_appointment,
        asn.dock_door_id,
        lines,
    )


def _check_lines(client: Client, lines: Sequence[AsnLineSpec]) -> None:
    if not lines:
        raise AsnRefused("An ASN needs at least one line.", code="invalid")
    seen: set[tuple[int, str]] = set()
    for number, line in enumerate(lines, start=1):
        product = line.product
        qty = line.expected_qty
        if not is_count(qty):
            raise AsnRefused(
                f"Line {number} ({product.sku}): expected quantity must be a whole number above "
                f"zero; got {qty!r}.",
                code="invalid",
            )
        if product.client_id != client.pk:
            raise AsnRefused(
                f"Line {number}: {product.sku} belongs to another client, not {client.code}.",
                code="invalid",
            )
        if (line.lot_number or line.expiry_date) and not product.is_lot_tracked:
            raise AsnRefused(
                f"Line {number}: {product.sku} is not lot-tracked; give no lot or expiry.",
                code="invalid",
            )
        key = (product.pk, line.lot_number.strip())
        if key in seen:
            lot = f" lot {key[1]}" if key[1] else ""
            raise AsnRefused(
                f"Line {number} repeats {product.sku}{lot}; put the quantity on one line.",
                code="invalid",
            )
        seen.add(key)


def _check_dock_door(warehouse: Warehouse, dock_door: Location | None) -> None:
    if dock_door is None:
        return
    if dock_door.warehouse_id != warehouse.pk or dock_door.kind != LocationKind.DOCK:
        raise AsnRefused(
            f"Dock door {dock_door.code} is not a dock location of warehouse {warehouse.code}.",
            code="invalid",
        )


@transaction.atomic
def create_asn(
    *,
    client: Client,
    warehouse: Warehouse,
    reference: str,
    lines: Sequence[AsnLineSpec],
    user: User | None = None,
    carrier: str = "",
    expected_date: dt.date | None = None,
    dock_appointment: dt.datetime | None = None,
    dock_door: Location | None = None,
) -> Asn:
    """Creates a draft ASN with its lines. Idempotent on client plus reference: a repeat with the
    same content returns the first ASN and writes nothing; different content is refused."""
    reference = reference.strip()
    if not reference:
        raise AsnRefused("An ASN needs a reference.", code="invalid")
    _check_lines(client, lines)
    _check_dock_door(warehouse, dock_door)
    carrier = carrier.strip()
    wanted = _content(
        warehouse.pk,
        carrier,
        expected_date,
        dock_appointment,
        dock_door.pk if dock_door else None,
        [(s.product.pk, s.expected_qty, s.lot_number.strip(), s.expiry_date) for s in lines],
    )
    existing = Asn.objects.filter(client=client, reference=reference).first()
    if existing is None:
        try:
            # A savepoint: a concurrent create of the same reference makes this insert fail,
            # and the first one is then compared like any repeat.
            with transaction.atomic():
                return _insert(client, warehouse, reference, lines, user, wanted)
        except IntegrityError:
            existing = Asn.objects.get(client=client, reference=reference)
    if _content_of(existing) != wanted:
        raise AsnRefused(
            f"ASN {reference} of {client.code} already exists with different content; "
            "use a new reference or change the existing ASN.",
            code="asn_exists",
        )
    return existing


def _insert(
    client: Client,
    warehouse: Warehouse,
    reference: str,
    lines: Sequence[AsnLineSpec],
    user: User | None,
    content: dict[str, Any],
) -> Asn:
    asn = Asn.objects.create(
        client=client,
        warehouse=warehouse,
        reference=reference,
        carrier=content["carrier"],
        expected_date=content["expected_date"],
        dock_appointment=content["dock_appointment"],
        dock_door_id=content["dock_door"],
        created_by=user if getattr(user, "pk", None) else None,
    )
    AsnLine.objects.bulk_create(
        [
            AsnLine(
                asn=asn,
                product=spec.product,
                expected_qty=spec.expected_qty,
                lot_number=spec.lot_number.strip(),
                expiry_date=spec.expiry_date,
            )
            for spec in lines
        ]
    )
    emit(
        "asn.created",
        client_id=client.pk,
        warehouse_id=warehouse.pk,
        payload={"asn": asn.pk, "reference": reference, "lines": len(lines)},
        user=user,
    )
    return asn


@transaction.atomic
@idempotent("asn.mark_expected", result=model_codec(Asn))
def mark_expected(*, asn: Asn, user: User | None, idempotency_key: str | None = None) -> Asn:
    """Confirms a draft ASN: from now on the dock may receive against it."""
    return transition(lock_asn(asn), AsnStatus.EXPECTED, user)


@transaction.atomic
@idempotent("asn.cancel", result=model_codec(Asn))
def cancel_asn(*, asn: Asn, user: User | None, idempotency_key: str | None = None) -> Asn:
    """Cancels an ASN before anything was received against it (draft or expected). Once the first
    receipt moved it to receiving, stock from it is in the building and it can only be closed."""
    return transition(lock_asn(asn), AsnStatus.CANCELLED, user)


@transaction.atomic
@idempotent("asn.close", result=dataclass_list_codec(DiscrepancyRow))
def close_asn(*, asn: Asn, user: User, idempotency_key: str | None = None) -> list[DiscrepancyRow]:
    """Closes a receiving ASN (status received), stores the discrepancy per line (expected,
    received, short, over, damaged) on it and writes an "asn.closed" event carrying the same
    numbers. The lines are locked first, so no receipt slips in between report and close."""
    locked = lock_asn(asn)
    list(AsnLine.objects.select_for_update().filter(asn=locked).order_by("pk"))
    # A refused transition below rolls this back too: nothing is written.
    rows = discrepancy_report(locked)
    numbers = discrepancy_as_dicts(rows)
    locked.discrepancy = numbers
    locked.save(update_fields=["discrepancy"])
    transition(locked, AsnStatus.RECEIVED, user, payload={"lines": numbers})
    asn.status, asn.closed_at, asn.discrepancy = locked.status, locked.closed_at, numbers
    return rows


# Statuses in which an ASN's lines may still be replaced: nothing has been received against it.
REVISABLE = frozenset({AsnStatus.DRAFT, AsnStatus.EXPECTED})


@transaction.atomic
def revise_asn(
    *,
    asn: Asn,
    lines: Sequence[AsnLineSpec],
    user: User | None,
    expected_date: dt.date | None = None,
) -> Asn:
    """Replaces the lines (and expected date) of an ASN nothing was received against yet (draft
    or expected), as when its purchase order changed upstream, and writes `asn.revised`.
    Refused, with nothing written, once receiving started: the dock's count is the fact then."""
    locked = lock_asn(asn)
    if locked.status not in REVISABLE:
        raise AsnRefused(
            f"ASN {locked.reference} is {locked.get_status_display().lower()}: its lines can only "
            "change before the first receipt.",
            code="asn_not_revisable",
        )
    _check_lines(locked.client, lines)
    AsnLine.objects.filter(asn=locked).delete()
    AsnLine.objects.bulk_create(
        [
            AsnLine(
                asn=locked,
                product=spec.product,
                expected_qty=spec.expected_qty,
                lot_number=spec.lot_number.strip(),
                expiry_date=spec.expiry_date,
            )
            for spec in lines
        ]
    )
    locked.expected_date = expected_date
    locked.updated_at = timezone.now()
    locked.save(update_fields=["expected_date", "updated_at"])
    emit(
        "asn.revised",
        client_id=locked.client_id,
        warehouse_id=locked.warehouse_id,
        payload={
            "asn": locked.pk,
            "reference": locked.reference,
            "lines": [{"sku": s.product.sku, "expected": s.expected_qty} for s in lines],
        },
        user=user,
    )
    return locked
