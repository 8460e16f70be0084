"""The client portal in real Chromium at a phone's 360 px against the live stack: the demo's
client user creates an order in the portal, the floor picks, packs and ships it (the floor's
own services, run by manage.py shell in the demo tenant; the live worker buys the label on the
fake EasyPost), and the client then sees the tracking number, linked to the carrier, and the
order's charge line. Every portal page fits the phone's width."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.live import DEMO_SLUG, LiveStack

pytestmark = pytest.mark.browser

CLIENT = "client@demo.test"
OPERATOR = "operator@demo.test"
PHONE = {"width": 360, "height": 780}
LABEL_WAIT_SECONDS = 45

# The floor's part up to the pack bench: wave and release the order, pick it into a tote, pack
# it into one carton and close it on its expected weight (the worker then buys the label).
PICK_AND_PACK = """
import json
from django_tenants.utils import tenant_context
from inventory.models import Client, Location, LocationKind, Lpn, LpnKind, Product, Warehouse
from picking.models import Order
from picking.services.picks import confirm_pick, next_pick_list
from picking.services.waves import create_wave, release_wave
from shipping.selectors import expected_weight
from shipping.services.packing import BoxDims, ItemScan, NewCarton, close_carton, pack_carton
from shipping.models import Carton
from tenants.models import Tenant
from wms.accounts.models import User

args = json.loads({args!r})
with tenant_context(Tenant.objects.get(slug=args["tenant"])):
    east = Warehouse.objects.get(code="EAST")
    Warehouse.objects.filter(pk=east.pk).update(
        address_line1="100 Dock Rd", city="Newark", postal_code="07102", country="US"
    )
    staging, _ = Location.objects.get_or_create(
        warehouse=east, code="STAGE-E2E", defaults={{"barcode": "STAGE-E2E", "kind": LocationKind.STAGING}}
    )
    station, _ = Location.objects.get_or_create(
        warehouse=east, code="PACK-E2E", defaults={{"barcode": "PACK-E2E", "kind": LocationKind.PACK_STATION}}
    )
    client = Client.objects.get(code="acme-outdoor")
    Product.objects.filter(client=client, sku="ACM-0001").update(
        length_mm=100, width_mm=80, height_mm=60, weight_g=300
    )
    manager = User.objects.get(email="manager@demo.test")
    operator = User.objects.get(email=args["operator"])
    order = Order.objects.get(client=client, reference=args["reference"])
    Order.objects.filter(pk=order.pk).update(priority=1)
    tote = Lpn.objects.create(code=args["tote"], kind=LpnKind.TOTE, warehouse=east)
    wave = create_wave(warehouse=east, order_ids=[order.pk], user=manager).wave
    release_wave(wave=wave, user=manager, pick_method="cluster", orders_per_cart=4, staging_location=staging)
    pick_list = next_pick_list(operator, [east.pk])
    for line in pick_list.lines.select_related("location", "product").order_by("sequence"):
        confirm_pick(user=operator, pick_line_id=line.pk, location_code=line.location.barcode,
                     item_code=line.product.sku, tote_code=tote.code)
    order.refresh_from_db()
    carton_pk, _ = pack_carton(
        user=operator, order=order, carton=None,
        new_carton=NewCarton(pack_station=station, dims=BoxDims(300, 200, 150, 200)),
        items=[ItemScan(code="ACM-0001", quantity=1)],
    )
    carton = Carton.objects.get(pk=carton_pk)
    weight, _ = expected_weight(carton)
    result = close_carton(user=operator, carton=carton, weight_g=weight)
    print(json.dumps({{"order": order.pk, "packed": result.order_packed, "lpn": carton.lpn.code}}))
"""

# The truck: load the carton at a ship dock (the order ships), then rate the outbox as the
# nightly billing job would.
SHIP_AND_RATE = """
import json
from django_tenants.utils import tenant_context
from billing.services.rating import rate_pending
from inventory.models import Location, LocationKind, Warehouse
from shipping.services.dispatch import ship_carton
from tenants.models import Tenant
from wms.accounts.models import User

args = json.loads({args!r})
with tenant_context(Tenant.objects.get(slug=args["tenant"])):
    east = Warehouse.objects.get(code="EAST")
    dock, _ = Location.objects.get_or_create(
        warehouse=east, code="SHIP-E2E", defaults={{"barcode": "SHIP-E2E", "kind": LocationKind.SHIP_DOCK}}
    )
    operator = User.objects.get(email=args["operator"])
    result = ship_carton(user=operator, code=args["lpn"], ship_dock=dock)
    rate_pending()
    print(json.dumps({{"shipped": result.order_shipped}}))
"""


def fits_the_phone(page: Page) -> None:
    """Nothing wider than the screen: wide tables scroll inside their own box."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


def shell(live_stack: LiveStack, script: str, args: dict[str, Any]) -> dict[str, Any]:
    output = live_stack.manage("shell", "-c", script.format(args=json.dumps(args)))
    return json.loads(output.splitlines()[-1])


def wait_for_label(live_stack: LiveStack, reference: str) -> str:
    deadline = time.monotonic() + LABEL_WAIT_SECONDS
    while time.monotonic() < deadline:
        rows = live_stack.sql(
            f'SELECT s.status, s.tracking_code FROM "{DEMO_SLUG}".shipping_shipment s'
            f' JOIN "{DEMO_SLUG}".picking_order o ON o.id = s.order_id WHERE o.reference = %s',
            [reference],
        )
        if rows and rows[0][0] == "label_purchased":
            return str(rows[0][1])
        time.sleep(0.5)
    raise AssertionError(f"no label for {reference}: {live_stack.log_tails()}")


def test_a_client_orders_in_the_portal_and_follows_it_to_the_truck_and_the_bill(
    page: Page, live_stack: LiveStack, sign_in: Callable[..., None]
) -> None:
    page.set_viewport_size(PHONE)
    base = live_stack.base_url
    reference = f"WEB-{secrets.token_hex(3).upper()}"

    sign_in(base, CLIENT)
    expect(page).to_have_url(f"{base}/portal/")
    # The 3PL's name heads the shell's side band (above the page on a phone).
    expect(page.get_by_role("complementary")).to_contain_text("Demo")
    expect(page.locator("#stock")).to_contain_text("units on hand")
    fits_the_phone(page)

    # The order, by form.
    page.get_by_role("link", name="New order").first.click()
    expect(page).to_have_url(f"{base}/portal/orders/new/")
    east = page.locator("#id_warehouse option", has_text="EAST").first.get_attribute("value")
    page.get_by_label("Warehouse").select_option(value=east)
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Ship to: name").fill("Grace Hopper")
    page.get_by_label("Street", exact=True).fill("1 Navy Yard")
    page.get_by_label("City").fill("Arlington")
    page.get_by_label("Postal code").fill("22202")
    page.get_by_label("Lines").fill("ACM-0001, 1")
    fits_the_phone(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#order-status")).to_have_text("New")
    order_url = page.url
    assert "/portal/orders/" in order_url
    fits_the_phone(page)

    # The floor picks and packs it; the worker buys the label; the truck takes it.
    floor = {"tenant": DEMO_SLUG, "reference": reference, "operator": OPERATOR}
    packed = shell(
        live_stack, PICK_AND_PACK, floor | {"tote": f"TOTE-{secrets.token_hex(3).upper()}"}
    )
    assert packed["packed"] is True
    tracking = wait_for_label(live_stack, reference)
    shipped = shell(live_stack, SHIP_AND_RATE, floor | {"lpn": packed["lpn"]})
    assert shipped["shipped"] is True

    # The client sees it shipped, with the tracking number linked to the carrier's page.
    page.goto(order_url)
    expect(page.locator("#order-status")).to_have_text("Shipped")
    link = page.locator("#cartons a.tracking")
    expect(link).to_have_text(tracking)
    href = link.get_attribute("href") or ""
    assert href.startswith("https://") and tracking in href
    expect(page.locator("#timeline")).to_contain_text("Shipped")
    fits_the_phone(page)

    # And the order's charge line in this period's charges.
    page.goto(f"{base}/portal/billing/charges/")
    expect(page.locator("#charges")).to_contain_text(f"Order {reference}")
    fits_the_phone(page)
