"""No page breaks under the Content-Security-Policy: real Chromium visits the desktop pages (every
page the admin's navigation reaches, and one of each kind of page linked from there), the public
site, a handheld session with scans (the floor page, then a pick list and its bin scan), the
users' token page with its confirmation, and the API docs (Swagger UI); it fails on any CSP
violation ("Refused to …" in the console, or a securitypolicyviolation event), any
Permissions-Policy complaint, and any script error."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, expect

from tests.live import DEMO_PASSWORD, LiveStack

pytestmark = pytest.mark.browser

ADMIN = "admin@demo.test"
MANAGER = "manager@demo.test"
MAX_PAGES = 60
# Not documents to check: downloads (labels, CSV), the API, signing out, raw-data admin detail
# pages (Django's own templates; the index and a changelist are visited), and the handheld
# pages (visited on a phone below).
SKIP = re.compile(
    r"^/(api/|labels/|accounts/logout|admin/.+/.+/.+|floor/)|\.(csv|pdf|zpl|json)$|/(label|slip|pdf)"
)
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""
COMPLAINT = re.compile(
    r"Refused to|Content.Security.Policy|Permissions.Policy|permissions policy", re.I
)


class Watch:
    """What the browser said while pages were shown: CSP and Permissions-Policy complaints and
    uncaught script errors, with the page they happened on."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))

    def on_console(self, message: ConsoleMessage) -> None:
        if COMPLAINT.search(message.text):
            self.problems.append(f"{self.page.url}: {message.text}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        self.page.wait_for_load_state("load")
        self.settle()

    def settle(self) -> None:
        """Collects the violations the page recorded (after htmx settled)."""
        self.page.wait_for_timeout(150)
        for violation in self.page.evaluate("window.__cspViolations || []"):
            self.problems.append(f"{self.page.url}: {violation}")
        self.page.evaluate("window.__cspViolations = []")


@pytest.fixture
def watch(page: Page) -> Iterator[Watch]:
    watch = Watch(page)
    yield watch
    assert watch.problems == [], "\n".join(sorted(set(watch.problems)))


def same_site_links(page: Page, base_url: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    netloc = urlsplit(base_url).netloc
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc == netloc and parts.path and not SKIP.search(parts.path):
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def kind_of(path: str) -> str:
    """/outbound/orders/17/ and /outbound/orders/18/ are one kind of page."""
    return re.sub(r"\d+", "N", path.split("?")[0])


def test_desktop_pages_public_site_and_api_docs_load_nothing_the_policy_refuses(
    page: Page, watch: Watch, live_stack: LiveStack, sign_in: Callable[..., None]
) -> None:
    for path in ("/", "/signup/"):
        watch.visit(f"{live_stack.public_url}{path}")
    base = live_stack.base_url
    sign_in(base, ADMIN)
    expect(page).to_have_url(f"{base}/dashboard/")
    watch.settle()

    nav = [f"{base}{path}" for path in same_site_links(page, base)]
    queue = [*nav, f"{base}/admin/", f"{base}/admin/accounts/user/"]
    seen: set[str] = set()
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.pop(0)
        kind = kind_of(urlsplit(url).path)
        if kind in seen:
            continue
        seen.add(kind)
        watch.visit(url)
        visited += 1
        if url in nav:  # one level below the navigation
            queue += [f"{base}{path}" for path in same_site_links(page, base)]
    assert visited >= 25, sorted(seen)

    # htmx under the policy: the user search swaps its table without a reload.
    watch.visit(f"{base}/users/")
    page.get_by_role("searchbox", name="Search users").fill("manager@")
    expect(page.locator("#users-table")).to_contain_text("manager@demo.test")
    expect(page.locator("#users-table")).not_to_contain_text("operator@demo.test")
    watch.settle()

    # Swagger UI renders (its scripts ran) and shows the API's title.
    watch.visit(f"{base}/api/v1/docs")
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("FluxVantage API")
    watch.settle()


def test_token_revoke_still_asks_first(
    page: Page, watch: Watch, live_stack: LiveStack, sign_in: Callable[..., None]
) -> None:
    base = live_stack.base_url
    sign_in(base, ADMIN)
    expect(page).to_have_url(f"{base}/dashboard/")
    watch.visit(f"{base}/users/")
    page.get_by_role("row", name=re.compile("client@demo.test")).get_by_role(
        "link", name="API tokens"
    ).click()
    page.get_by_label("Name").fill("CSP check")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_be_visible()
    watch.settle()

    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    row = page.get_by_role("row", name=re.compile("CSP check"))
    row.get_by_role("button", name="Revoke").click()
    expect(row.get_by_role("button", name="Revoke")).to_be_visible()  # dismissed: still active
    assert asked and asked[0].startswith("Revoke “CSP check”?")
    watch.settle()


@pytest.fixture
def handheld(browser: Browser, playwright: Playwright) -> Iterator[Page]:
    """A phone-sized page (Pixel 5) beside the desktop one."""
    context = browser.new_context(**playwright.devices["Pixel 5"])
    try:
        yield context.new_page()
    finally:
        context.close()


def scan(page: Page, code: str) -> None:
    page.locator("#scan-input").focus()
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_handheld_pages_and_scans_work_under_the_policy(
    handheld: Page, live_stack: LiveStack
) -> None:
    page = handheld
    watch = Watch(page)
    base = live_stack.base_url
    # The manager picks in WEST: the operator of the other browser tests works EAST only.
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(MANAGER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    watch.visit(f"{base}/floor/")
    scan(page, "WEST")
    expect(page.locator("#scan-log .scan-result.ok")).to_contain_text("Now working in WEST")
    watch.settle()

    for path in ("/floor/receive/", "/floor/receive/blind/", "/floor/putaway/", "/floor/pack/",
                 "/floor/ship/", "/floor/lookup/", "/floor/pick/"):  # fmt: skip
        watch.visit(f"{base}{path}")
    # A client's blind receipt: the receive scan box with its Qty/Lot/Expiry fields.
    page.goto(f"{base}/floor/receive/blind/")
    page.locator("a[href*='/floor/receive/blind/']").first.click()
    page.wait_for_load_state("load")
    page.locator("input[name=quantity]").fill("3")
    scan(page, "NO-SUCH-ITEM")
    expect(page.locator("#scan-log .scan-result.error")).to_have_count(1)
    expect(page.locator("input[name=quantity]")).to_have_value("")  # cleared after the scan
    watch.settle()

    # A pick list: its step script and styles, and a bin scan moving it to the next step.
    page.goto(f"{base}/floor/pick/")
    page.get_by_role("button", name=re.compile("Get (more )?work", re.I)).first.click()
    expect(page.locator("#pick-step")).to_be_visible()
    expect(page.locator(".pick-bin")).to_have_css("font-weight", "800")  # its stylesheet applies
    watch.settle()
    bin_code = page.locator("#pick-bin").inner_text()
    scan(page, bin_code)
    expect(page.locator("#scan-log .scan-result").first).to_have_attribute("data-ok", "1")
    expect(page.locator("#pick-step")).not_to_have_attribute("data-step", "bin")
    watch.settle()
    assert watch.problems == [], "\n".join(sorted(set(watch.problems)))
