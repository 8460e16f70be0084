"""The tracking webhook page: a manager sets or rotates the tenant's EasyPost webhook secret, sees
it once and masked afterwards; a bad secret, an operator or a client user writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from inventory.models import Event
from shipping.models import CarrierSettings
from tests.helpers import element

URL = "/shipping/webhook/"
pytestmark = pytest.mark.django_db


def shown_secret(page: str) -> str | None:
    shown = element(page, "code#new-secret")
    return shown.get_text() if shown is not None else None


def test_a_manager_generates_a_secret_and_sees_it_once(http_for: Any, manager: Any) -> None:
    http = http_for(manager)
    first = http.get(URL).content.decode()
    assert "every delivery is refused until one is set" in first
    assert "http://acme.localhost/webhooks/easypost/" in first

    response = http.post(URL, {"secret": ""})
    assert response.status_code == 200
    secret = shown_secret(response.content.decode())
    assert secret is not None and len(secret) >= 40
    row = CarrierSettings.objects.get()
    assert (row.webhook_secret, row.webhook_secret_set_by) == (secret, manager)

    again = http.get(URL).content.decode()
    assert shown_secret(again) is None
    assert secret not in again
    assert f"••••••••{secret[-4:]}" in again
    event = Event.objects.get(type="carrier_settings.webhook_secret_set")
    assert event.payload == {"rotated": False, "previous_valid_until": None}
    assert secret not in str(event.payload)


def test_rotating_keeps_the_previous_secret_for_its_grace_period(
    http_for: Any, manager: Any
) -> None:
    http = http_for(manager)
    http.post(URL, {"secret": "the-first-secret-0001"})
    response = http.post(URL, {"secret": "the-second-secret-0002"})
    assert shown_secret(response.content.decode()) == "the-second-secret-0002"
    row = CarrierSettings.objects.get()
    assert row.previous_webhook_secret == "the-first-secret-0001"
    assert row.previous_secret_expires_at is not None
    assert "still accepted until" in http.get(URL).content.decode()


@pytest.mark.parametrize("secret", ["short", "has a space in it 1234"])
def test_a_bad_secret_is_refused_and_nothing_written(
    http_for: Any, manager: Any, secret: str
) -> None:
    response = http_for(manager).post(URL, {"secret": secret})
    assert response.status_code == 400
    assert "at least 16 printable characters" in response.content.decode()
    assert not CarrierSettings.objects.exists()
    assert not Event.objects.filter(type="carrier_settings.webhook_secret_set").exists()


def test_operators_and_client_users_may_not_see_or_set_it(
    http_for: Any, operator: Any, client_user: Any
) -> None:
    for user in (operator, client_user):
        assert http_for(user).get(URL).status_code == 403
        assert http_for(user).post(URL, {"secret": ""}).status_code == 403
    assert not CarrierSettings.objects.exists()
