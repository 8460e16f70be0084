"""The count is blind: what the ledger holds in the bin (37 widgets) is never on the counter's
page nor in the API's answer, at any step of the count."""

from __future__ import annotations

import json
import re
from typing import Any

from control.models import CountStatus, CountTask
from tests.helpers import element, text_by_id

EXPECTED = "37"


def _absent(body: bytes | str) -> None:
    text = body.decode() if isinstance(body, bytes) else body
    assert re.search(rf"(?<!\d){EXPECTED}(?!\d)", text) is None


def test_handheld_pages_never_show_the_expected_quantity(
    http_for: Any, operator: Any, count_task: CountTask
) -> None:
    http = http_for(operator)
    home = http.post("/floor/count/")
    assert home.status_code == 302
    url = home["Location"]
    page = http.get(url)
    assert text_by_id(page.content, "count-bin") == "A-01-01"
    _absent(page.content)
    scanned = http.post(url, {"action": "bin", "location": "A-01-01"})
    assert element(scanned.content, "#count-line-form") is not None
    _absent(scanned.content)
    counted = http.post(url, {"action": "line", "item": "WIDGET", "quantity": "30"})
    assert "30" in text_by_id(counted.content, "count-lines")
    _absent(counted.content)
    finished = http.post(url, {"action": "finish"})
    _absent(finished.content)
    count_task.refresh_from_db()
    assert count_task.status == CountStatus.RECOUNT


def test_api_never_answers_the_expected_quantity(
    api_as: Any, operator: Any, count_task: CountTask
) -> None:
    api = api_as(operator)
    listed = api.get("/count-tasks")
    assert listed.status_code == 200
    _absent(json.dumps(listed.json()["items"]))
    one = api.get(f"/count-tasks/{count_task.pk}")
    assert one.json()["location"] == "A-01-01"
    _absent(one.content)
    done = api.post(
        f"/count-tasks/{count_task.pk}/count",
        {"location": "A-01-01", "items": [{"item": "WIDGET", "quantity": 30}]},
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "recount"
    _absent(done.content)
