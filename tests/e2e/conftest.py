"""Cross-process tests: one live stack (tests/live.py) and one Chromium for the whole session.

These tests never touch the pytest test database: everything they check lives in the live stack's
own database, reached through its web server, its worker, or `live_stack.sql(...)`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from devtools.easypost_fake import FakeEasyPost
from tests.live import DEMO_PASSWORD, LiveStack, running_live_stack

CHROMIUM = "/usr/bin/chromium"
# --no-sandbox: we run as root. The rest keep Chromium off the (closed) network at start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# The shared stack's web server and worker buy labels from a fake EasyPost in this process.
EASYPOST_KEY = "EZTK_shared_e2e_stack"


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    with FakeEasyPost(api_key=EASYPOST_KEY) as fake:
        env = {
            "EASYPOST_API_BASE": fake.api_base,
            "EASYPOST_API_KEY": EASYPOST_KEY,
            "EASYPOST_TIMEOUT": "5",
        }
        with running_live_stack(tmp_path_factory.mktemp("live_stack"), extra_env=env) as stack:
            yield stack


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def sign_in(page: Page) -> Callable[..., None]:
    """Signs `page` in through a tenant's login form; the test asserts where it lands."""

    def submit(site_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(f"{site_url}/accounts/login/")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return submit


@pytest.fixture(scope="session")
def base_url() -> None:
    """No default base URL: each test names the site it visits (a tenant or the public site).
    Also replaces pytest-playwright's fallback fixture, which pytest 9 flags as deprecated."""
    return None
