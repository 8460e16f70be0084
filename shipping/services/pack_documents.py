"""The pack station's documents from the floor's rows: an order's packing slip and each carton's
content label, built as shipping.documents' plain dataclasses and rendered there. Reads only."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from picking.models import Order
from picking.services.orders import ShipTo
from shipping.documents import (
    DEFAULT_RETURNS_NOTE,
    CartonContent,
    CartonLabel,
    PackingSlip,
    SlipLine,
    render_carton_label_pdf,
    render_packing_slip_pdf,
)
from shipping.models import Carton, CartonLine, CartonStatus, ShippingPolicy


def _carton_count(order: Order) -> int:
    """The order's cartons on its documents: a discarded carton is none of them."""
    return Carton.objects.filter(order=order).exclude(status=CartonStatus.DISCARDED).count()


def ship_to_of(order: Order) -> ShipTo:
    return ShipTo(
        name=order.ship_to_name,
        company=order.ship_to_company,
        street1=order.ship_to_street1,
        street2=order.ship_to_street2,
        city=order.ship_to_city,
        state=order.ship_to_state,
        postal_code=order.ship_to_postal_code,
        country=order.ship_to_country,
    )


def _branding(order: Order) -> tuple[str, str]:
    """The client's brand name and returns note (its shipping policy, else its name and the
    default note)."""
    policy = ShippingPolicy.objects.filter(client_id=order.client_id).first()
    name = (policy.branding_name if policy else "") or order.client.name
    note = (policy.returns_note if policy else "") or DEFAULT_RETURNS_NOTE
    return name, note


def packing_slip_for(order: Order) -> PackingSlip:
    """What went into the order's cartons per SKU and lot, in order-line order; an order not
    packed yet lists its lines as ordered."""
    packed: dict[tuple[int, str], int] = defaultdict(int)
    names: dict[tuple[int, str], tuple[str, str]] = {}
    rows = (
        CartonLine.objects.filter(carton__order=order)
        .select_related("product", "lot", "order_line")
        .order_by("order_line__line_number", "lot__number", "pk")
    )
    for row in rows:
        key = (row.order_line.line_number, row.lot.number if row.lot else "")
        packed[key] += row.quantity
        names[key] = (row.product.sku, row.product.name)
    if packed:
        lines = [
            SlipLine(sku=names[key][0], name=names[key][1], quantity=qty, lot=key[1])
            for key, qty in packed.items()
        ]
    else:
        lines = [
            SlipLine(sku=line.product.sku, name=line.product.name, quantity=line.quantity)
            for line in order.lines.select_related("product").order_by("line_number")
        ]
    branding, note = _branding(order)
    return PackingSlip(
        branding_name=branding,
        order_reference=order.reference,
        ship_to=ship_to_of(order),
        lines=lines,
        carton_count=_carton_count(order),
        ship_date=timezone.localdate(),
        returns_note=note,
    )


def carton_label_for(carton: Carton) -> CartonLabel:
    """The carton's content label: its SSCC (the carton LPN's code), carton n of the order's
    cartons, the ship-to, what is inside and the weighed gross weight once closed."""
    order = carton.order
    contents = [
        CartonContent(
            sku=line.product.sku, quantity=line.quantity, lot=line.lot.number if line.lot else ""
        )
        for line in carton.lines.select_related("product", "lot").order_by("pk")
    ]
    branding, _ = _branding(order)
    return CartonLabel(
        sscc=carton.lpn.code,
        client_name=branding,
        order_reference=order.reference,
        carton_number=carton.number,
        carton_count=max(_carton_count(order), carton.number),
        ship_to=ship_to_of(order),
        contents=contents,
        weight_g=carton.weight_g,
    )


def packing_slip_pdf(order: Order) -> bytes:
    return render_packing_slip_pdf(packing_slip_for(order))


def carton_label_pdf(carton: Carton) -> bytes:
    return render_carton_label_pdf(carton_label_for(carton))
