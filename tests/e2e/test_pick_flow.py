"""The cluster pick flow on a handheld (Pixel 5) in real Chromium against the live stack: the
operator asks for work and gets a cart of two orders, a wrong bin is refused on screen, each
order's picks go into its own tote, a short pick is reallocated from another bin (the new line
joins the list), and both orders reach "picked". The scans are counted: a single unit costs
bin, item and tote (which confirms); two units add one more scan of the item, never an Enter.

The orders are made the way a manager's system would (the picking services, run by manage.py
shell in the demo tenant) with priority 1, so their list comes before the demo seed's (3 to 7).
Products, bins and totes are new per run; codes are read back from what the script made."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Playwright, expect

from tests.live import DEMO_SLUG, LiveStack

pytestmark = pytest.mark.browser

OPERATOR = "operator@demo.test"  # assigned to EAST

# Run by `manage.py shell -c` in the live stack. Walking order: LAMP at the first bin (one line
# per order), MUG at the second (3 on the books), more MUG at the third.
ARRANGE = """
import json
from django_tenants.utils import tenant_context
from inventory.models import Client, Location, Lpn, LpnKind, Product, ProductBarcode, Warehouse
from inventory.services import ledger
from picking.services.orders import OrderLineSpec, ShipTo, create_order
from picking.services.waves import create_wave, release_wave
from tenants.models import Tenant
from wms.accounts.models import User

args = json.loads({args!r})
tag = args["tag"]
with tenant_context(Tenant.objects.get(slug=args["tenant"])):
    east = Warehouse.objects.get(code="EAST")
    client = Client.objects.get(code="acme-outdoor")
    manager = User.objects.get(email="manager@demo.test")
    bins = list(
        Location.objects.filter(warehouse=east, kind="pick_face", is_pickable=True)
        .order_by("pick_sequence")[:3]
    )
    products = {{}}
    for name, barcode in (("LAMP", args["lamp"]), ("MUG", args["mug"])):
        product = Product.objects.create(client=client, sku=f"{{tag}}-{{name}}", name=f"E2E {{name}}")
        ProductBarcode.objects.create(product=product, barcode=barcode)
        products[name] = product
    for product, where, qty in ((products["LAMP"], 0, 5), (products["MUG"], 1, 3), (products["MUG"], 2, 10)):
        ledger.receive(user=manager, product=product, location=bins[where], quantity=qty)
    ship_to = ShipTo(name="Ada Lovelace", street1="1 Analytical Way", city="Boston", postal_code="02110")
    orders = [
        create_order(client=client, warehouse=east, reference=f"{{tag}}-1", ship_to=ship_to,
                     lines=[OrderLineSpec(products["MUG"], 2), OrderLineSpec(products["LAMP"], 1)],
                     user=manager, priority=1)[0],
        create_order(client=client, warehouse=east, reference=f"{{tag}}-2", ship_to=ship_to,
                     lines=[OrderLineSpec(products["LAMP"], 2)], user=manager, priority=1)[0],
    ]
    wave = create_wave(warehouse=east, order_ids=[o.pk for o in orders], user=manager,
                       pick_method="cluster").wave
    [pick_list] = release_wave(wave=wave, user=manager, orders_per_cart=4).pick_lists
    totes = [Lpn.objects.create(code=f"{{tag}}-T{{n}}", kind=LpnKind.TOTE, warehouse=east) for n in (1, 2)]
    print(json.dumps({{
        "list": pick_list.pk, "number": pick_list.number,
        "bins": [[b.code, b.barcode] for b in bins],
        "orders": [o.reference for o in orders],
        "totes": [t.code for t in totes],
    }}))
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


class Screen:
    """The pick page's result log, newest first; each step waits for its own result line."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.results = page.locator("#scan-log > li.scan-result")
        self.count = 0
        self.scans = 0  # scanner reads (a code and its Enter), what the operator's thumb costs

    def expect_result(self, ok: bool, message: str) -> None:
        self.count += 1
        expect(self.results).to_have_count(self.count)
        newest = self.results.first
        expect(newest).to_have_class("scan-result ok" if ok else "scan-result error")
        expect(newest.locator(".scan-message")).to_have_text(message)

    def scan(self, code: str, ok: bool = True, message: str | None = None) -> None:
        scan(self.page, code)
        self.scans += 1
        self.expect_result(ok, message or f"{code} ✓")

    def scans_for(self, *codes: str, message: str) -> int:
        """Scans the codes of one pick, the last one's result being `message`; returns how many
        scanner reads the pick took."""
        before = self.scans
        for code in codes[:-1]:
            self.scan(code)
        self.scan(codes[-1], message=message)
        return self.scans - before


def test_cluster_cart_with_a_wrong_bin_a_short_pick_reallocated_and_both_orders_picked(
    page: Page,
    live_stack: LiveStack,
    sign_in: Callable[..., None],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    shots = tmp_path_factory.mktemp("pick")
    tag = f"E2EP{secrets.token_hex(3).upper()}"
    lamp_upc, mug_upc = f"77{secrets.randbelow(10**10):010d}", f"78{secrets.randbelow(10**10):010d}"
    args = {"tenant": DEMO_SLUG, "tag": tag, "lamp": lamp_upc, "mug": mug_upc}
    arranged = json.loads(
        live_stack.manage("shell", "-c", ARRANGE.format(args=json.dumps(args))).splitlines()[-1]
    )
    (lamp_bin, lamp_bin_code), (mug_bin, mug_bin_code), (more_bin, more_bin_code) = arranged["bins"]
    first_tote, second_tote = arranged["totes"]
    list_url = f"{live_stack.base_url}/floor/pick/{arranged['list']}/"

    # Get work ---------------------------------------------------------------------------------
    sign_in(live_stack.base_url, OPERATOR)
    expect(page).to_have_url(f"{live_stack.base_url}/floor/")
    page.get_by_role("link", name="Pick", exact=True).click()
    expect(page).to_have_url(f"{live_stack.base_url}/floor/pick/")
    page.get_by_role("button", name="Get work").click()
    expect(page).to_have_url(list_url)
    page.wait_for_load_state("load")
    expect(page.locator("#pick-bin")).to_have_text(lamp_bin)
    expect(page.locator("#pick-position")).to_have_text("Line 1 of 3")
    expect(page.locator("#pick-sku")).to_have_text(f"{tag}-LAMP")
    expect(page.locator("#pick-slot")).to_have_text("Slot A · scan an empty tote")
    expect(page.locator("#scan-input")).to_be_focused()
    screen = Screen(page)

    # A wrong bin is refused with the expected one ---------------------------------------------
    screen.scan(
        mug_bin_code, ok=False, message=f"Wrong bin: expected {lamp_bin}, scanned {mug_bin_code}."
    )
    expect(page.locator("#pick-prompt")).to_have_text(f"Go to {lamp_bin} and scan the bin")
    page.screenshot(path=str(shots / "1-wrong-bin.png"))

    # Line 1: a lamp for the first order into the first tote -----------------------------------
    screen.scan(lamp_bin_code)
    screen.scan(lamp_upc)
    # One unit: no quantity step and nothing in the box for an Enter; the tote scan confirms.
    expect(page.locator("#pick-prompt")).to_have_text("Scan an empty tote for slot A")
    expect(page.locator("#scan-input")).to_have_value("")
    screen.scan(first_tote, message=f"Picked 1 x {tag}-LAMP into {first_tote}")
    assert screen.scans == 4  # the wrong bin, then bin, item, tote

    # Line 2: two lamps for the second order, in a tote of its own ------------------------------
    expect(page.locator("#pick-position")).to_have_text("Line 2 of 3")
    expect(page.locator("#pick-slot")).to_have_text("Slot B · scan an empty tote")
    screen.scan(lamp_bin_code)
    screen.scan(lamp_upc)
    expect(page.locator("#pick-prompt")).to_have_text(
        f"1 of 2: scan {tag}-LAMP again for each, or key how many, or scan the tote"
    )
    expect(page.locator("#scan-input")).to_have_value("")
    expect(page.locator("#scan-input")).to_have_attribute("inputmode", "numeric")  # a keypad
    screen.scan(lamp_upc)  # the second unit, counted by its scan
    expect(page.locator("#pick-prompt")).to_have_text("Scan an empty tote for slot B")
    expect(page.locator("#scan-input")).to_have_attribute("inputmode", "none")
    screen.scan(second_tote, message=f"Picked 2 x {tag}-LAMP into {second_tote}")
    assert screen.scans == 8

    # Line 3: the bin holds 1 mug of 2; short, and the other comes from the third bin -----------
    expect(page.locator("#pick-position")).to_have_text("Line 3 of 3")
    expect(page.locator("#pick-bin")).to_have_text(mug_bin)
    expect(page.locator("#pick-slot")).to_have_text(f"Slot A · tote {first_tote}")
    screen.scan(mug_bin_code)
    page.locator("#pick-short").click()
    screen.expect_result(True, "Short pick: count what is in the bin.")
    expect(page.locator("#pick-prompt")).to_have_text("How many are there? (fewer than 2)")
    page.screenshot(path=str(shots / "2-short-count.png"))
    screen.scan("1")
    screen.scan(mug_upc)
    expect(page.locator("#pick-prompt")).to_have_text(
        f"Put in tote {first_tote} (slot A) and scan it"
    )
    screen.scan(
        first_tote,
        message=f"Short 1 at {mug_bin}; 1 found elsewhere and added to your list.",
    )
    expect(page.locator("#pick-position")).to_have_text("Line 4 of 4")
    expect(page.locator("#pick-bin")).to_have_text(more_bin)
    page.locator(".pick-lines summary").click()
    expect(page.locator("#pick-lines tr")).to_have_count(4)
    expect(page.locator("#pick-lines tr.short")).to_contain_text(mug_bin)
    page.screenshot(path=str(shots / "3-reallocated.png"), full_page=True)

    # Line 4: the reallocated mug, then the done screen ------------------------------------------
    screen.scan(more_bin_code)
    screen.scan(mug_upc)
    scan(page, first_tote)
    expect(page.locator("#pick-done")).to_have_text(f"Pick list {arranged['number']} is done")
    expect(page.locator(".messages")).to_contain_text(f"Picked 1 x {tag}-MUG into {first_tote}")
    expect(page.get_by_role("button", name="Get more work")).to_be_visible()
    page.screenshot(path=str(shots / "4-done.png"), full_page=True)
    print(f"screenshots: {shots}")

    # The orders are picked, each in its tote at staging ----------------------------------------
    [(schema,)] = live_stack.sql(
        "SELECT schema_name FROM tenants_tenant WHERE slug = %s", [DEMO_SLUG]
    )
    orders = live_stack.sql(
        f'SELECT reference, status FROM "{schema}".picking_order'
        " WHERE reference = ANY(%s) ORDER BY reference",
        [arranged["orders"]],
    )
    assert orders == [(ref, "picked") for ref in arranged["orders"]]
    in_totes = live_stack.sql(
        f'SELECT t.code, p.sku, sum(b.on_hand) FROM "{schema}".inventory_balance b'
        f' JOIN "{schema}".inventory_lpn t ON t.id = b.lpn_id'
        f' JOIN "{schema}".inventory_product p ON p.id = b.product_id'
        " WHERE t.code = ANY(%s) AND b.on_hand > 0 GROUP BY 1, 2 ORDER BY 1, 2",
        [arranged["totes"]],
    )
    assert in_totes == [
        (first_tote, f"{tag}-LAMP", 1),
        (first_tote, f"{tag}-MUG", 2),
        (second_tote, f"{tag}-LAMP", 2),
    ]
    live_stack.manage("check_ledger", "--tenant", DEMO_SLUG)
