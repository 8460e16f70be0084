"""Label data from the inventory models, so that receiving.labels renders without the ORM."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from inventory import selectors
from inventory.gs1 import check_digit, is_valid_sscc, sscc_for
from inventory.models import Location, Lpn, Product
from receiving.labels import LocationLabel, LpnLabel

if TYPE_CHECKING:
    from wms.accounts.models import User

MIXED = "MIXED"


def product_gtin(product: Product) -> str:
    """The product's each-level GTIN as 14 digits, from its first barcode (pack quantity 1) that is
    a GTIN-8/12/13/14 with a valid check digit; "" when it has none."""
    for barcode in product.barcodes.all():
        code = barcode.barcode
        if (
            barcode.pack_quantity == 1
            and code.isascii()
            and code.isdigit()
            and len(code) in {8, 12, 13, 14}
            and check_digit(code[:-1]) == int(code[-1])
        ):
            return code.zfill(14)
    return ""


def lpn_label_for(user: User, lpn: Lpn, *, sscc: str) -> LpnLabel:
    """What the LPN holds, as the user may see it, for its label. One product and lot print as
    such; a mixed LPN prints MIXED, the number of SKUs and the total quantity. An empty LPN (a
    label printed before receiving) prints blanks and quantity 0."""
    rows = list(
        selectors.balances(user, selectors.BalanceFilters(lpn_id=lpn.pk)).prefetch_related(
            "product__barcodes"
        )
    )
    products = {row.product_id: row.product for row in rows}
    lots = {row.lot_id: row.lot for row in rows}
    clients = {row.product.client.name for row in rows}
    only_product = next(iter(products.values())) if len(products) == 1 else None
    only_lot = next(iter(lots.values())) if len(lots) == 1 else None
    if only_product is not None:
        sku, description, gtin = only_product.sku, only_product.name, product_gtin(only_product)
    else:
        sku, description, gtin = (MIXED, f"{len(products)} SKUs", "") if products else ("", "", "")
    return LpnLabel(
        sscc=sscc,
        lpn_code=lpn.code,
        client_name=clients.pop() if len(clients) == 1 else (MIXED if clients else ""),
        sku=sku,
        description=description,
        lot=only_lot.number if only_lot is not None else "",
        expiry=only_lot.expiry_date if only_lot is not None else None,
        quantity=sum(row.on_hand for row in rows),
        warehouse_code=lpn.warehouse.code,
        gtin=gtin,
    )


def location_label_for(location: Location) -> LocationLabel:
    return LocationLabel(
        warehouse_code=location.warehouse.code, code=location.code, barcode=location.barcode
    )


def location_labels_for(locations: Iterable[Location]) -> list[LocationLabel]:
    """Bin labels in the order given (callers pass the pick-sequence order of a range)."""
    return [location_label_for(location) for location in locations]


def sscc_of_lpn(lpn: Lpn, company_prefix: str) -> str:
    """The SSCC printed on an LPN's label: its code when that already is an SSCC (a pallet
    received under the supplier's GS1 label keeps its number); else one made from the company
    prefix with the LPN's primary key as serial (extension digit 0)."""
    if is_valid_sscc(lpn.code):
        return lpn.code
    return sscc_for(0, company_prefix, lpn.pk)
