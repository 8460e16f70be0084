"""The managers' count desk: plans made and run from the page, thresholds set, a count reviewed
and approved (or refused for its own counter), accuracy per zone and per client; the handheld
refuses a wrong bin or a negative count with an error line and writes nothing."""

from __future__ import annotations

from typing import Any

from control.models import CountPlan, CountSettings, CountStatus, CountTask
from control.services.counts import add_count_line, finish_count, next_count_task, start_count
from tests.helpers import assert_nothing_written, table_records, text_by_id


def _count(task: CountTask, user: Any, units: int) -> CountTask:
    start_count(task=task, user=user, location_code=task.location.code)
    add_count_line(task=task, user=user, item_code="WIDGET", quantity=units)
    return finish_count(task=task, user=user)


def test_manager_makes_and_runs_a_zone_plan(
    http_for: Any, manager: Any, wh: Any, zone: Any, stocked: Any
) -> None:
    http = http_for(manager)
    made = http.post(
        "/control/counts/plans/new/",
        {
            "warehouse": wh.pk,
            "name": "Ambient weekly",
            "kind": "zone",
            "zone": zone.pk,
            "frequency_days": 7,
            "is_active": "on",
        },
    )
    assert made.status_code == 302, made.content
    plan = CountPlan.objects.get()
    ran = http.post(f"/control/counts/plans/{plan.pk}/run/")
    assert ran.status_code == 302
    rows = table_records(http.get("/control/counts/").content, with_column="Bin")
    assert sorted(r["Bin"] for r in rows) == ["A-01-01", "A-01-02"]


def test_zone_plan_without_zone_is_refused(http_for: Any, manager: Any, wh: Any) -> None:
    page = http_for(manager).post(
        "/control/counts/plans/new/",
        {"warehouse": wh.pk, "name": "x", "kind": "zone", "frequency_days": 7},
    )
    assert page.status_code == 200
    assert not CountPlan.objects.exists()


def test_thresholds_are_saved(http_for: Any, manager: Any, wh: Any) -> None:
    saved = http_for(manager).post(
        "/control/counts/thresholds/",
        {"warehouse": wh.pk, "max_units": 2, "max_percent": "5", "max_value": "50"},
    )
    assert saved.status_code == 302
    assert CountSettings.objects.get(warehouse=wh).max_units == 2


def test_review_page_shows_the_variance_and_approves(
    http_for: Any, operator: Any, manager: Any, wh: Any, count_task: CountTask
) -> None:
    next_count_task(user=operator, warehouse=wh)
    _count(count_task, operator, 35)  # 2 missing: within the thresholds, to review
    http = http_for(manager)
    page = http.get(f"/control/counts/{count_task.pk}/")
    [row] = table_records(page.content, with_column="Expected at scan")
    assert (row["Expected at scan"], row["Counted"], row["Difference"]) == ("37", "35", "-2")
    approved = http.post(f"/control/counts/{count_task.pk}/", {"decision": "approve"})
    assert approved.status_code == 302
    count_task.refresh_from_db()
    assert count_task.status == CountStatus.APPROVED


def test_review_page_refuses_the_counters_own_approval(
    http_for: Any, manager: Any, wh: Any, count_task: CountTask
) -> None:
    next_count_task(user=manager, warehouse=wh)
    _count(count_task, manager, 35)
    with assert_nothing_written(except_tables=["django_session"]):
        page = http_for(manager).post(f"/control/counts/{count_task.pk}/", {"decision": "approve"})
    assert page.status_code == 200
    assert "another manager must approve" in page.content.decode()


def test_accuracy_per_zone_and_client(
    http_for: Any,
    operator: Any,
    manager: Any,
    wh: Any,
    count_task: CountTask,
    bin_b: Any,
    gadget: Any,
    acme_outdoor: Any,
) -> None:
    next_count_task(user=operator, warehouse=wh)
    _count(count_task, operator, 35)  # widgets (acme-outdoor) differ
    other = CountTask.objects.get(location=bin_b)
    assert next_count_task(user=operator, warehouse=wh) == other
    start_count(task=other, user=operator, location_code="A-01-02")
    add_count_line(task=other, user=operator, item_code="GADGET", quantity=12)
    assert finish_count(task=other, user=operator).status == CountStatus.APPROVED
    page = http_for(manager).get("/control/accuracy/")
    zones = table_records(page.content, with_column="Zone")
    assert zones == [
        {"Zone": "EAST/AMB", "Counted bins": "2", "Without variance": "1", "Accuracy %": "50.0"}
    ]
    clients = {
        r["Client"]: r["Accuracy %"] for r in table_records(page.content, with_column="Client")
    }
    assert clients == {gadget.client.name: "100.0", acme_outdoor.name: "0.0"}


def test_handheld_refusals_show_an_error_and_write_nothing(
    http_for: Any, operator: Any, count_task: CountTask, wh: Any
) -> None:
    next_count_task(user=operator, warehouse=wh)
    http = http_for(operator)
    url = f"/floor/count/{count_task.pk}/"
    with assert_nothing_written(except_tables=["django_session"]):
        wrong = http.post(url, {"action": "bin", "location": "A-01-02"})
    assert "for bin A-01-01" in text_by_id(wrong.content, "count-error")
    http.post(url, {"action": "bin", "location": "A-01-01"})
    with assert_nothing_written(except_tables=["django_session"]):
        negative = http.post(url, {"action": "line", "item": "WIDGET", "quantity": "-3"})
    assert negative.status_code == 200
    assert "count-lines" in negative.content.decode()
