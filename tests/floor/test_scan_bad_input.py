"""A handheld scan with a control character (a NUL from a misconfigured scanner, a garbled
wedge) answered 500 at every scan endpoint. Now each answers 200 with the usual red result line
that shows what was scanned (control characters escaped) and writes nothing. Scans that need an
ASN, a task, a pick list or a carton are tested beside those flows (test_scan_bad_input.py in
tests/receiving, tests/picking and tests/shipping)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import assert_nothing_written, scan_outcome, scan_results

SCANS = ["/floor/scan/", "/floor/receive/find/", "/floor/putaway/scan/", "/floor/ship/scan/"]


def error_line(response: Any) -> str:
    body = response.content.decode()
    assert response.status_code == 200, body
    assert scan_outcome(body) == "error"
    assert "ok" not in [outcome for outcome, _ in scan_results(body)]
    return body


@pytest.mark.parametrize("path", [*SCANS, "/floor/pack/scan/"])
def test_a_nul_byte_in_a_scan_is_an_error_line_saying_what_was_scanned(
    http_for: Any, manager: Any, east: Any, path: str
) -> None:
    with assert_nothing_written():
        body = error_line(
            http_for(manager).post(path, {"code": "E-\x0001"}, HTTP_HX_REQUEST="true")
        )
    assert "“E-\\x0001” holds a control character (NUL at position 3)" in body
    assert "\x00" not in body


@pytest.mark.parametrize("code", ["\x01", "AB\x7f", "L\u0085PN", "\x1b[2J"])
def test_any_control_character_is_refused_the_same_way(
    http_for: Any, operator: Any, east: Any, code: str
) -> None:
    with assert_nothing_written():
        body = error_line(http_for(operator).post("/floor/scan/", {"code": code}))
    assert "holds a control character" in body


def test_the_scanners_own_enter_and_spaces_are_not_a_refusal(
    http_for: Any, manager: Any, east: Any
) -> None:
    response = http_for(manager).post("/floor/scan/", {"code": " EAST\r\n"})
    assert scan_outcome(response.content.decode()) == "ok"


def test_a_scan_longer_than_any_code_is_an_error_line(
    http_for: Any, operator: Any, east: Any
) -> None:
    body = error_line(http_for(operator).post("/floor/putaway/scan/", {"code": "9" * 500}))
    assert "longer than any code" in body


def test_a_garbled_ship_dock_choice_is_no_dock_not_a_500(http_for: Any, manager: Any) -> None:
    http = http_for(manager)
    assert http.get("/floor/ship/", {"dock": "\u00b2"}).status_code == 200
    body = error_line(http.post("/floor/ship/scan/", {"code": "00123", "dock": "\u00b2"}))
    assert "Choose the ship dock" in body
