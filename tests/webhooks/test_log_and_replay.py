"""The delivery log and replay: every attempt with its outcome, code, duration and the first
bytes of the answer; one delivery or everything of an endpoint since a time sent again with the
same id; the "send test event" button; the desk pages. Client users see their own only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from inventory.services import ledger
from tests.helpers import assert_nothing_written, table_records, text_by_id
from tests.helpers import page as soup
from tests.webhooks.conftest import run_dispatch
from webhooks.models import Delivery, DeliveryState, Endpoint

pytestmark = pytest.mark.django_db


def adjust(floor: Any, manager: Any) -> None:
    ledger.adjust(
        user=manager, product=floor.widget, location=floor.e01, quantity=1, reason_code="FOUND"
    )


def test_the_log_lists_each_attempt_and_the_api_replays_one_delivery(
    floor: Any, manager: Any, manager_api: Any, make_endpoint: Any, receiver: Any
) -> None:
    endpoint, secret = make_endpoint(["stock.adjusted"])
    receiver.fail_next(1)
    adjust(floor, manager)
    run_dispatch()

    listed = manager_api.get("/webhook-deliveries", endpoint=endpoint.pk).json()["items"]
    assert [(d["topic"], d["state"], d["attempts"]) for d in listed] == [
        ("stock.adjusted", "pending", 1)
    ]
    pk = listed[0]["id"]
    detail = manager_api.get(f"/webhook-deliveries/{pk}").json()
    (attempt,) = detail["log"]
    assert (attempt["outcome"], attempt["status_code"]) == ("http_error", 503)
    assert attempt["response_excerpt"] == "receiver down" and attempt["duration_ms"] >= 0
    # Pending: it is already on its way.
    with assert_nothing_written(except_tables=("accounts_apitoken",)):
        assert manager_api.post(f"/webhook-deliveries/{pk}/replay", {}).status_code == 409

    Delivery.objects.filter(pk=pk).update(next_attempt_at=timezone.now())
    run_dispatch()
    assert manager_api.get(f"/webhook-deliveries/{pk}").json()["state"] == "delivered"

    replayed = manager_api.post(f"/webhook-deliveries/{pk}/replay", {})
    assert replayed.status_code == 200 and replayed.json()["state"] == "pending"
    run_dispatch()
    sent = receiver.received()
    assert [r.status for r in sent] == [503, 204, 204]
    assert len({r.headers["webhook-id"] for r in sent}) == 1
    Webhook(secret).verify(sent[-1].body, sent[-1].headers)
    assert len(manager_api.get(f"/webhook-deliveries/{pk}").json()["log"]) == 3


def test_an_endpoint_replays_everything_since_a_time(
    floor: Any, manager: Any, manager_api: Any, make_endpoint: Any, receiver: Any
) -> None:
    endpoint, _ = make_endpoint(["stock.adjusted"])
    adjust(floor, manager)
    adjust(floor, manager)
    run_dispatch()
    old, new = Delivery.objects.filter(endpoint=endpoint).order_by("pk")
    Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=3))
    receiver.reset()

    since = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    answer = manager_api.post(f"/webhook-endpoints/{endpoint.pk}/replay", {"since": since})
    assert answer.json() == {"replayed": 1}
    run_dispatch()
    assert [r.headers["webhook-id"] for r in receiver.received()] == [new.message_id]


def test_the_test_button_sends_a_signed_test_message(
    manager_api: Any, make_endpoint: Any, receiver: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint, secret = make_endpoint(["order.created"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = manager_api.post(f"/webhook-endpoints/{endpoint.pk}/test", {})
    assert answer.status_code == 202
    (got,) = receiver.received()
    assert Webhook(secret).verify(got.body, got.headers)["type"] == "webhook.test"
    assert Delivery.objects.get(pk=answer.json()["id"]).state == DeliveryState.DELIVERED


def test_a_client_user_sees_only_their_clients_deliveries(
    floor: Any,
    manager: Any,
    client_user: Any,
    client_api: Any,
    make_endpoint: Any,
    receiver: Any,
    acme_outdoor: Any,
) -> None:
    theirs, _ = make_endpoint(["stock.adjusted"], client=acme_outdoor, user=client_user)
    everyone, _ = make_endpoint(["stock.adjusted"])
    adjust(floor, manager)
    run_dispatch()
    hidden = Delivery.objects.get(endpoint=everyone)

    listed = client_api.get("/webhook-deliveries").json()["items"]
    assert [d["endpoint"] for d in listed] == [theirs.pk]
    assert client_api.get(f"/webhook-deliveries/{hidden.pk}").status_code == 404
    with assert_nothing_written(except_tables=("accounts_apitoken",)):
        assert client_api.post(f"/webhook-deliveries/{hidden.pk}/replay", {}).status_code == 404


def test_the_desk_creates_an_endpoint_shows_the_secret_once_and_logs_deliveries(
    http_for: Any, manager: Any, floor: Any, receiver: Any
) -> None:
    web = http_for(manager)
    assert web.get("/webhooks/").status_code == 200
    made = web.post(
        "/webhooks/new/", {"url": receiver.url, "topics": ["stock.adjusted"], "is_enabled": "on"}
    )
    assert made.status_code == 200
    secret = text_by_id(made.content, "signing-secret")
    assert secret.startswith("whsec_")
    rows = table_records(web.get("/webhooks/").content, with_column="Topics")
    assert [r["URL"] for r in rows] == [receiver.url]
    (endpoint_pk,) = Endpoint.objects.values_list("pk", flat=True)
    detail = web.get(f"/webhooks/{endpoint_pk}/")
    assert secret not in detail.content.decode()
    assert "Stored (encrypted)" in text_by_id(detail.content, "endpoint-facts")

    adjust(floor, manager)
    run_dispatch()
    deliveries = table_records(web.get(f"/webhooks/{endpoint_pk}/").content, with_column="Topic")
    assert [(d["Topic"], d["State"]) for d in deliveries] == [("stock.adjusted", "Delivered")]
    delivery = Delivery.objects.get()
    page = web.get(f"/webhooks/deliveries/{delivery.pk}/")
    assert [a["Outcome"] for a in table_records(page.content, with_column="Outcome")] == ["2xx"]
    buttons = [b.get_text(strip=True) for b in soup(page.content).select("form button")]
    assert "Replay" in buttons


def test_the_desk_refuses_a_private_address_on_the_form(http_for: Any, manager: Any) -> None:
    web = http_for(manager)
    with assert_nothing_written(except_tables=("django_session",)):
        answer = web.post(
            "/webhooks/new/", {"url": "https://10.0.0.5/hook", "topics": ["order.created"]}
        )
    assert answer.status_code == 200
    assert "inside a private network" in answer.content.decode()


def test_operators_and_anonymous_visitors_are_kept_out(http_for: Any, operator: Any) -> None:
    assert http_for(operator).get("/webhooks/").status_code == 403
    assert http_for().get("/webhooks/").status_code == 302


def test_a_client_user_keeps_their_endpoints_on_the_desk_pages(
    http_for: Any, client_user: Any, manager: Any, make_endpoint: Any, acme_outdoor: Any
) -> None:
    theirs, _ = make_endpoint(["order.created"], client=acme_outdoor, user=client_user)
    everyone, _ = make_endpoint(["order.created"])
    web = http_for(client_user)
    rows = table_records(web.get("/webhooks/").content, with_column="Topics")
    assert [r["URL"] for r in rows] == [theirs.url]
    assert web.get(f"/webhooks/{theirs.pk}/").status_code == 200
    assert web.get(f"/webhooks/{everyone.pk}/").status_code == 404


def test_the_delivery_list_sorts_filters_by_state_and_exports(
    http_for: Any, manager: Any, make_endpoint: Any
) -> None:
    import csv
    import io

    endpoint, _ = make_endpoint(["order.shipped"])
    for message, topic, state, attempts in [
        ("msg_1", "order.shipped", DeliveryState.FAILED, 4),
        ("msg_2", "order.shipped", DeliveryState.DELIVERED, 1),
        ("msg_3", "order.created", DeliveryState.FAILED, 9),
    ]:
        Delivery.objects.create(
            endpoint=endpoint,
            message_id=message,
            topic=topic,
            body="{}",
            state=state,
            attempts=attempts,
        )
    http = http_for(manager)
    url = f"/webhooks/{endpoint.pk}/"
    response = http.get(url, {"state": "failed", "sort": "-attempts"})
    rows = table_records(response.content, with_column="Message")
    assert [(r["Message"], r["Attempts"]) for r in rows] == [("msg_3", "9"), ("msg_1", "4")]
    first = soup(response.content).select_one("select[name=state] option")
    assert first.get_text(strip=True) == "Any state"
    export = http.get(url, {"topic": "order.shipped", "sort": "message", "format": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    records = list(csv.DictReader(io.StringIO(body)))
    assert [(r["Message"], r["State"]) for r in records] == [
        ("msg_1", "Failed"),
        ("msg_2", "Delivered"),
    ]
