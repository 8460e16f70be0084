"""Labour pages: the handheld's clock in and out, the desk's day with its figures, CSV export,
a shift's correction and a standard, and who may use which."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from labour.models import LabourStandard, Shift
from tests.helpers import table_records, text_by_id

pytestmark = pytest.mark.django_db


def test_an_operator_clocks_in_and_out_on_the_handheld(
    http_for: Any, operator: Any, east: Any
) -> None:
    http = http_for(operator)
    assert text_by_id(http.get("/floor/clock/").content, "clock-status") == "Not clocked in."
    http.post("/floor/clock/", {"action": "in"})
    status = text_by_id(http.get("/floor/clock/").content, "clock-status")
    assert status.startswith("Clocked in at EAST since")
    again = http.post("/floor/clock/", {"action": "in"}, follow=True)
    assert "already clocked in" in again.content.decode()
    assert Shift.objects.filter(user=operator).count() == 1
    http.post("/floor/clock/", {"action": "out"})
    assert Shift.objects.get(user=operator).ended_at is not None
    assert "Clock in / out" in http.get("/floor/").content.decode()


def test_the_day_page_shows_who_is_on_shift_and_exports_csv(
    http_for: Any, manager: Any, operator: Any, east: Any
) -> None:
    http_for(operator).post("/floor/clock/", {"action": "in"})
    http = http_for(manager)
    page = http.get("/labour/", {"warehouse": "EAST"})
    assert text_by_id(page.content, "on-shift").endswith(": between tasks")
    assert operator.email in text_by_id(page.content, "on-shift")
    rows = table_records(page.content, with_column="Clocked min")
    assert [row["Operator"] for row in rows] == [operator.email]
    export = http.get("/labour/", {"warehouse": "EAST", "format": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(body)))[:3] == ["Operator", "Task kind", "Tasks"]
    assert http.get("/labour/", {"warehouse": "NOPE"}).status_code == 404


def test_a_manager_corrects_a_shift_and_sets_a_standard(
    http_for: Any, manager: Any, operator: Any, east: Any
) -> None:
    http_for(operator).post("/floor/clock/", {"action": "in"})
    shift = Shift.objects.get(user=operator)
    http = http_for(manager)
    refused = http.post(
        f"/labour/shifts/{shift.pk}/correct/",
        {"started_at": "2026-12-03T08:00", "ended_at": "2026-12-03T07:00", "reason": "typo"},
    )
    assert refused.status_code == 200
    assert Shift.objects.get(pk=shift.pk).correction_reason == ""
    done = http.post(
        f"/labour/shifts/{shift.pk}/correct/",
        {"started_at": "2026-12-03T08:00", "ended_at": "2026-12-03T16:00", "reason": "Forgot"},
    )
    assert done.status_code == 302
    assert Shift.objects.get(pk=shift.pk).correction_reason == "Forgot"
    http.post(
        f"/labour/standards/{east.pk}/pick/",
        {
            "per_task_seconds": 60,
            "per_line_seconds": 20,
            "per_unit_seconds": 5,
            "per_location_seconds": 10,
        },
    )
    assert LabourStandard.objects.get(warehouse=east, task_kind="pick").per_line_seconds == 20
    assert http.get(f"/labour/standards/{east.pk}/nonsense/").status_code == 404
    assert http_for(operator).get("/labour/").status_code == 403


def test_the_week_view_has_a_league_and_its_own_export(
    http_for: Any, manager: Any, east: Any
) -> None:
    http = http_for(manager)
    page = http.get("/labour/", {"warehouse": "EAST", "span": "week"})
    assert "the week to" in page.content.decode()
    export = http.get("/labour/", {"warehouse": "EAST", "span": "week", "format": "csv"})
    assert "labour-EAST-week-to-" in export["Content-Disposition"]


def test_an_operator_books_indirect_time_on_the_handheld(
    http_for: Any, operator: Any, east: Any
) -> None:
    from labour.models import IndirectTime

    http = http_for(operator)
    http.post("/floor/clock/", {"action": "in"})
    http.post("/floor/clock/", {"action": "meeting"})
    page = http.get("/floor/clock/")
    assert text_by_id(page.content, "indirect-status").startswith("On meeting since")
    http.post("/floor/clock/", {"action": "end_indirect"})
    assert IndirectTime.objects.get(user=operator).ended_at is not None
