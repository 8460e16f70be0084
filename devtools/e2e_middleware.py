"""Test-only helpers for the live stack (tests/live.py). Nothing here is in any settings module
the app ships with; the live stack's settings list it only when its env var is set."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def scan_delay_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Holds every scan POST for FV_E2E_SCAN_DELAY_MS milliseconds, like a slow warehouse Wi-Fi,
    so back-to-back scans from a keyboard-wedge scanner queue in the browser."""
    delay_seconds = int(os.environ.get("FV_E2E_SCAN_DELAY_MS", "0")) / 1000

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path.endswith("/scan/"):
            time.sleep(delay_seconds)
        return get_response(request)

    return middleware


CRASH_PATH = "/e2e-crash/"


def crash_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Fails every request for CRASH_PATH with an unhandled error, so a test sees the 500 page a
    real bug would show (the app itself has no page that fails on purpose)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path == CRASH_PATH:
            raise RuntimeError("the crash a test asked for")
        return get_response(request)

    return middleware
