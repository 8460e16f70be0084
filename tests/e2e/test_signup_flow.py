"""A company signs up on the public site, watches its site being built by the real worker, and its
first admin signs in on the new subdomain."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.live import LiveStack

pytestmark = [pytest.mark.browser, pytest.mark.worker]

PASSWORD = "a-long-secret-99"
# Provisioning clones the template schema in about a second; polling adds up to 0.7 s.
READY_TIMEOUT_MS = 20_000


def fill_signup(page: Page, *, company: str, slug: str, email: str) -> None:
    page.get_by_label("Company name").fill(company)
    page.get_by_label("Address", exact=True).fill(slug)
    page.get_by_label("Your e-mail (the first admin)").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my site").click()


def tenant_rows(live_stack: LiveStack, slug: str) -> list[tuple[Any, ...]]:
    return live_stack.sql(
        "SELECT status, pending_admin_password FROM tenants_tenant WHERE slug = %s", [slug]
    )


def test_signup_shows_progress_until_ready_and_the_admin_signs_in(
    page: Page, live_stack: LiveStack, sign_in: Callable[..., None]
) -> None:
    slug = f"e2e-{secrets.token_hex(3)}"
    email = f"boss@{slug}.test"
    page.goto(f"{live_stack.public_url}/")
    page.get_by_role("link", name="Start your warehouse").click()
    expect(page).to_have_url(f"{live_stack.public_url}/signup/")

    # With the worker held off its queue the page must show the queued state, not a finished one.
    with live_stack.worker_paused():
        fill_signup(page, company="Northwind Fulfilment", slug=slug, email=email)
        expect(page).to_have_url(re.compile(rf"^{live_stack.public_url}/signup/[0-9a-f-]{{36}}/$"))
        status_url = page.url
        status = page.locator("#signup-status")
        expect(page.get_by_role("heading")).to_have_text("Setting up Northwind Fulfilment")
        expect(status).to_have_attribute("data-status", "pending")
        expect(status).to_contain_text("Queued: waiting for a worker…")
        expect(page.locator("#tenant-login")).to_have_count(0)
        assert live_stack.get(f"{slug}.localhost", "/accounts/login/").status_code == 404

    # htmx polls the status partial in place: the page itself is never reloaded.
    expect(status).to_contain_text("Your site is ready.", timeout=READY_TIMEOUT_MS)
    expect(status).to_have_attribute("data-status", "ready")
    assert page.url == status_url
    assert tenant_rows(live_stack, slug) == [("ready", "")]

    login_link = page.locator("#tenant-login")
    expect(login_link).to_have_text(f"Sign in at {slug}")
    expect(login_link).to_have_attribute("href", f"{live_stack.tenant_url(slug)}/accounts/login/")
    login_link.click()
    expect(page).to_have_url(f"{live_stack.tenant_url(slug)}/accounts/login/")

    sign_in(live_stack.tenant_url(slug), email, PASSWORD)
    expect(page).to_have_url(f"{live_stack.tenant_url(slug)}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today in all warehouses")
    expect(page.locator(".who")).to_contain_text(email)
    expect(page.locator(".tenant-name")).to_have_text("Northwind Fulfilment")


def test_signup_with_a_taken_slug_shows_the_field_error_and_creates_nothing(
    page: Page, live_stack: LiveStack
) -> None:
    tenants_before = live_stack.sql("SELECT count(*) FROM tenants_tenant")
    page.goto(f"{live_stack.public_url}/signup/")

    fill_signup(page, company="Copycat", slug="demo", email="boss@copycat.test")

    expect(page).to_have_url(f"{live_stack.public_url}/signup/")
    slug_field = page.locator(".field", has=page.get_by_label("Address", exact=True))
    expect(slug_field).to_have_class("field has-error")
    expect(slug_field.locator(".field-error")).to_have_text(
        "“demo” is already taken. Choose another."
    )
    expect(page.locator(".field-error")).to_have_count(1)
    assert live_stack.sql("SELECT count(*) FROM tenants_tenant") == tenants_before
