"""Every HTML page carries a strict Content-Security-Policy (everything 'self', the rest 'none')
and a Permissions-Policy that turns off the browser features no page uses; the API docs add
data: images only; PDFs (Chromium's viewer breaks under a CSP) and JSON carry no CSP. The
templates keep what the policy allows: no inline script, style or event handler. Real Chromium
checks the pages themselves in tests/e2e/test_content_security_policy.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client as HttpClient

from tests.factories import LocationFactory


def policy(response: Any) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: sources} (its order is django-csp's)."""
    directives = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {name: sources for name, *sources in directives}


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "manifest-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), browsing-topics=(), camera=(), display-capture=(), encrypted-media=(), "
    "geolocation=(), gyroscope=(), hid=(), idle-detection=(), local-fonts=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), publickey-credentials-get=(), serial=(), usb=(), "
    "window-management=(), xr-spatial-tracking=()"
)


@pytest.mark.parametrize(
    ("host", "path", "status"),
    [
        ("localhost", "/", 200),
        ("localhost", "/signup/", 200),
        ("acme.localhost", "/accounts/login/", 200),
        ("acme.localhost", "/no-such-page/", 404),
    ],
)
def test_html_pages_carry_the_strict_policies(acme: Any, host: str, path: str, status: int) -> None:
    response = HttpClient(HTTP_HOST=host).get(path)
    assert response.status_code == status
    assert policy(response) == CSP
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_signed_in_pages_desktop_and_handheld_carry_them_too(http_for: Any, manager: Any) -> None:
    http = http_for(manager)
    for path in ("/dashboard/", "/floor/", "/outbound/orders/"):
        response = http.get(path)
        assert response.status_code == 200, path
        assert policy(response) == CSP, path


def test_api_docs_allow_data_images_and_nothing_else_more(acme: Any) -> None:
    response = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/docs")
    assert response.status_code == 200
    assert policy(response) == {**CSP, "img-src": ["'self'", "data:"]}


def test_json_and_pdf_carry_no_csp(http_for: Any, manager: Any, east: Any) -> None:
    schema = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json")
    assert schema["Content-Type"] == "application/json"
    assert "Content-Security-Policy" not in schema
    assert schema["Permissions-Policy"] == PERMISSIONS_POLICY

    location = LocationFactory(warehouse=east, code="A-01-01")
    label = http_for(manager).get(f"/labels/location/{location.pk}.pdf")
    assert (label.status_code, label["Content-Type"]) == (200, "application/pdf")
    assert "Content-Security-Policy" not in label


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
HTMX_EVAL = re.compile(r"\shx-on[:-]|hx-vals='js:|hx-vars=", re.I)


def test_templates_have_no_inline_script_style_or_event_handler() -> None:
    offenders = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text()
        for name, pattern in (
            ("inline script", INLINE_SCRIPT),
            ("inline style", INLINE_STYLE),
            ("event handler attribute", EVENT_HANDLER),
            ("htmx code to evaluate", HTMX_EVAL),
        ):
            offenders += [
                f"{template.relative_to(TEMPLATES)}: {name}" for _ in pattern.finditer(text)
            ]
    assert offenders == []
