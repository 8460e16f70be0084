"""What one receiving scan means: the product and unit count a code names (a GS1 string, a case
or each barcode, a SKU), the lot it is received under, and the LPN it goes onto. Used by
receiving.services.receipts inside its transaction; refusals raise before anything is posted."""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from inventory.gs1_scan import is_gs1, parse_gs1
from inventory.models import Client, Lot, Lpn, LpnKind, Product, Tracking, Warehouse
from inventory.selectors import find_product_by_code, find_product_by_gtin
from inventory.services.master import create_lpn
from receiving.exceptions import ReceiptRefused
from wms.quantities import is_count


@dataclass(frozen=True)
class ScannedItem:
    """A resolved scan. `quantity` is in base units (pack quantity already applied); `lot_number`
    and `expiry` are what the scan or the user gave, before the product's tracking is applied."""

    product: Product
    quantity: int
    lot_number: str
    expiry: dt.date | None
    sscc: str
    code: str
    pack_quantity: int = 1  # base units per scanned unit: 1 for an each, a case's quantity

    def receipt_facts(self) -> dict[str, object]:
        """The receipt's unit of measure for the `stock.received` event (billing charges per
        case or per pallet from it): a pack of the product's pallet quantity is a pallet, any
        other pack above one a case."""
        pallet = self.product.pallet_qty
        if pallet and self.pack_quantity >= pallet:
            uom = "pallet"
        elif self.pack_quantity > 1:
            uom = "case"
        else:
            uom = "each"
        return {
            "uom": uom,
            "packs": self.quantity // self.pack_quantity,
            "pack_quantity": self.pack_quantity,
        }


def _check_typed_quantity(quantity: int | None) -> None:
    if quantity is None:
        return
    if not is_count(quantity):
        raise ReceiptRefused(
            f"Quantity must be a whole number above zero; got {quantity!r}.", code="invalid"
        )


def _agree(what: str, typed: object, scanned: object) -> None:
    if typed not in (None, "") and scanned not in (None, "") and typed != scanned:
        raise ReceiptRefused(
            f"The GS1 barcode says {what} {scanned}, but {typed} was typed; "
            "clear the typed value or scan the right label.",
            code="scan_mismatch",
        )


def resolve_item(
    client: Client,
    code_or_product: str | Product,
    *,
    quantity: int | None,
    lot_number: str | None,
    expiry: dt.date | None,
) -> ScannedItem:
    """The product and units a scan names among the client's products. A typed `quantity` counts
    scanned units: one each, or one case of its pack quantity. A GS1 count (AI 37 or 30) does the
    same; when both are given they must agree, as must a typed and a scanned lot or expiry."""
    _check_typed_quantity(quantity)
    typed_lot = (lot_number or "").strip()
    if isinstance(code_or_product, Product):
        if code_or_product.client_id != client.pk:
            raise ReceiptRefused(
                f"{code_or_product.sku} belongs to another client, not {client.code}.",
                code="wrong_client",
            )
        return ScannedItem(code_or_product, quantity or 1, typed_lot, expiry, "", "")
    code = code_or_product.strip()
    if not code:
        raise ReceiptRefused("Scan a barcode or type a SKU.", code="invalid")
    if is_gs1(code):
        data = parse_gs1(code)  # GS1Error (a DomainError) names the bad element and position
        gtin = data.gtin or data.contained_gtin
        if gtin is None:
            raise ReceiptRefused(
                "The GS1 barcode carries no GTIN (AI 01 or 02); scan the product's barcode.",
                code="unknown_code",
            )
        match = find_product_by_gtin(client, gtin)
        if match is None:
            raise ReceiptRefused(
                f"No product of {client.code} has GTIN {gtin}.", code="unknown_code"
            )
        _agree("count", quantity, data.count)
        _agree("lot", typed_lot, data.lot)
        _agree("expiry", expiry, data.expiry)
        units = (data.count or quantity or 1) * match.pack_quantity
        return ScannedItem(
            match.product,
            units,
            typed_lot or (data.lot or ""),
            expiry or data.expiry,
            data.sscc or "",
            code,
            match.pack_quantity,
        )
    match = find_product_by_code(client, code)
    if match is None:
        raise ReceiptRefused(
            f"“{code}” is not a barcode or SKU of any product of {client.code}.",
            code="unknown_code",
        )
    return ScannedItem(
        match.product,
        (quantity or 1) * match.pack_quantity,
        typed_lot,
        expiry,
        "",
        code,
        match.pack_quantity,
    )


def warehouse_today(warehouse: Warehouse) -> dt.date:
    return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(warehouse.time_zone)).date()


def lot_for(
    product: Product,
    lot_number: str,
    expiry: dt.date | None,
    *,
    typed_lot: bool,
    today: dt.date,
) -> Lot | None:
    """The lot the units are received under, made on first receipt. Untracked products take no
    lot (a lot a GS1 label happens to carry is ignored; a typed one is refused). Lot-tracked ones
    need a number; lot-and-expiry ones an expiry date too (a known lot's own date counts). An
    expiry in the past, or one that differs from the known lot's, is refused."""
    if product.tracking == Tracking.NONE:
        if typed_lot and lot_number:
            raise ReceiptRefused(
                f"{product.sku} is not lot-tracked; lot {lot_number} was given.", code="lot"
            )
        return None
    if not lot_number:
        raise ReceiptRefused(
            f"{product.sku} is lot-tracked: scan or type the lot number.", code="lot_required"
        )
    known = Lot.objects.filter(product=product, number=lot_number).first()
    if known is not None and expiry is not None and known.expiry_date not in (None, expiry):
        raise ReceiptRefused(
            f"Lot {lot_number} of {product.sku} expires {known.expiry_date:%Y-%m-%d}, "
            f"not {expiry:%Y-%m-%d}; check the label.",
            code="expiry_mismatch",
        )
    expiry = expiry or (known.expiry_date if known else None)
    if product.tracking == Tracking.LOT_EXPIRY and expiry is None:
        raise ReceiptRefused(
            f"{product.sku} tracks expiry: scan or type the expiry date of lot {lot_number}.",
            code="expiry_required",
        )
    if expiry is not None and expiry < today:
        raise ReceiptRefused(
            f"Lot {lot_number} of {product.sku} expired on {expiry:%Y-%m-%d}; "
            "expired goods are not received.",
            code="expired",
        )
    if known is not None:
        return known
    # A savepoint: two scans creating the same new lot at once both end up with the one row.
    with transaction.atomic():
        lot, _ = Lot.objects.get_or_create(
            product=product, number=lot_number, defaults={"expiry_date": expiry}
        )
    return lot


def lpn_for(warehouse: Warehouse, lpn: Lpn | None, sscc: str) -> Lpn:
    """The LPN the units go onto: the scanned one; else the pallet an SSCC names (made on first
    sight); else a new one. The ledger then checks it is in this warehouse and at the dock."""
    if sscc:
        if lpn is not None and lpn.code != sscc:
            raise ReceiptRefused(
                f"The GS1 barcode names pallet {sscc}, but LPN {lpn.code} was scanned.",
                code="scan_mismatch",
            )
        found = Lpn.objects.filter(code=sscc).first()
        if found is not None:
            return found
        return create_lpn(code=sscc, warehouse=warehouse, kind=LpnKind.PALLET)
    if lpn is not None:
        return lpn
    return create_lpn(
        code=f"LPN-{secrets.token_hex(5).upper()}", warehouse=warehouse, kind=LpnKind.PALLET
    )
