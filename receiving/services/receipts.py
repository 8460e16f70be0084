"""Receipts: a scan against an ASN, or a blind receipt without one. Each is the outermost
transaction; the stock goes in through inventory.services.ledger.receive (supplier to dock, whose
"stock.received" event is the receipt's event); an idempotency key makes a repeated scan return
the first receipt and write nothing. A refusal writes nothing: no receipt, no move, no counter.

Every receipt also ensures, in its transaction, an active putaway task for what it brought in
(receiving.services.putaway_tasks.create_tasks_for_receipt): the LPN's one task, shared by every
scan onto that LPN. Its proposal is made now and made again when an operator starts the task,
so a task created at the first scan is directed by the LPN's whole contents."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F

from inventory.models import Client, InventoryStatus, Location, Lot, Lpn, Product, Warehouse
from inventory.services import ledger
from receiving.exceptions import NotPermitted, OverReceipt, ReceiptRefused
from receiving.models import OPEN_FOR_RECEIVING, Asn, AsnLine, AsnStatus, Receipt
from receiving.selectors import dock_location_for, policy_for
from receiving.services.asn import lock_asn, transition
from receiving.services.putaway_tasks import create_tasks_for_receipt
from receiving.services.scan import ScannedItem, lot_for, lpn_for, resolve_item, warehouse_today
from wms.idempotency.services import idempotent, model_codec

if TYPE_CHECKING:
    from wms.accounts.models import User

# A receipt is kept with its idempotency key by primary key and loaded again for a repeat.
RECEIPT = model_codec(Receipt, "product", "lot", "lpn", "line")


def _refuse_unless_open(asn: Asn) -> None:
    if asn.status in OPEN_FOR_RECEIVING:
        return
    if asn.status == AsnStatus.DRAFT:
        reason = "it is still a draft; mark it expected first"
    elif asn.status == AsnStatus.RECEIVED:
        reason = "it is closed"
    else:
        reason = "it is cancelled"
    raise ReceiptRefused(
        f"ASN {asn.reference} cannot be received against: {reason}.", code="asn_not_open"
    )


def _line_for(asn: Asn, item: ScannedItem) -> AsnLine | None:
    """The line a scan counts against: the product's line for the scanned lot, else its first
    line (a lot on the ASN is what the supplier announced, not a constraint)."""
    lines = list(AsnLine.objects.filter(asn=asn, product=item.product).order_by("pk"))
    for line in lines:
        if item.lot_number and line.lot_number == item.lot_number:
            return line
    return lines[0] if lines else None


def _refuse_unexpected(asn: Asn, item: ScannedItem, user: User) -> None:
    sku = item.product.sku
    if not policy_for(asn.client).allow_unexpected:
        raise ReceiptRefused(
            f"{sku} is not on ASN {asn.reference}, and {asn.client.code} does not accept "
            "unexpected products.",
            code="not_on_asn",
        )
    if not user.has_perm("receiving.receive_unexpected"):
        raise NotPermitted(
            f"{sku} is not on ASN {asn.reference}; only a manager may receive unexpected products.",
        )


def _check_tolerance(asn: Asn, line: AsnLine, item: ScannedItem) -> None:
    policy = policy_for(asn.client)
    most = policy.max_receivable(line.expected_qty)
    if line.received_qty + item.quantity > most:
        raise OverReceipt(
            f"Over-receipt of {item.product.sku} on ASN {asn.reference}: expected "
            f"{line.expected_qty}, received {line.received_qty}, this scan {item.quantity}, "
            f"tolerance {policy.over_receipt_tolerance_percent}% allows at most {most}.",
            field_errors={"quantity": [f"At most {most - line.received_qty} more."]},
        )


def _dock(warehouse: Warehouse, dock_door: Location | None) -> Location:
    dock = dock_location_for(warehouse, dock_door)
    if dock is None:
        raise ReceiptRefused(
            f"Warehouse {warehouse.code} has no dock location to receive into; add a location "
            "of kind dock.",
            code="no_dock",
        )
    return dock


def _lot_and_lpn(
    warehouse: Warehouse,
    item: ScannedItem,
    lpn: Lpn | None,
    *,
    typed_lot: bool,
    default_lot: str = "",
    default_expiry: dt.date | None = None,
) -> tuple[Lot | None, Lpn]:
    lot_number = item.lot_number or default_lot
    expiry = item.expiry or (default_expiry if lot_number == default_lot else None)
    lot = lot_for(
        item.product, lot_number, expiry, typed_lot=typed_lot, today=warehouse_today(warehouse)
    )
    return lot, lpn_for(warehouse, lpn, item.sscc)


@transaction.atomic
@idempotent("receiving.receive_scan", result=RECEIPT)
def receive_scan(
    *,
    asn: Asn,
    code_or_product: str | Product,
    user: User,
    quantity: int | None = None,
    lot_number: str | None = None,
    expiry: dt.date | None = None,
    lpn: Lpn | None = None,
    damaged: bool = False,
    idempotency_key: str | None = None,
) -> Receipt:
    """Receives one scan against an expected or receiving ASN onto an LPN at its dock, under the
    ASN's and the line's row locks, so concurrent scans never take a line past the client's
    over-receipt tolerance. The first receipt moves the ASN to receiving."""
    if not user.has_perm("receiving.receive", asn):
        raise NotPermitted(f"You may not receive in warehouse {asn.warehouse.code}.")

    locked = lock_asn(asn)
    _refuse_unless_open(locked)
    dock = _dock(locked.warehouse, locked.dock_door)
    item = resolve_item(
        locked.client, code_or_product, quantity=quantity, lot_number=lot_number, expiry=expiry
    )
    line = _line_for(locked, item)
    if line is None:
        _refuse_unexpected(locked, item, user)
    else:
        line = AsnLine.objects.select_for_update().get(pk=line.pk)
        _check_tolerance(locked, line, item)
    lot, target = _lot_and_lpn(
        locked.warehouse,
        item,
        lpn,
        typed_lot=bool(lot_number),
        default_lot=line.lot_number if line else "",
        default_expiry=line.expiry_date if line else None,
    )
    status = InventoryStatus.DAMAGED if damaged else InventoryStatus.AVAILABLE
    move = ledger.receive(
        user=user,
        product=item.product,
        quantity=item.quantity,
        location=dock,
        lot=lot,
        lpn=target,
        status=status,
        reference_type="asn_line" if line else "asn",
        reference_id=str(line.pk if line else locked.pk),
        event_payload={"receipt": item.receipt_facts() | {"asn": locked.reference}},
    )
    if line is not None:
        AsnLine.objects.filter(pk=line.pk).update(
            received_qty=F("received_qty") + item.quantity,
            damaged_qty=F("damaged_qty") + (item.quantity if damaged else 0),
        )
    receipt = Receipt.objects.create(
        asn=locked,
        line=line,
        client=locked.client,
        warehouse=locked.warehouse,
        product=item.product,
        quantity=item.quantity,
        lot=lot,
        lpn=target,
        location=dock,
        status=status,
        is_unexpected=line is None,
        scanned_code=item.code[:200],
        stock_move=move,
        user=user if getattr(user, "pk", None) else None,
        created_at=move.created_at,
    )
    if locked.status == AsnStatus.EXPECTED:
        transition(locked, AsnStatus.RECEIVING, user)
    # In the receipt's transaction: goods at the dock always have a putaway task to do.
    create_tasks_for_receipt(user=user, receipt=receipt)
    return receipt


@transaction.atomic
@idempotent("receiving.blind_receive", result=RECEIPT)
def blind_receive(
    *,
    warehouse: Warehouse,
    client: Client,
    code_or_product: str | Product,
    user: User,
    quantity: int | None = None,
    lot_number: str | None = None,
    expiry: dt.date | None = None,
    lpn: Lpn | None = None,
    damaged: bool = False,
    idempotency_key: str | None = None,
) -> Receipt:
    """Receives goods that arrived without an ASN (managers only) onto an LPN at the warehouse's
    dock, under the same scan, lot and expiry rules as an ASN receipt. The move references the
    receipt ("receipt", its pk)."""
    if not user.has_perm("receiving.receive_blind"):
        raise NotPermitted("Only a manager may receive without an ASN.")

    dock = _dock(warehouse, None)
    item = resolve_item(
        client, code_or_product, quantity=quantity, lot_number=lot_number, expiry=expiry
    )
    lot, target = _lot_and_lpn(warehouse, item, lpn, typed_lot=bool(lot_number))
    status = InventoryStatus.DAMAGED if damaged else InventoryStatus.AVAILABLE
    # The receipt row comes first so that the move can name it as its reference.
    receipt = Receipt.objects.create(
        client=client,
        warehouse=warehouse,
        product=item.product,
        quantity=item.quantity,
        lot=lot,
        lpn=target,
        location=dock,
        status=status,
        scanned_code=item.code[:200],
        user=user if getattr(user, "pk", None) else None,
    )
    move = ledger.receive(
        user=user,
        product=item.product,
        quantity=item.quantity,
        location=dock,
        lot=lot,
        lpn=target,
        status=status,
        reference_type="receipt",
        reference_id=str(receipt.pk),
        event_payload={"receipt": item.receipt_facts() | {"asn": None}},
    )
    Receipt.objects.filter(pk=receipt.pk).update(stock_move=move, created_at=move.created_at)
    receipt.stock_move, receipt.created_at = move, move.created_at
    create_tasks_for_receipt(user=user, receipt=receipt)
    return receipt
