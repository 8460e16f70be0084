"""The handheld putaway flow through the test client: the queue, an LPN scan that claims its task
and shows the destination with its reason, then the destination scan; a wrong bin says what was
expected and what was scanned. Managers see the desktop queue; operators do not."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from inventory.models import Balance
from receiving.models import PutawayStatus, PutawayTask
from receiving.services import putaway_tasks
from tests.factories import UserFactory, give_scope
from tests.helpers import text_by_id


def on_hand_at(location: Any) -> int:
    total = Balance.objects.filter(location=location).aggregate(total=Sum("on_hand"))["total"]
    return int(total or 0)


def test_floor_home_links_to_putaway(http_for: Any, operator: Any) -> None:
    page = http_for(operator).get("/floor/")

    assert 'href="/floor/putaway/"' in page.content.decode()


def test_queue_lists_open_tasks_oldest_first_with_their_age(
    http_for: Any, operator: Any, received_pallet: Any
) -> None:
    putaway_tasks.create_task_for_lpn(user=operator, lpn=received_pallet)

    page = http_for(operator).get("/floor/putaway/")

    body = page.content.decode()
    assert page.status_code == 200
    assert "LPN PAL-1 → A-01-01" in body
    assert "waiting 0\xa0minutes" in body


def test_scan_lpn_then_destination_puts_it_away(
    http_for: Any, operator: Any, received_pallet: Any, dock: Any, bin_a: Any
) -> None:
    http = http_for(operator)

    scanned = http.post("/floor/putaway/scan/", {"code": "PAL-1"}, HTTP_HX_REQUEST="true")
    task = PutawayTask.objects.get(lpn=received_pallet)
    assert scanned.status_code == 200
    assert scanned["HX-Redirect"] == f"/floor/putaway/{task.pk}/"
    assert "LPN PAL-1: take it to A-01-01." in scanned.content.decode()

    page = http.get(f"/floor/putaway/{task.pk}/").content.decode()
    assert text_by_id(page, "destination") == "A-01-01"
    assert "Nearest empty location A-01-01 in zone AMB by walking order" in page

    confirmed = http.post(
        f"/floor/putaway/{task.pk}/confirm/", {"code": "A-01-01", "idempotency_key": "s-1"}
    )
    assert 'data-ok="1"' in confirmed.content.decode()
    assert "Put away LPN PAL-1 at A-01-01." in confirmed.content.decode()
    assert (on_hand_at(dock), on_hand_at(bin_a)) == (0, 10)
    assert PutawayTask.objects.get(pk=task.pk).status == PutawayStatus.DONE


def test_wrong_destination_scan_says_what_was_expected(
    http_for: Any, operator: Any, received_pallet: Any, dock: Any
) -> None:
    http = http_for(operator)
    http.post("/floor/putaway/scan/", {"code": "PAL-1"})
    task = PutawayTask.objects.get(lpn=received_pallet)

    refused = http.post(f"/floor/putaway/{task.pk}/confirm/", {"code": "A-01-02"})

    body = refused.content.decode()
    assert refused.status_code == 200
    assert 'data-ok="0"' in body
    assert "Expected A-01-01; scanned A-01-02." in body
    assert on_hand_at(dock) == 10


def test_unknown_lpn_scan_is_an_error_line(http_for: Any, operator: Any, wh: Any) -> None:
    refused = http_for(operator).post("/floor/putaway/scan/", {"code": "PAL-404"})

    body = refused.content.decode()
    assert 'data-ok="0"' in body
    assert "Expected an LPN in EAST; scanned “PAL-404”." in body


def test_manager_override_asks_for_the_reason_then_puts_away(
    http_for: Any, manager: Any, received_pallet: Any, bin_b: Any
) -> None:
    http = http_for(manager)
    http.post("/floor/putaway/scan/", {"code": "PAL-1"})
    task = PutawayTask.objects.get(lpn=received_pallet)

    asked = http.post(f"/floor/putaway/{task.pk}/confirm/", {"code": "A-01-02"})
    assert 'name="override_reason"' in asked.content.decode()

    done = http.post(
        f"/floor/putaway/{task.pk}/confirm/",
        {"code": "A-01-02", "override_reason": "A-01-01 is wet"},
    )
    assert "Put away LPN PAL-1 at A-01-02." in done.content.decode()
    assert on_hand_at(bin_b) == 10


def test_picking_a_task_from_the_queue_claims_it(
    http_for: Any, operator: Any, received_pallet: Any
) -> None:
    task = putaway_tasks.create_task_for_lpn(user=operator, lpn=received_pallet)

    response = http_for(operator).post(f"/floor/putaway/{task.pk}/start/")

    assert response.status_code == 302
    assert response["Location"] == f"/floor/putaway/{task.pk}/"
    assert PutawayTask.objects.get(pk=task.pk).assigned_to == operator


def test_operator_of_another_warehouse_gets_404(
    http_for: Any, received_pallet: Any, operator: Any, west: Any
) -> None:
    task = putaway_tasks.create_task_for_lpn(user=operator, lpn=received_pallet)
    outsider = UserFactory(role="operator", email="west@acme.test")
    give_scope(outsider, warehouses=[west])

    assert http_for(outsider).get(f"/floor/putaway/{task.pk}/").status_code == 404


def test_manager_desktop_queue_shows_tasks_and_operators_are_denied(
    http_for: Any, manager: Any, operator: Any, received_pallet: Any
) -> None:
    putaway_tasks.create_task_for_lpn(user=operator, lpn=received_pallet)

    page = http_for(manager).get("/receiving/putaway/")

    assert page.status_code == 200
    assert "LPN PAL-1" in page.content.decode()
    assert http_for(operator).get("/receiving/putaway/").status_code == 403
