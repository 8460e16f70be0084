"""The pack station in real Chromium against a live stack whose worker rates labels on the fake
EasyPost: scan a tote, a wrong item refused loudly, pack into the proposed box, close on the
weight, see the carrier and tracking code appear without a reload, print the packing slip.

The order is picked the way the floor picks it (the picking services on a cluster cart into a
tote, run by manage.py shell in the demo tenant) on the shared live stack, whose worker and web
server talk to the fake EasyPost that tests/e2e/conftest.py runs."""

from __future__ import annotations

import base64
import io
import json
import re
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.live import DEMO_SLUG, LiveStack

pytestmark = pytest.mark.browser

OPERATOR = "operator@demo.test"  # assigned to EAST
LABEL_WAIT_MS = 45_000

# A picked order in a tote: the warehouse gets a ship-from address, a staging place and a pack
# station; two plain products get sizes and weights; the order is waved, released to a cluster
# cart and picked by the operator into a fresh tote.
ARRANGE = """
import json
from django_tenants.utils import tenant_context
from inventory.models import (
    Client, Location, LocationKind, Lpn, LpnKind, Product, ProductBarcode, Warehouse,
)
from picking.services.orders import OrderLineSpec, ShipTo, create_order
from picking.services.picks import confirm_pick, next_pick_list
from picking.services.waves import create_wave, release_wave
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
    Location.objects.get_or_create(
        warehouse=east, code="PACK-E2E", defaults={{"barcode": "PACK-E2E", "kind": LocationKind.PACK_STATION}}
    )
    tote = Lpn.objects.create(code=args["tote"], kind=LpnKind.TOTE, warehouse=east)
    client = Client.objects.get(code="acme-outdoor")
    sizes = {{"ACM-0001": (100, 80, 60, 300), "ACM-0002": (50, 50, 50, 100)}}
    for sku, (l, w, h, g) in sizes.items():
        Product.objects.filter(client=client, sku=sku).update(
            length_mm=l, width_mm=w, height_mm=h, weight_g=g
        )
    manager = User.objects.get(email="manager@demo.test")
    operator = User.objects.get(email=args["operator"])
    order, _ = create_order(
        client=client, warehouse=east, reference=args["reference"],
        ship_to=ShipTo(name="Ada Lovelace", street1="12 Analytical Way", city="Austin",
                       state="TX", postal_code="78701"),
        lines=[OrderLineSpec(Product.objects.get(client=client, sku="ACM-0001"), 2),
               OrderLineSpec(Product.objects.get(client=client, sku="ACM-0002"), 1)],
        user=manager,
        priority=1,  # ahead of the demo seed's released lists (priorities 3-7)
    )
    wave = create_wave(warehouse=east, order_ids=[order.pk], user=manager).wave
    release_wave(wave=wave, user=manager, pick_method="cluster", orders_per_cart=4, staging_location=staging)
    pick_list = next_pick_list(operator, [east.pk])
    for line in pick_list.lines.select_related("location", "product").order_by("sequence"):
        confirm_pick(user=operator, pick_line_id=line.pk, location_code=line.location.barcode,
                     item_code=line.product.sku, tote_code=tote.code)
    order.refresh_from_db()
    barcodes = ProductBarcode.objects.filter(
        product__client=client, product__sku__in=["ACM-0001", "ACM-0002", "ACM-0003"],
        pack_quantity=1,
    ).select_related("product")
    codes = {{b.product.sku: b.barcode for b in barcodes}}
    print(json.dumps({{"order": order.pk, "status": order.status, "codes": codes}}))
"""


def scan(page: Page, code: str) -> None:
    """What a keyboard-wedge scanner does: the code's keystrokes, then Enter."""
    page.locator("#scan-input").focus()
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_pack_a_picked_tote_and_watch_its_label_arrive(
    page: Page, live_stack: LiveStack, sign_in: Callable[..., None]
) -> None:
    reference = f"E2E-PACK-{secrets.token_hex(3).upper()}"
    tote = f"TOTE-{secrets.token_hex(3).upper()}"
    args = {"tenant": DEMO_SLUG, "reference": reference, "tote": tote, "operator": OPERATOR}
    output = live_stack.manage("shell", "-c", ARRANGE.format(args=json.dumps(args)))
    arranged: dict[str, Any] = json.loads(output.splitlines()[-1])
    assert arranged["status"] == "picked"
    codes = arranged["codes"]
    base = live_stack.base_url

    sign_in(base, OPERATOR)
    expect(page).to_have_url(f"{base}/floor/")
    page.goto(f"{base}/shipping/pack/")
    page.wait_for_load_state("load")

    # The tote brings up its order.
    scan(page, tote)
    expect(page).to_have_url(f"{base}/shipping/pack/orders/{arranged['order']}/")
    expect(page.locator("#order-reference")).to_have_text(reference)
    expect(page.locator("#remaining-count")).to_have_text("3")

    # Open the proposed box.
    proposed = page.locator("li.proposed-box").first
    box = proposed.get_attribute("data-box")
    assert box
    expect(proposed.locator(".fill")).to_have_text(re.compile(r"\d+% full"))
    proposed.get_by_role("button", name=f"Open {box}").click()
    expect(page.locator(".msg-success")).to_contain_text(f"Carton 1 ({box}) is open")
    page.wait_for_load_state("load")

    # A wrong item is refused, loudly, and nothing is packed.
    scan(page, codes["ACM-0003"])
    refused = page.locator("#scan-log > li.scan-result").first
    expect(refused).to_have_class(re.compile(r"\berror\b"))
    expect(refused).to_contain_text(f"is not on order {reference}")
    expect(page.locator("#remaining-count")).to_have_text("3")

    # The right items, back to back as a scanner sends them.
    for code in (codes["ACM-0001"], codes["ACM-0001"], codes["ACM-0002"]):
        scan(page, code)
    expect(page.locator("#scan-log > li.scan-result.ok")).to_have_count(3)
    expect(page.locator("#remaining-count")).to_have_text("0")
    expect(page.locator("#carton-lines")).to_contain_text("2 x ACM-0001")

    # Close on the scale's weight (the expected one, as the page states it).
    expected = page.locator(".close-form").inner_text()
    weight = re.search(r"expected (\d+) g", expected)
    assert weight is not None
    page.locator("#weight").fill(weight.group(1))
    page.get_by_role("button", name="Close carton 1").click()
    expect(page.locator(".msg-success")).to_contain_text(f"Order {reference} is packed")
    expect(page.locator("#order-status")).to_have_text("Packed")

    # The worker buys the label; the shipment partial shows it without a reload.
    shipment = page.locator("#shipments tr.shipment").first
    expect(shipment).to_have_attribute("data-status", "label_purchased", timeout=LABEL_WAIT_MS)
    expect(shipment.locator(".tracking-code")).not_to_have_text("-")
    expect(shipment.locator("a.shipping-label")).to_be_visible()
    tracking = shipment.locator(".tracking-code").inner_text().strip()
    [(db_tracking, status)] = live_stack.sql(
        f'SELECT s.tracking_code, s.status FROM "{DEMO_SLUG}".shipping_shipment s'
        f' JOIN "{DEMO_SLUG}".picking_order o ON o.id = s.order_id WHERE o.reference = %s',
        [reference],
    )
    assert (db_tracking, status) == (tracking, "label_purchased")

    # Print the packing slip: the link opens the PDF in a new tab.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Print packing slip").click()
    slip_url = opened.value.url
    assert slip_url.endswith(f"/orders/{arranged['order']}/packing-slip.pdf")
    # Fetched by the browser itself (its session, its *.localhost resolution) as base64.
    fetched = page.evaluate(
        """async (url) => {
            const response = await fetch(url);
            const bytes = new Uint8Array(await response.arrayBuffer());
            let text = "";
            for (const b of bytes) text += String.fromCharCode(b);
            return [response.headers.get("content-type"), btoa(text)];
        }""",
        slip_url,
    )
    assert fetched[0] == "application/pdf"
    text = PdfReader(io.BytesIO(base64.b64decode(fetched[1]))).pages[0].extract_text()
    assert f"Order {reference}" in text and "Cartons: 1" in text and "ACM-0001" in text
