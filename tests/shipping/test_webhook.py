"""The EasyPost webhook: signed tracker events update the shipment's tracking status once; an
unsigned or wrongly signed request is 401 and writes nothing. The secret is the tenant's own:
a body signed with another tenant's secret is refused, and an event for a tracking code of no
shipment here is acknowledged without writing anything."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pytest
from django.test import Client as HttpClient

from inventory.models import Event
from shipping.models import CarrierSettings, TrackingEvent
from shipping.services.tracking import set_webhook_secret
from tests.shipping import shipments_fixtures
from tests.shipping.shipments_fixtures import fresh

packed = shipments_fixtures.packed
SECRET = "whsec-test-öäü-acme-0001"  # EasyPost normalises it (NFKD) before keying the HMAC
GLOBEX_SECRET = "whsec-test-globex-000002"
URL = "/webhooks/easypost/"


def signature(body: bytes, secret: str = SECRET) -> str:
    import unicodedata

    key = unicodedata.normalize("NFKD", secret).encode()
    return "hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def event(tracking_code: str, status: str = "in_transit", event_id: str = "evt_1") -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "Event",
            "description": "tracker.updated",
            "result": {
                "object": "Tracker",
                "id": "trk_1",
                "tracking_code": tracking_code,
                "status": status,
                "status_detail": "arrived_at_facility",
                "carrier": "USPS",
            },
        }
    ).encode()


@pytest.fixture
def webhook(acme: Any, manager: Any) -> HttpClient:
    set_webhook_secret(user=manager, secret=SECRET)
    return HttpClient(HTTP_HOST="acme.localhost")


def nothing_written(tracked: Any) -> bool:
    return (
        TrackingEvent.objects.count() == 0
        and fresh(tracked).tracking_status == ""
        and not Event.objects.filter(type="shipment.tracking_updated").exists()
    )


@pytest.fixture
def tracked(packed: Any) -> Any:
    shipment = packed.shipment
    shipment.tracking_code = "9400100000000000000001"
    shipment.status = "label_purchased"
    shipment.save()
    return shipment


def post(http: HttpClient, body: bytes, sig: str | None) -> Any:
    headers = {"X-Hmac-Signature": sig} if sig is not None else {}
    return http.post(URL, body, content_type="application/json", headers=headers)


def test_a_signed_tracker_update_sets_the_tracking_status(webhook: Any, tracked: Any) -> None:
    body = event(tracked.tracking_code)
    response = post(webhook, body, signature(body))
    assert response.status_code == 200
    assert response.json() == {"recorded": True, "status": "in_transit"}
    assert fresh(tracked).tracking_status == "in_transit"
    kept = TrackingEvent.objects.get()
    assert (kept.shipment_id, kept.easypost_event_id, kept.status) == (
        tracked.pk,
        "evt_1",
        "in_transit",
    )
    assert Event.objects.filter(type="shipment.tracking_updated").count() == 1


def test_a_repeated_event_is_answered_and_ignored(webhook: Any, tracked: Any) -> None:
    body = event(tracked.tracking_code)
    post(webhook, body, signature(body))
    # EasyPost retries; meanwhile a later event moved the status on.
    later = event(tracked.tracking_code, status="delivered", event_id="evt_2")
    post(webhook, later, signature(later))
    response = post(webhook, body, signature(body))
    assert response.status_code == 200
    assert response.json()["recorded"] is False
    assert TrackingEvent.objects.count() == 2
    assert fresh(tracked).tracking_status == "delivered"
    assert Event.objects.filter(type="shipment.tracking_updated").count() == 2


@pytest.mark.parametrize(
    "sig",
    [None, "", "hmac-sha256-hex=00", signature(event("9400100000000000000001"), "other")],
    ids=["unsigned", "empty", "garbage", "other-secret"],
)
def test_unsigned_or_wrongly_signed_is_refused_and_writes_nothing(
    webhook: Any, tracked: Any, sig: str | None
) -> None:
    body = event(tracked.tracking_code)
    response = post(webhook, body, sig)
    assert response.status_code == 401
    assert TrackingEvent.objects.count() == 0
    assert fresh(tracked).tracking_status == ""
    assert not Event.objects.filter(type="shipment.tracking_updated").exists()


def test_a_signature_of_another_body_is_refused(webhook: Any, tracked: Any) -> None:
    signed = event(tracked.tracking_code, status="in_transit")
    tampered = event(tracked.tracking_code, status="delivered")
    assert post(webhook, tampered, signature(signed)).status_code == 401
    assert TrackingEvent.objects.count() == 0


def test_without_a_secret_of_the_tenant_everything_is_refused(acme: Any, tracked: Any) -> None:
    assert not CarrierSettings.objects.exists()
    body = event(tracked.tracking_code)
    for secret in ("", SECRET):
        response = post(HttpClient(HTTP_HOST="acme.localhost"), body, signature(body, secret))
        assert response.status_code == 401
    assert nothing_written(tracked)


def test_a_body_signed_with_another_tenants_secret_is_refused(
    webhook: Any, tracked: Any, globex: Any, use_tenant: Any, acme: Any
) -> None:
    use_tenant(globex)
    set_webhook_secret(user=None, secret=GLOBEX_SECRET)
    use_tenant(acme)
    body = event(tracked.tracking_code)
    response = post(webhook, body, signature(body, GLOBEX_SECRET))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert nothing_written(tracked)


def test_an_unknown_tracking_code_is_acknowledged_and_nothing_written(
    webhook: Any, acme: Any
) -> None:
    events_before = Event.objects.count()
    body = event("UNKNOWN1")
    response = post(webhook, body, signature(body))
    assert response.status_code == 200
    assert response.json() == {"recorded": False, "status": ""}
    assert TrackingEvent.objects.count() == 0
    assert Event.objects.count() == events_before


def test_after_a_rotation_the_previous_secret_works_until_its_grace_ends(
    webhook: Any, tracked: Any, manager: Any, settings: Any
) -> None:
    new = set_webhook_secret(user=manager)
    assert len(new) >= 40 and new != SECRET
    body = event(tracked.tracking_code)
    assert post(webhook, body, signature(body, SECRET)).status_code == 200
    later = event(tracked.tracking_code, status="delivered", event_id="evt_2")
    assert post(webhook, later, signature(later, new)).status_code == 200
    # The grace period ended: only the new secret is accepted.
    CarrierSettings.objects.update(
        previous_secret_expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    third = event(tracked.tracking_code, status="delivered", event_id="evt_3")
    assert post(webhook, third, signature(third, SECRET)).status_code == 401
    assert TrackingEvent.objects.count() == 2


def test_other_events_are_acknowledged_and_not_kept(webhook: Any, acme: Any) -> None:
    body = json.dumps({"id": "evt_9", "description": "batch.updated", "result": {}}).encode()
    response = post(webhook, body, signature(body))
    assert response.status_code == 200
    assert response.json()["recorded"] is False
    assert TrackingEvent.objects.count() == 0


def test_get_is_not_allowed(webhook: Any) -> None:
    assert webhook.get(URL).status_code == 405
