"""Delivering the outbox: committed events become signed messages (verified here by the
`standardwebhooks` package, not by our code), each message carrying its event's id; a failing
receiver is retried on the schedule, then the delivery fails; an endpoint failing for days is
disabled and its owner told; redirects are not followed and answers are read only so far."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from inventory.models import LocationKind
from inventory.services import ledger
from tests.factories import LocationFactory
from tests.webhooks.conftest import bodies, make_due, run_dispatch
from webhooks.models import Attempt, Delivery, DeliveryState, Endpoint, Outcome
from webhooks.services.endpoints import rotate_secret

pytestmark = pytest.mark.django_db

RETRY = [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0]


def adjust(floor: Any, manager: Any, quantity: int) -> Any:
    return ledger.adjust(
        user=manager,
        product=floor.widget,
        location=floor.e01,
        quantity=quantity,
        reason_code="FOUND" if quantity > 0 else "DAMAGED",
    )


def test_a_committed_event_is_posted_signed_with_its_event_id(
    floor: Any, manager: Any, make_endpoint: Any, receiver: Any
) -> None:
    endpoint, secret = make_endpoint(["stock.adjusted"])
    move = adjust(floor, manager, 2)

    assert run_dispatch() == {"recorded": 1, "sent": 1}

    (got,) = receiver.received()
    payload = Webhook(secret).verify(got.body, got.headers)
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert got.headers["webhook-id"] == f"evt_{delivery.event_id}"
    assert payload["type"] == "stock.adjusted"
    assert payload["data"]["sku"] == "WIDGET" and payload["data"]["quantity"] == move.quantity
    assert got.headers["webhook-signature"].startswith("v1,")
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 1
    # A tampered body or another secret does not verify.
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(got.body.replace(b"WIDGET", b"GADGET"), got.headers)
    # Read again, the same event is not delivered twice.
    assert run_dispatch() == {"recorded": 0, "sent": 0}
    assert len(receiver.received()) == 1


def test_a_rolled_back_action_sends_nothing(
    floor: Any, manager: Any, make_endpoint: Any, receiver: Any
) -> None:
    make_endpoint(["stock.adjusted"])
    run_dispatch()  # the floor's own receipts
    receiver.reset()
    with pytest.raises(RuntimeError), transaction.atomic():
        adjust(floor, manager, 4)
        raise RuntimeError("the action fails after writing its event")

    assert run_dispatch() == {"recorded": 0, "sent": 0}
    assert receiver.received() == []


def test_a_client_endpoint_gets_its_clients_events_only(
    floor: Any, manager: Any, make_endpoint: Any, receiver: Any, acme_outdoor: Any
) -> None:
    mine, _ = make_endpoint(["stock.adjusted"], client=acme_outdoor)
    ledger.adjust(
        user=manager, product=floor.gadget, location=floor.e02, quantity=1, reason_code="FOUND"
    )
    adjust(floor, manager, 1)
    run_dispatch()

    assert [b["data"]["sku"] for b in bodies(receiver.received())] == ["WIDGET"]
    assert Delivery.objects.filter(endpoint=mine).count() == 1


def test_a_failing_receiver_is_retried_on_the_schedule_then_the_delivery_fails(
    floor: Any, manager: Any, make_endpoint: Any, receiver: Any
) -> None:
    endpoint, secret = make_endpoint(["stock.adjusted"])
    receiver.fail_next(100)
    adjust(floor, manager, 1)

    run_dispatch()
    delivery = Delivery.objects.get(endpoint=endpoint)
    waits = []
    for _ in RETRY:
        delivery.refresh_from_db()
        last = delivery.log.order_by("-number").first()
        assert last is not None
        waits.append(round((delivery.next_attempt_at - last.started_at).total_seconds()))
        make_due(delivery)
        run_dispatch()

    delivery.refresh_from_db()
    assert waits == [int(w) for w in RETRY]
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 8
    assert delivery.last_status_code == 503
    sent = receiver.received()
    assert len(sent) == 8 and {s.headers["webhook-id"] for s in sent} == {delivery.message_id}
    # Every retry is signed afresh (its own timestamp) over the same body.
    assert {s.body for s in sent} == {delivery.body.encode()}
    for item in sent:
        Webhook(secret).verify(item.body, item.headers)
    assert [a.outcome for a in delivery.log.order_by("number")] == [Outcome.HTTP_ERROR] * 8


def test_a_receiver_back_after_failures_gets_the_message_once(
    floor: Any, manager: Any, make_endpoint: Any, receiver: Any
) -> None:
    endpoint, _ = make_endpoint(["stock.adjusted"])
    receiver.fail_next(2)
    adjust(floor, manager, 1)
    run_dispatch()
    for _ in range(3):
        make_due(Delivery.objects.get(endpoint=endpoint))
        run_dispatch()

    delivery = Delivery.objects.get(endpoint=endpoint)
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 3
    assert [r.status for r in receiver.received()] == [503, 503, 204]
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_an_endpoint_failing_for_five_days_is_disabled_and_its_owner_told(
    floor: Any,
    manager: Any,
    make_endpoint: Any,
    receiver: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    endpoint, _ = make_endpoint(["stock.adjusted"])
    receiver.fail_next(100)
    adjust(floor, manager, 1)
    run_dispatch()
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None and endpoint.is_enabled
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - dt.timedelta(days=5, seconds=1)
    )

    make_due(Delivery.objects.get(endpoint=endpoint))
    with django_capture_on_commit_callbacks(execute=True):
        run_dispatch()

    endpoint.refresh_from_db()
    assert endpoint.is_enabled is False
    assert endpoint.disabled_reason.startswith("Disabled on ")
    (notice,) = mail.outbox
    assert notice.to == [manager.email] and receiver.url in notice.body
    # Nothing more is sent to a disabled endpoint.
    make_due(Delivery.objects.get(endpoint=endpoint))
    before = len(receiver.received())
    run_dispatch()
    assert len(receiver.received()) == before


def test_redirects_are_not_followed_and_answers_are_read_only_so_far(
    floor: Any, manager: Any, make_endpoint: Any, receiver: Any
) -> None:
    endpoint, _ = make_endpoint(["stock.adjusted"])
    receiver.mode = "redirect"
    adjust(floor, manager, 1)
    run_dispatch()
    delivery = Delivery.objects.get(endpoint=endpoint)
    (attempt,) = delivery.log.all()
    assert (attempt.status_code, attempt.outcome) == (302, Outcome.HTTP_ERROR)
    assert "redirects are not followed" in attempt.error
    assert len(receiver.received()) == 1  # /elsewhere was never asked

    receiver.mode = "big"
    make_due(delivery)
    run_dispatch()
    latest = Attempt.objects.filter(delivery=delivery).order_by("-number").first()
    assert latest is not None and latest.outcome == Outcome.OK
    assert latest.response_excerpt == "x" * 1024


@override_settings(WEBHOOK_TIMEOUT=0.5)
def test_an_answer_later_than_the_timeout_is_a_failed_attempt(
    floor: Any, manager: Any, make_endpoint: Any, receiver: Any
) -> None:
    endpoint, _ = make_endpoint(["stock.adjusted"])
    receiver.mode, receiver.delay = "slow", 1.5
    adjust(floor, manager, 1)
    run_dispatch()
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert delivery.state == DeliveryState.PENDING
    assert delivery.log.get().outcome == Outcome.TIMEOUT


def test_during_a_rotation_both_secrets_sign_until_the_grace_period_ends(
    floor: Any, manager: Any, make_endpoint: Any, receiver: Any
) -> None:
    endpoint, old = make_endpoint(["stock.adjusted"])
    endpoint, new = rotate_secret(user=manager, endpoint=endpoint)
    adjust(floor, manager, 1)
    run_dispatch()
    (during,) = receiver.received()
    Webhook(old).verify(during.body, during.headers)
    Webhook(new).verify(during.body, during.headers)

    Endpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    adjust(floor, manager, 1)
    run_dispatch()
    after = receiver.received()[-1]
    Webhook(new).verify(after.body, after.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(after.body, after.headers)


def test_available_changes_are_coalesced_per_sku_and_warehouse(
    floor: Any, manager: Any, make_endpoint: Any, receiver: Any
) -> None:
    make_endpoint(["inventory.available_changed"])
    run_dispatch()  # the floor's receipts: the first counts announced
    first = {
        (b["data"]["sku"], b["data"]["warehouse"]): b["data"]["available"]
        for b in bodies(receiver.received())
    }
    assert first == {
        ("WIDGET", "EAST"): 10,
        ("WIDGET", "WEST"): 5,
        ("GADGET", "EAST"): 7,
        ("SERUM", "EAST"): 3,
    }
    receiver.reset()

    for _ in range(5):
        adjust(floor, manager, -1)
    run_dispatch()

    assert [b["data"] for b in bodies(receiver.received())] == [
        {
            "sku": "WIDGET",
            "product_id": floor.widget.pk,
            "warehouse": "EAST",
            "warehouse_id": floor.east.pk,
            "client_id": floor.acme_outdoor.pk,
            "available": 5,
        }
    ]
    # A burst that ends where it began announces nothing.
    receiver.reset()
    adjust(floor, manager, 3)
    adjust(floor, manager, -3)
    run_dispatch()
    assert receiver.received() == []


def test_topics_map_from_the_floors_events(
    floor: Any, manager: Any, make_endpoint: Any, receiver: Any
) -> None:
    endpoint, _ = make_endpoint(["stock.adjusted", "order.created"])
    adjust(floor, manager, 1)
    run_dispatch()
    assert [json.loads(r.body)["type"] for r in receiver.received()] == ["stock.adjusted"]
    assert Delivery.objects.filter(endpoint=endpoint, topic="stock.adjusted").count() == 1


def test_an_allocation_announces_the_lower_available_count(
    floor: Any, manager: Any, make_endpoint: Any, receiver: Any, acme_outdoor: Any, east: Any
) -> None:
    from picking.services.allocation import allocate_orders
    from picking.services.orders import OrderLineSpec, ShipTo, create_order

    make_endpoint(["inventory.available_changed"], client=acme_outdoor)
    run_dispatch()
    receiver.reset()
    order, _ = create_order(
        client=acme_outdoor,
        warehouse=east,
        reference="SO-AV-1",
        ship_to=ShipTo(name="Ada", street1="1 Main St", city="Austin", postal_code="78701"),
        lines=[OrderLineSpec(floor.widget, 4)],
        user=manager,
    )
    allocate_orders(order_ids=[order.pk], user=manager)
    run_dispatch()

    assert [(b["data"]["sku"], b["data"]["available"]) for b in bodies(receiver.received())] == [
        ("WIDGET", 6)
    ]


def test_a_receipt_against_an_asn_and_its_close_are_delivered(
    floor: Any, manager: Any, make_endpoint: Any, receiver: Any, acme_outdoor: Any
) -> None:
    from receiving import services as receiving

    floor.dock_e = LocationFactory(warehouse=floor.east, code="DOCK-E", kind=LocationKind.DOCK)
    asn = receiving.create_asn(
        client=acme_outdoor,
        warehouse=floor.east,
        reference="PO-HOOK",
        lines=[receiving.AsnLineSpec(floor.widget, 4)],
        user=manager,
    )
    asn = receiving.mark_expected(asn=asn, user=manager)
    make_endpoint(["asn.received", "asn.closed"], client=acme_outdoor)
    run_dispatch()
    receiver.reset()

    receiving.receive_scan(asn=asn, code_or_product=floor.widget, quantity=4, user=manager)
    receiving.close_asn(asn=asn, user=manager)
    run_dispatch()

    sent = bodies(receiver.received())
    assert [b["type"] for b in sent] == ["asn.received", "asn.closed"]
    assert sent[0]["data"]["receipt"]["asn"] == "PO-HOOK" and sent[0]["data"]["quantity"] == 4
    assert sent[1]["data"]["reference"] == "PO-HOOK"
