"""A blind cycle count on a handheld (Pixel 5) in real Chromium against the live stack: the
operator gets the count, never sees what the ledger expects, counts short; a manager recounts
(the operator may not); an admin sees expected against counted and approves, and the
difference is posted through the ledger with reason count.

The bin, product and count task are made per run by manage.py shell in the demo tenant; the
task's high priority puts it before any other count."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.live import DEMO_PASSWORD, DEMO_SLUG, LiveStack

pytestmark = pytest.mark.browser

EXPECTED = 37  # on the books; the counters must never see it

ARRANGE = """
import json
from django_tenants.utils import tenant_context
from control.models import CountTask, PlanKind
from inventory.models import Client, Location, Product, Warehouse
from inventory.services import ledger
from tenants.models import Tenant
from wms.accounts.models import User

args = json.loads({args!r})
tag = args["tag"]
with tenant_context(Tenant.objects.get(slug=args["tenant"])):
    east = Warehouse.objects.get(code="EAST")
    client = Client.objects.get(code="acme-outdoor")
    manager = User.objects.get(email="manager@demo.test")
    location = Location.objects.create(warehouse=east, code=f"{{tag}}-BIN", barcode=f"{{tag}}-BIN")
    product = Product.objects.create(client=client, sku=f"{{tag}}-SKU", name="E2E counted")
    ledger.receive(user=manager, product=product, location=location, quantity=args["expected"])
    task = CountTask.objects.create(warehouse=east, location=location, source=PlanKind.ZONE, priority=1000)
    print(json.dumps({{"task": task.pk, "bin": location.code, "sku": product.sku}}))
"""


@pytest.fixture
def browser_context_args(
    browser_context_args: dict[str, Any], playwright: Playwright
) -> dict[str, Any]:
    return {**browser_context_args, **playwright.devices["Pixel 5"]}


def _blind(page: Page) -> None:
    assert str(EXPECTED) not in page.content()


def _count(page: Page, site: str, task_url: str, bin_code: str, sku: str, units: int) -> None:
    page.goto(f"{site}/floor/count/")
    page.get_by_role("button", name="Get work").click()
    expect(page).to_have_url(task_url)
    expect(page.locator("#count-bin")).to_have_text(bin_code)
    _blind(page)
    page.get_by_label("Bin").fill(bin_code)
    page.get_by_role("button", name="Scan bin").click()
    expect(page.locator("#count-done")).to_contain_text(f"Bin {bin_code}")
    _blind(page)
    page.get_by_label("Item or case").fill(sku)
    page.get_by_label("Quantity").fill(str(units))
    page.get_by_role("button", name="Add").click()
    expect(page.locator("#count-lines")).to_contain_text(sku)
    _blind(page)
    page.get_by_role("button", name=f"Finish bin {bin_code}").click()
    expect(page.locator("#count-done")).to_have_text(f"Count of {bin_code} sent. Thank you.")
    _blind(page)


def test_blind_count_recount_and_approval(
    page: Page, browser: Browser, live_stack: LiveStack, sign_in: Callable[..., None]
) -> None:
    tag = f"E2EC{secrets.token_hex(3).upper()}"
    args = {"tenant": DEMO_SLUG, "tag": tag, "expected": EXPECTED}
    arranged = json.loads(
        live_stack.manage("shell", "-c", ARRANGE.format(args=json.dumps(args))).splitlines()[-1]
    )
    site = live_stack.base_url
    task_url = f"{site}/floor/count/{arranged['task']}/"

    sign_in(site, "operator@demo.test")
    _count(page, site, task_url, arranged["bin"], arranged["sku"], 30)
    # the first counter is not handed the recount
    page.goto(task_url)
    page.get_by_label("Bin").fill(arranged["bin"])
    page.get_by_role("button", name="Scan bin").click()
    expect(page.locator("#count-error")).to_have_text(
        "A recount must be done by someone other than the first counter."
    )

    page.context.clear_cookies()
    sign_in(site, "manager@demo.test")
    _count(page, site, task_url, arranged["bin"], arranged["sku"], 30)

    # The review is a desk page: a desktop browser.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.goto(f"{site}/accounts/login/")
    desk.get_by_label("E-mail").fill("admin@demo.test")
    desk.get_by_label("Password").fill(DEMO_PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    desk.goto(f"{site}/control/counts/{arranged['task']}/")
    recount = desk.locator("#round-2 tbody tr")
    expect(recount).to_have_count(1)
    expect(recount.locator("td").nth(3)).to_have_text(str(EXPECTED))
    expect(recount.locator("td").nth(5)).to_have_text("-7")
    desk.get_by_label("Decision").select_option("approve")
    desk.get_by_role("button", name="Decide").click()
    expect(desk.locator("#count-status")).to_have_text("Approved")
    [(schema,)] = live_stack.sql(
        "SELECT schema_name FROM tenants_tenant WHERE slug = %s", [DEMO_SLUG]
    )
    moves = live_stack.sql(
        f'SELECT quantity, reason_code FROM "{schema}".inventory_stockmove'
        " WHERE reason = 'count' AND reference_id = %s",
        [str(arranged["task"])],
    )
    assert moves == [(7, "cycle_count")]
