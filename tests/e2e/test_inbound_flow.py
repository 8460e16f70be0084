"""The inbound flow on a handheld (Pixel 5) in real Chromium against the live stack: receive an ASN
of three products (one lot and expiry tracked, one by its case barcode, one plain), download the
LPN's label, put the LPN away by scanning the proposed bin, and find the stock in that bin.

The ASN is made the way a manager's system would (the receiving services, run by manage.py shell
in the demo tenant); barcodes and locations are read from the live database, not derived here."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, Playwright, expect
from pypdf import PdfReader

from tests.live import DEMO_SLUG, LiveStack

pytestmark = pytest.mark.browser

OPERATOR = "operator@demo.test"  # assigned to EAST
LOT_SKU, CASE_SKU, PLAIN_SKU = "ACM-0010", "ACM-0011", "ACM-0012"  # ACM-0010: every 5th is lot
EXPECTED = {LOT_SKU: 3, CASE_SKU: 12, PLAIN_SKU: 2}
LOT_NUMBER = "E2E-LOT-1"
UNKNOWN_CODE = "999000111222"

# Run by `manage.py shell -c` in the live stack: an expected ASN in EAST for acme-outdoor, and an
# API token for the operator (the label download is an API route, which takes tokens only).
ARRANGE = """
import json
from django_tenants.utils import tenant_context
from inventory.models import Client, Product, Warehouse
from receiving.services import AsnLineSpec, create_asn, mark_expected
from tenants.models import Tenant
from wms.accounts.models import User
from wms.accounts.services import create_api_token

args = json.loads({args!r})
with tenant_context(Tenant.objects.get(slug=args["tenant"])):
    client = Client.objects.get(code="acme-outdoor")
    manager = User.objects.get(email="manager@demo.test")
    lines = [
        AsnLineSpec(product=Product.objects.get(client=client, sku=sku), expected_qty=qty)
        for sku, qty in args["lines"].items()
    ]
    asn = create_asn(
        client=client, warehouse=Warehouse.objects.get(code="EAST"),
        reference=args["reference"], lines=lines, user=manager,
    )
    mark_expected(asn=asn, user=manager)
    operator = User.objects.get(email=args["operator"])
    _, secret = create_api_token(by=manager, user=operator, name="e2e label download")
    print(json.dumps({{"asn": asn.pk, "token": secret}}))
"""


@pytest.fixture
def browser_context_args(
    browser_context_args: dict[str, Any], playwright: Playwright
) -> dict[str, Any]:
    return {**browser_context_args, **playwright.devices["Pixel 5"]}


def scan(page: Page, code: str) -> None:
    """What a keyboard-wedge scanner does: the code's keystrokes, then Enter."""
    page.locator("#scan-input").focus()
    page.keyboard.type(code)
    page.keyboard.press("Enter")


class Db:
    """Reads of the demo tenant's tables on the live database."""

    def __init__(self, live_stack: LiveStack) -> None:
        self.live = live_stack
        [(self.schema,)] = live_stack.sql(
            "SELECT schema_name FROM tenants_tenant WHERE slug = %s", [DEMO_SLUG]
        )

    def rows(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.live.sql(query.replace("{s}", f'"{self.schema}"'), params)

    def barcode(self, sku: str, pack: int) -> str:
        [(code,)] = self.rows(
            "SELECT b.barcode FROM {s}.inventory_productbarcode b"
            " JOIN {s}.inventory_product p ON p.id = b.product_id"
            " WHERE p.sku = %s AND b.pack_quantity = %s",
            (sku, pack),
        )
        return str(code)

    def location_barcode(self, code: str) -> str:
        [(barcode,)] = self.rows(
            "SELECT l.barcode FROM {s}.inventory_location l"
            " JOIN {s}.inventory_warehouse w ON w.id = l.warehouse_id"
            " WHERE w.code = 'EAST' AND l.code = %s",
            (code,),
        )
        return str(barcode)


def test_receive_label_putaway_and_find_the_stock_in_its_bin(
    page: Page,
    live_stack: LiveStack,
    sign_in: Callable[..., None],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    shots = tmp_path_factory.mktemp("inbound")
    db = Db(live_stack)
    reference = f"E2E-{secrets.token_hex(3).upper()}"
    args = {"tenant": DEMO_SLUG, "reference": reference, "lines": EXPECTED, "operator": OPERATOR}
    arranged = json.loads(
        live_stack.manage("shell", "-c", ARRANGE.format(args=json.dumps(args))).splitlines()[-1]
    )
    lot_upc, case_code, plain_upc = (
        db.barcode(LOT_SKU, 1),
        db.barcode(CASE_SKU, 12),
        db.barcode(PLAIN_SKU, 1),
    )
    expiry = dt.date.today() + dt.timedelta(days=200)

    # Receive ------------------------------------------------------------------------------
    sign_in(live_stack.base_url, OPERATOR)
    expect(page).to_have_url(f"{live_stack.base_url}/floor/")
    page.get_by_role("link", name="Receive", exact=True).click()
    expect(page).to_have_url(f"{live_stack.base_url}/floor/receive/")
    page.locator("a.asn-button", has_text=reference).click()
    expect(page).to_have_url(f"{live_stack.base_url}/floor/receive/{arranged['asn']}/")
    page.wait_for_load_state("load")
    expect(page.locator("#current-lpn")).to_have_text("new LPN on the next scan")
    # Enter sends the scan through the box's submit button, which a person never sees.
    expect(page.locator("form.scan-form button[type=submit]")).to_be_hidden()

    results = page.locator("#scan-log > li.scan-result")
    newest = results.first

    scan(page, plain_upc)
    expect(results).to_have_count(1)
    expect(newest).to_have_class("scan-result ok")
    expect(newest.locator(".scan-progress")).to_have_text(f"{PLAIN_SKU} 1/2")
    lpn_code = page.locator("#current-lpn").inner_text()
    assert lpn_code.strip() and lpn_code != "new LPN on the next scan"
    expect(newest.locator(".scan-message")).to_contain_text(f"Received 1 x {PLAIN_SKU} onto")

    scan(page, case_code)
    expect(results).to_have_count(2)
    expect(newest).to_have_class("scan-result ok")
    expect(newest.locator(".scan-message")).to_have_text(
        f"Received 12 x {CASE_SKU} onto {lpn_code}"
    )
    expect(newest.locator(".scan-progress")).to_have_text(f"{CASE_SKU} 12/12")

    page.get_by_label("Lot").fill(LOT_NUMBER)
    page.get_by_label("Expiry").fill(expiry.isoformat())
    scan(page, lot_upc)
    expect(results).to_have_count(3)
    expect(newest).to_have_class("scan-result ok")
    expect(newest.locator(".scan-message")).to_have_text(
        f"Received 1 x {LOT_SKU} lot {LOT_NUMBER} onto {lpn_code}"
    )
    expect(newest.locator(".scan-progress")).to_have_text(f"{LOT_SKU} 1/3")
    # The typed lot and expiry belonged to that scan only.
    expect(page.get_by_label("Lot")).to_have_value("")

    scan(page, UNKNOWN_CODE)
    expect(results).to_have_count(4)
    expect(newest).to_have_class("scan-result error")
    expect(newest.locator(".scan-code")).to_have_text(UNKNOWN_CODE)
    expect(page.locator("#scan-log > li.scan-result.ok")).to_have_count(3)
    expect(page.locator("#current-lpn")).to_have_text(lpn_code)
    page.screenshot(path=str(shots / "1-received.png"), full_page=True)

    # The LPN label (PDF) ------------------------------------------------------------------
    [(lpn_pk,)] = db.rows("SELECT id FROM {s}.inventory_lpn WHERE code = %s", (lpn_code,))
    # By Host header: Python does not resolve demo.localhost (see LiveStack.get).
    label = requests.get(
        f"http://127.0.0.1:{live_stack.port}/api/v1/lpns/{lpn_pk}/label",
        headers={
            "Host": f"{DEMO_SLUG}.localhost:{live_stack.port}",
            "Authorization": f"Bearer {arranged['token']}",
        },
        timeout=10,
    )
    assert label.status_code == 200, label.text
    assert label.headers["content-type"] == "application/pdf"
    assert label.content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(label.content)).pages)
    assert lpn_code in text

    # Putaway ------------------------------------------------------------------------------
    page.goto(f"{live_stack.base_url}/floor/putaway/")
    page.wait_for_load_state("load")
    scan(page, lpn_code)
    expect(page).to_have_url(re.compile(r"/floor/putaway/\d+/$"))
    destination = page.locator("#destination")
    expect(destination).not_to_be_empty()
    page.wait_for_load_state("load")
    proposed = destination.inner_text().strip()
    wrong = next(
        code
        for (code,) in db.rows(
            "SELECT l.code FROM {s}.inventory_location l"
            " JOIN {s}.inventory_warehouse w ON w.id = l.warehouse_id"
            " WHERE w.code = 'EAST' AND l.kind = 'storage' AND l.code <> %s ORDER BY l.code",
            (proposed,),
        )
    )

    results = page.locator("#scan-log > li.scan-result")
    scan(page, db.location_barcode(wrong))
    expect(results).to_have_count(1)
    expect(results.first).to_have_class("scan-result error")
    expect(results.first.locator(".scan-message")).to_contain_text(proposed)
    page.screenshot(path=str(shots / "2-putaway-refused.png"), full_page=True)

    scan(page, db.location_barcode(proposed))
    expect(results).to_have_count(2)
    expect(results.first).to_have_class("scan-result ok")
    expect(results.first.locator(".scan-message")).to_contain_text(f"at {proposed}.")
    page.screenshot(path=str(shots / "3-put-away.png"), full_page=True)
    print(f"screenshots: {shots}")

    # The stock in its bin -----------------------------------------------------------------
    stock = db.rows(
        "SELECT l.code, p.sku, coalesce(lot.number, ''), sum(b.on_hand)"
        " FROM {s}.inventory_balance b"
        " JOIN {s}.inventory_location l ON l.id = b.location_id"
        " JOIN {s}.inventory_product p ON p.id = b.product_id"
        " LEFT JOIN {s}.inventory_lot lot ON lot.id = b.lot_id"
        " WHERE b.lpn_id = %s AND b.on_hand <> 0"
        " GROUP BY 1, 2, 3 ORDER BY 2",
        (lpn_pk,),
    )
    assert stock == [
        (proposed, LOT_SKU, LOT_NUMBER, 1),
        (proposed, CASE_SKU, "", 12),
        (proposed, PLAIN_SKU, "", 1),
    ]
    at_dock = db.rows(
        "SELECT count(*) FROM {s}.inventory_balance b"
        " JOIN {s}.inventory_location l ON l.id = b.location_id"
        " WHERE b.lpn_id = %s AND l.kind = 'dock' AND b.on_hand <> 0",
        (lpn_pk,),
    )
    assert at_dock == [(0,)]
    live_stack.manage("check_ledger", "--tenant", DEMO_SLUG)
