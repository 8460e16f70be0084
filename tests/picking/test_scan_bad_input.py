"""Handheld picking with bad input: a control character in the scan or in the hidden fields that
carry the earlier scans back, a quantity in full-width or superscript digits (`"²".isdigit()` is
true and int("²") raised), a garbled line id or zone. Each answered 500 or was misread; now each
is an error line (or no zone) and nothing is picked."""

from __future__ import annotations

from typing import Any

import pytest

from picking.models import PickList
from tests.helpers import assert_nothing_written
from tests.picking.test_floor_pick_views import Handheld, cluster, get_work, result_of

__all__ = ["cluster"]  # the fixture, shared with the flow's own tests


@pytest.fixture
def handheld(http_for: Any, operator: Any, cluster: PickList) -> Handheld:
    http = http_for(operator)
    get_work(http)
    return Handheld(http, cluster)


@pytest.mark.parametrize(
    "data",
    [
        {"code": "A-01\x00"},
        {"code": "A-01", "bin": "\x00"},
        {"code": "A-01", "item": "LAMP\x01"},
        {"code": "A-01", "lot": "\x7f"},
        {"code": "A-01", "qty": "1\x00"},
    ],
)
def test_a_control_character_in_a_scan_or_its_hidden_fields_is_an_error_line(
    handheld: Handheld, data: dict[str, str]
) -> None:
    with assert_nothing_written():
        handheld.post(**data)
    status, message = result_of(handheld.body)
    assert status == "error"
    assert "holds a control character" in message


@pytest.mark.parametrize("typed", ["\u00b2", "\uff11", "1_0", "-1"])
def test_a_quantity_in_other_digits_is_refused_not_read(handheld: Handheld, typed: str) -> None:
    # The second line (2 lamps) asks how many; the first, a single lamp, does not.
    handheld.scan("A-01", "LAMP", "TOTE-001", "A-01", "LAMP")
    with assert_nothing_written():
        handheld.post(code=typed)
    status, message = result_of(handheld.body)
    assert status == "error"
    assert f"Expected a quantity (a number in digits 0-9); scanned {typed}." in message


def test_a_garbled_line_id_starts_at_the_next_pick(handheld: Handheld) -> None:
    with assert_nothing_written():
        handheld.post(code="A-01", line="\u00b2")
    assert result_of(handheld.body) == (
        "error",
        "That pick is not on this list; here is the next one.",
    )


def test_a_garbled_zone_asks_for_work_in_any_zone(
    http_for: Any, operator: Any, cluster: PickList
) -> None:
    response = http_for(operator).post("/floor/pick/work/", {"zone": "\u00b2"})
    assert response["Location"] == f"/floor/pick/{cluster.pk}/"
