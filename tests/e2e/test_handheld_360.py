"""The pack station and the receive page on a 360 x 640 handheld in real Chromium (issue 18, goal
6): no sideways scrolling at any step, every input, button and link at least 48 px high,
checkboxes as big toggles, "Close carton" on screen and not covered while the panels refresh
(the refresh is held open by the test), and the receive page's line table counting along with
each scan without a reload. The data is made as the pack and inbound flows make theirs."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.test_inbound_flow import ARRANGE as ARRANGE_ASN
from tests.e2e.test_inbound_flow import EXPECTED, PLAIN_SKU, Db
from tests.e2e.test_pack_flow import ARRANGE as ARRANGE_PICKED_ORDER
from tests.e2e.test_pack_flow import scan
from tests.live import DEMO_SLUG, LiveStack

pytestmark = pytest.mark.browser

OPERATOR = "operator@demo.test"  # assigned to EAST
WIDTH, HEIGHT = 360, 640
MIN_TARGET_PX = 48

# Every visible control of the page that is smaller than a thumb, as "tag#id.class 'text' h=..".
SMALL_TARGETS = """(minimum) => {
  const small = [];
  for (const el of document.querySelectorAll(
      "main input:not([type=hidden]), main select, main button, main a, main summary")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // not shown
    const tooSmall = box.height < minimum || (el.type === "checkbox" && box.width < minimum);
    if (tooSmall) small.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} `
      + `'${(el.textContent || el.name || "").trim().slice(0, 30)}' ${Math.round(box.width)}x`
      + `${Math.round(box.height)}`);
  }
  return small;
}"""

# True when the middle of the element is the element (or inside it): nothing lies on top.
ON_TOP = """(el) => {
  const box = el.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return hit !== null && (hit === el || el.contains(hit));
}"""


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": {"width": WIDTH, "height": HEIGHT},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    }


def assert_fits_a_handheld(page: Page, where: str) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= WIDTH, f"{where}: {scroll_width} px wide scrolls sideways"
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == [], where


def test_the_pack_station_fits_360_px_and_close_carton_stays_reachable_while_panels_refresh(
    page: Page, live_stack: LiveStack, sign_in: Callable[..., None]
) -> None:
    reference = f"E2E-360-{secrets.token_hex(3).upper()}"
    tote = f"TOTE-{secrets.token_hex(3).upper()}"
    args = {"tenant": DEMO_SLUG, "reference": reference, "tote": tote, "operator": OPERATOR}
    output = live_stack.manage("shell", "-c", ARRANGE_PICKED_ORDER.format(args=json.dumps(args)))
    arranged: dict[str, Any] = json.loads(output.splitlines()[-1])
    codes = arranged["codes"]
    base = live_stack.base_url
    order_url = f"{base}/floor/pack/orders/{arranged['order']}/"

    sign_in(base, OPERATOR)
    expect(page).to_have_url(f"{base}/floor/")
    page.goto(f"{base}/floor/pack/")
    page.wait_for_load_state("load")
    assert_fits_a_handheld(page, "pack station")
    scan(page, tote)
    expect(page).to_have_url(order_url)
    page.wait_for_load_state("load")
    assert_fits_a_handheld(page, "order with its proposal")

    proposed = page.locator("li.proposed-box").first
    box = proposed.get_attribute("data-box")
    proposed.get_by_role("button", name=f"Open {box}").click()
    expect(page.locator(".msg-success")).to_contain_text(f"Carton 1 ({box}) is open")
    page.wait_for_load_state("load")
    assert_fits_a_handheld(page, "open carton")
    close = page.get_by_role("button", name="Close carton 1")

    # Hold the panels' refresh (htmx's GET of the order page) open while the operator looks.
    held: list[Route] = []

    def hold_refresh(route: Route) -> None:
        if route.request.headers.get("hx-request") == "true":
            held.append(route)
        else:
            route.continue_()

    page.route(order_url, hold_refresh)
    scan(page, codes["ACM-0001"])
    expect(page.locator("#scan-log > li.scan-result.ok")).to_have_count(1)
    expect(page.locator("#pack-panels.htmx-request")).to_have_count(1)  # the refresh is in flight
    close.scroll_into_view_if_needed()
    expect(close).to_be_in_viewport()
    assert close.evaluate(ON_TOP), "something covers Close carton during the refresh"
    assert_fits_a_handheld(page, "panels refreshing")
    assert len(held) == 1
    held[0].continue_()
    page.unroute(order_url)
    expect(page.locator("#pack-panels.htmx-request")).to_have_count(0)
    expect(page.locator("#remaining-count")).to_have_text("2")

    for code in (codes["ACM-0001"], codes["ACM-0002"]):
        scan(page, code)
    expect(page.locator("#remaining-count")).to_have_text("0")
    assert_fits_a_handheld(page, "all packed, before closing")
    expected = page.locator(".close-form").inner_text()
    weight = expected.split("expected ", 1)[1].split(" g", 1)[0]
    page.locator("#weight").fill(weight)
    close.scroll_into_view_if_needed()
    assert close.evaluate(ON_TOP)
    close.tap()
    expect(page.locator(".msg-success")).to_contain_text(f"Order {reference} is packed")
    assert_fits_a_handheld(page, "packed")


def test_the_receive_page_fits_360_px_and_its_line_table_counts_with_each_scan(
    page: Page, live_stack: LiveStack, sign_in: Callable[..., None]
) -> None:
    db = Db(live_stack)
    reference = f"E2E-360-{secrets.token_hex(3).upper()}"
    args = {"tenant": DEMO_SLUG, "reference": reference, "lines": EXPECTED, "operator": OPERATOR}
    arranged = json.loads(
        live_stack.manage("shell", "-c", ARRANGE_ASN.format(args=json.dumps(args))).splitlines()[-1]
    )
    plain_upc = db.barcode(PLAIN_SKU, 1)
    sign_in(live_stack.base_url, OPERATOR)
    expect(page).to_have_url(f"{live_stack.base_url}/floor/")
    page.goto(f"{live_stack.base_url}/floor/receive/{arranged['asn']}/")
    page.wait_for_load_state("load")
    assert_fits_a_handheld(page, "receive")

    damaged = page.get_by_label("Damaged")
    toggle = damaged.bounding_box()
    assert toggle is not None
    assert toggle["width"] >= MIN_TARGET_PX and toggle["height"] >= MIN_TARGET_PX
    damaged.tap()
    expect(damaged).to_be_checked()
    damaged.tap()
    expect(damaged).not_to_be_checked()

    row = page.locator(f'#receive-lines tr[data-sku="{PLAIN_SKU}"] td.num')
    expect(row).to_have_text("0/2")
    scan(page, plain_upc)
    expect(row).to_have_text("1/2")
    scan(page, plain_upc)
    expect(row).to_have_text("2/2")
    expect(page.locator("#scan-log > li.scan-result.ok")).to_have_count(2)
    assert_fits_a_handheld(page, "receive after two scans")
