"""The app's own 404, 403 and 500 pages, in its shell; the 500 page needs no database; `make run`
shows them unless a developer turns debug pages on."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.test import RequestFactory

from tests.helpers import element, visible_text
from wms.errors import server_error


def test_unknown_page_is_a_404_in_the_desk_shell(http_for: Any, manager: Any) -> None:
    response = http_for(manager).get("/no-such-page/")
    assert response.status_code == 404
    assert element(response.content, "h1").get_text() == "Not found"
    # The shell: the navigation by process and the search box are there.
    assert element(response.content, "nav[aria-label=Main]") is not None
    assert element(response.content, "#global-search-q") is not None


def test_unknown_handheld_page_is_a_404_in_the_handheld_shell(http_for: Any, operator: Any) -> None:
    response = http_for(operator).get("/floor/no-such-page/")
    assert response.status_code == 404
    assert element(response.content, ".hh-bar") is not None
    assert "Not found" in visible_text(response.content)


def test_a_404_for_someone_signed_out_shows_no_navigation(acme: Any) -> None:
    response = HttpClient(HTTP_HOST="acme.localhost").get("/no-such-page/")
    assert response.status_code == 404
    assert element(response.content, "nav[aria-label=Main]") is None
    assert "Not found" in visible_text(response.content)


def test_a_404_on_the_public_site_renders_without_any_tenant(public: None) -> None:
    response = HttpClient(HTTP_HOST="localhost").get("/no-such-page/")
    assert response.status_code == 404
    assert "Not found" in visible_text(response.content)


def test_a_page_the_role_may_not_use_is_a_403_in_the_shell(http_for: Any, operator: Any) -> None:
    response = http_for(operator).get("/billing/")
    assert response.status_code == 403
    assert element(response.content, "h1").get_text() == "Not allowed"
    assert element(response.content, "nav[aria-label=Main]") is not None


def test_the_500_page_is_static_and_reads_no_database(
    acme: Any, django_assert_num_queries: Any
) -> None:
    request = RequestFactory().get("/dashboard/", HTTP_HOST="acme.localhost")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in visible_text(response.content)
    assert element(response.content, ".sidebar .brand") is not None


def test_an_unhandled_error_answers_the_500_page(
    http_for: Any, manager: Any, settings: Any
) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "devtools.e2e_middleware.crash_middleware"]
    http = http_for(manager)
    http.raise_request_exception = False
    response = http.get("/e2e-crash/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in visible_text(response.content)


def test_an_unhandled_api_error_stays_json(http_for: Any, manager: Any) -> None:
    request = RequestFactory().get("/api/v1/orders", HTTP_HOST="acme.localhost")
    response = server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(("debug", "expected"), [(None, "False"), ("1", "True")])
def test_make_run_shows_debug_pages_only_when_asked(debug: str | None, expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    if debug is not None:
        env["DEBUG"] = debug
    result = subprocess.run(
        [sys.executable, "-c", "import wms.settings.dev as s; print(s.DEBUG)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == expected
