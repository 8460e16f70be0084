"""The handheld shell on a phone-sized screen: an operator signs in, lands on the floor page with
the scan box focused, and a keyboard-wedge scanner's back-to-back codes each get their own result
line, in order, while the server is slow (the live stack holds scan POSTs for SCAN_DELAY_MS)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Playwright, Route, expect

from tests.live import LiveStack

pytestmark = pytest.mark.browser

OPERATOR = "operator@demo.test"  # assigned to EAST only; WEST exists but is not theirs
ERROR_BACKGROUND = "rgb(253, 231, 229)"  # --err-bg in static/css/app.css
# Template syntax on the page, e.g. a {# #} comment that spans lines (Django prints those).
TEMPLATE_SOURCE = re.compile(r"\{[#%{]|[#%}]\}")


@pytest.fixture
def browser_context_args(
    browser_context_args: dict[str, Any], playwright: Playwright
) -> dict[str, Any]:
    return {**browser_context_args, **playwright.devices["Pixel 5"]}


@pytest.fixture
def floor(page: Page, live_stack: LiveStack, sign_in: Callable[..., None]) -> Page:
    sign_in(live_stack.base_url, OPERATOR)
    expect(page).to_have_url(f"{live_stack.base_url}/floor/")
    # From a fully loaded page (scan.js set up); scanning during the load has its own test.
    page.wait_for_load_state("load")
    return page


def scan(page: Page, code: str) -> None:
    """What a keyboard-wedge scanner does: the code's keystrokes, then Enter, no pause."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_operator_lands_on_floor_with_the_scan_box_focused(floor: Page) -> None:
    expect(floor.locator("#active-warehouse")).to_have_text("EAST")
    expect(floor.locator("#scan-input")).to_be_focused()
    expect(floor.locator("#scan-log > li")).to_have_count(0)
    expect(floor.locator("body")).not_to_contain_text(TEMPLATE_SOURCE)


def test_back_to_back_scans_each_get_a_result_in_order(floor: Page) -> None:
    for code in ("WEST", "EAST", "NOPE"):
        scan(floor, code)
    # All three were typed while the first was still on the server: they had to queue.
    assert floor.locator("#scan-log > li").count() == 0

    results = floor.locator("#scan-log > li.scan-result")
    # The log puts the newest first.
    expect(results).to_have_count(3)
    expect(results.locator(".scan-code")).to_have_text(["NOPE", "EAST", "WEST"])
    expect(results.locator(".scan-message")).to_have_text(
        [
            "Unknown code “NOPE”: expected a bin, LPN, product barcode or SKU in EAST.",
            "Now working in EAST East Coast DC.",
            "Unknown code “WEST”: expected a bin, LPN, product barcode or SKU in EAST.",
        ]
    )
    assert [results.nth(i).get_attribute("class") for i in range(3)] == [
        "scan-result error",
        "scan-result ok",
        "scan-result error",
    ]
    scan_input = floor.locator("#scan-input")
    expect(scan_input).to_have_value("")
    expect(scan_input).to_be_focused()
    # No fourth line turns up late (a duplicate or an empty scan).
    floor.wait_for_timeout(500)
    expect(results).to_have_count(3)


def test_scans_made_while_the_page_loads_are_sent_once_it_is_ready(
    floor: Page, live_stack: LiveStack
) -> None:
    # Hold scan.js back, as a slow network would, and scan before it runs.
    held: list[Route] = []
    floor.route("**/static/js/scan.js", lambda route: held.append(route))
    floor_url = f"{live_stack.base_url}/floor/"
    floor.goto(floor_url, wait_until="commit")
    scan_input = floor.locator("#scan-input")
    expect(scan_input).to_be_focused()
    scan(floor, "EAST")
    scan(floor, "NOPE")
    assert len(held) == 1
    # Not submitted by the browser itself (a GET that reloads the page and drops the scan).
    assert floor.url == floor_url
    expect(floor.locator("#scan-log > li")).to_have_count(0)

    held[0].continue_()

    results = floor.locator("#scan-log > li.scan-result")
    expect(results.locator(".scan-code")).to_have_text(["NOPE", "EAST"])
    assert [results.nth(i).get_attribute("class") for i in range(2)] == [
        "scan-result error",
        "scan-result ok",
    ]
    expect(scan_input).to_have_value("")
    expect(scan_input).to_be_focused()


def test_error_result_is_styled_and_page_fits_a_360px_screen(
    floor: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    floor.set_viewport_size({"width": 360, "height": 740})
    scan(floor, "EAST")
    scan(floor, "NOPE")

    error = floor.locator("#scan-log > li.scan-result").first
    expect(error).to_have_class("scan-result error")
    expect(error.locator(".scan-code")).to_have_text("NOPE")
    expect(error).to_have_css("background-color", ERROR_BACKGROUND)
    expect(floor.locator("#scan-log > li.scan-result.ok")).to_have_count(1)
    overflow = floor.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    # For a person to look at (pytest -s prints where): the shell as a 360 px handheld shows it.
    shot = tmp_path_factory.mktemp("screens") / "floor-360.png"
    floor.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
