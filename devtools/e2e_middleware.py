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
