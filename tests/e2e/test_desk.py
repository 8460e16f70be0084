"""The manager's desk in real Chromium at 1440x900 and 1024x768: the morning dashboard's numbers
for a seeded warehouse and a server-drawn chart; the global search finding each kind of code; a
list sorted, filtered and exported; the 404 and 500 pages in the app's shell. Nothing spills
sideways at either width.

The scenario lives in a warehouse of its own (a fresh code per run) in the shared live stack's
demo tenant, so the other browser tests' orders do not change its figures."""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.live import DEMO_SLUG, LiveStack

pytestmark = pytest.mark.browser

MANAGER = "manager@demo.test"
VIEWPORTS = [
    pytest.param({"width": 1440, "height": 900}, id="1440x900"),
    pytest.param({"width": 1024, "height": 768}, id="1024x768"),
]

# The warehouse D<tag>: two orders due today and open (DUE1 allocated without a wave, on UPS;
# DUE2 picking, on USPS), DONE due today and shipped, LATE due yesterday, BACK backordered; a
# packed order SHIP-<tag> with a shipped carton (tracking 1Z<tag>); an ASN, a product, a bin and
# a pallet. Received today: 5 units into the bin and 2 into the packed carton (7 units, 2 lines).
ARRANGE = """
import datetime as dt
import json
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context
from inventory.models import Client, Location, LocationKind, Lpn, LpnKind, Product, Warehouse
from inventory.services import ledger
from inventory.services.master import ensure_virtual_locations
from picking.models import Order
from receiving.services import AsnLineSpec, create_asn
from shipping.models import Shipment
from tenants.models import Tenant
from tests.shipping.shipments_fixtures import make_packed_order
from wms.accounts.models import User

args = json.loads({args!r})
tag = args["tag"]
with tenant_context(Tenant.objects.get(slug=args["tenant"])):
    wh = Warehouse.objects.create(code="D" + tag, name="Dashboard " + tag, time_zone="UTC")
    ensure_virtual_locations(wh)
    client = Client.objects.get(code="acme-outdoor")
    manager = User.objects.get(email="manager@demo.test")
    today = timezone.now().date()
    day = dt.timedelta(days=1)
    def order(name, status, **fields):
        return Order.objects.create(
            client=client, warehouse=wh, reference=name + "-" + tag, status=status,
            ship_to_name="Ada Lovelace", ship_to_street1="1 Analytical Way",
            ship_to_city="Boston", ship_to_postal_code="02110", **fields)
    due = order("DUE1", "allocated", ship_by=today, carrier_service="UPS Ground")
    order("DUE2", "picking", ship_by=today, carrier_service="USPS Priority")
    order("DONE", "shipped", ship_by=today, carrier_service="UPS Ground")
    order("LATE", "released", ship_by=today - day)
    order("BACK", "backordered", ship_by=today + day)
    product = Product.objects.create(client=client, sku="SKU-" + tag, name="Dashboard tent")
    bin = Location.objects.create(warehouse=wh, code="BIN-" + tag, barcode="BIN-" + tag,
                                  kind=LocationKind.STORAGE)
    pallet = Lpn.objects.create(code="LPN" + tag, kind=LpnKind.PALLET, warehouse=wh, location=bin)
    ledger.receive(user=manager, product=product, quantity=5, location=bin,
                   reference_type="e2e", reference_id=tag)
    asn = create_asn(client=client, warehouse=wh, reference="ASN-" + tag, carrier="DHL",
                     lines=[AsnLineSpec(product, 3)], user=manager)
    packed = make_packed_order(user=manager, warehouse=wh, client=client,
                               reference="SHIP-" + tag, open_shipments=False)
    shipment = Shipment.objects.create(
        carton=packed.cartons[0], order=packed.order, warehouse=wh, client=client,
        status="shipped", carrier="UPS", tracking_code="1Z" + tag, shipped_at=timezone.now())
    print(json.dumps({{
        "warehouse": wh.code,
        "warehouse_pk": wh.pk,
        "pages": {{
            "DUE1-" + tag: reverse("order_detail", args=[due.pk]),
            "ASN-" + tag: reverse("asn_detail", args=[asn.pk]),
            "SKU-" + tag: reverse("stock_product", args=[product.pk]),
            "LPN" + tag: reverse("lpn_list") + "?q=LPN" + tag,
            "BIN-" + tag: reverse("stock_location", args=[bin.pk]),
            "1Z" + tag: reverse("shipment_detail", args=[shipment.pk]),
        }},
    }}))
"""


@pytest.fixture(scope="module")
def scenario(live_stack: LiveStack) -> dict[str, Any]:
    tag = secrets.token_hex(3).upper()
    args = {"tenant": DEMO_SLUG, "tag": tag}
    output = live_stack.manage("shell", "-c", ARRANGE.format(args=json.dumps(args)))
    arranged: dict[str, Any] = json.loads(output.splitlines()[-1])
    arranged["tag"] = tag
    return arranged


@pytest.fixture
def desk(
    page: Page, live_stack: LiveStack, sign_in: Callable[..., None]
) -> Callable[[dict[str, int]], str]:
    """Signs the manager in at a viewport; returns the site's base URL."""

    def open_at(viewport: dict[str, int]) -> str:
        page.set_viewport_size(viewport)
        base = live_stack.base_url
        sign_in(base, MANAGER)
        expect(page).to_have_url(f"{base}/dashboard/")
        return base

    return open_at


def assert_fits(page: Page) -> None:
    """Nothing wider than the window: no sideways scrolling, the sidebar in view."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_dashboard_numbers_and_a_chart(
    page: Page, desk: Callable[..., str], scenario: dict[str, Any], viewport: dict[str, int]
) -> None:
    base = desk(viewport)
    code = scenario["warehouse"]
    page.get_by_role("navigation", name="Warehouse").get_by_role("link", name=code).click()
    expect(page).to_have_url(f"{base}/dashboard/?warehouse={code}&measure=units")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Today at {code}")
    for figure, value in [
        ("due_today", "2"),
        ("late", "1"),
        ("backordered", "1"),
        ("waiting_for_wave", "1"),
    ]:
        expect(page.locator(f"#orders-{code}-{figure}")).to_have_text(value)
    cutoffs = page.locator("#carrier-cutoffs tbody tr")
    expect(cutoffs.filter(has_text="UPS")).to_contain_text("16:00")
    expect(cutoffs.filter(has_text="USPS")).to_contain_text("15:00")
    # The received chart: drawn on the server, 7 units so far today, one bar per hour so far.
    chart = page.locator("svg#chart-receipt")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("data-total-today", "7")
    assert chart.bounding_box()["width"] > 200  # type: ignore[index]
    bars = chart.locator("rect.bar")
    assert bars.count() >= 1
    assert sum(int(bars.nth(i).get_attribute("data-value") or 0) for i in range(bars.count())) == 7
    expect(page.locator("#throughput").get_by_role("row", name="Received 7 2")).to_be_visible()
    # The lines view of the same chart: 2 lines.
    page.get_by_role("navigation", name="Measure").get_by_role("link", name="Lines").click()
    expect(page.locator("svg#chart-receipt")).to_have_attribute("data-total-today", "2")
    # A count opens its list.
    page.locator(f"#orders-{code}-late").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orders")
    expect(page.locator("table.orders tbody tr")).to_have_count(1)
    expect(page.locator("table.orders tbody")).to_contain_text(f"LATE-{scenario['tag']}")
    assert_fits(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_global_search_finds_each_kind_of_code(
    page: Page, desk: Callable[..., str], scenario: dict[str, Any], viewport: dict[str, int]
) -> None:
    base = desk(viewport)
    for code, path in scenario["pages"].items():
        box = page.get_by_role("searchbox", name="Find a code")
        box.fill(code)
        box.press("Enter")
        expect(page).to_have_url(f"{base}{path}")
        assert_fits(page)
    box = page.get_by_role("searchbox", name="Find a code")
    box.fill("NO-SUCH-CODE-" + scenario["tag"])
    box.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Nothing you can see has the code")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_list_sorts_filters_and_exports(
    page: Page, desk: Callable[..., str], scenario: dict[str, Any], viewport: dict[str, int]
) -> None:
    base = desk(viewport)
    tag = scenario["tag"]
    page.goto(f"{base}/outbound/orders/?warehouse={scenario['warehouse_pk']}")
    references = page.locator("table.orders tbody tr td:nth-child(2)")
    expected = [f"{name}-{tag}" for name in ("BACK", "DONE", "DUE1", "DUE2", "LATE", "SHIP")]
    page.get_by_role("link", name="Reference", exact=True).click()
    expect(references).to_have_text(expected)
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Reference")
    page.get_by_role("link", name="Reference", exact=True).click()
    expect(references).to_have_text(list(reversed(expected)))
    # A filter narrows the list in place and keeps the sort; the URL says both.
    page.get_by_role("combobox", name="Status").select_option(
        label="Open (not shipped or cancelled)"
    )
    expect(references).to_have_text(
        [f"{name}-{tag}" for name in ("SHIP", "LATE", "DUE2", "DUE1", "BACK")]
    )
    expect(page).to_have_url(re.compile(r"status=open.*sort=-reference"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export these to CSV").click()
    download = download_info.value
    with open(download.path(), encoding="utf-8-sig") as exported:
        rows = list(csv.DictReader(io.StringIO(exported.read())))
    assert [(row["Reference"], row["Warehouse"]) for row in rows] == [
        (f"{name}-{tag}", scenario["warehouse"])
        for name in ("SHIP", "LATE", "DUE2", "DUE1", "BACK")
    ]
    assert_fits(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_404_and_500_pages_render_in_the_shell(
    page: Page, desk: Callable[..., str], viewport: dict[str, int]
) -> None:
    base = desk(viewport)
    missing = page.goto(f"{base}/no-such-page/")
    assert missing is not None and missing.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_role("searchbox", name="Find a code")).to_be_visible()
    assert_fits(page)
    crashed = page.goto(f"{base}/e2e-crash/")
    assert crashed is not None and crashed.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text("Something went wrong on our side")
    expect(page.locator(".sidebar .brand")).to_be_visible()
    # The page's stylesheet loaded (the shell's grid is laid out, not plain text).
    assert page.evaluate("getComputedStyle(document.querySelector('.shell')).display") == "grid"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
