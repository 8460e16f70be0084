"""Webhook endpoints through the API: a manager's for any client or all, a client user's for
their own client only; the signing secret shown once and stored encrypted; bad URLs, unknown
topics and another client's events refused with nothing written; others' endpoints are 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from tests.helpers import assert_nothing_written
from webhooks.models import Endpoint
from webhooks.topics import TOPICS
from wms.crypto import decrypt

pytestmark = pytest.mark.django_db

WEBHOOK_ROUTES = {
    "/api/v1/webhook-topics": {"get"},
    "/api/v1/webhook-endpoints": {"get", "post"},
    "/api/v1/webhook-endpoints/{pk}": {"get", "put", "delete"},
    "/api/v1/webhook-endpoints/{pk}/rotate-secret": {"post"},
    "/api/v1/webhook-endpoints/{pk}/test": {"post"},
    "/api/v1/webhook-endpoints/{pk}/replay": {"post"},
    "/api/v1/webhook-deliveries": {"get"},
    "/api/v1/webhook-deliveries/{pk}": {"get"},
    "/api/v1/webhook-deliveries/{pk}/replay": {"post"},
}


def test_a_manager_creates_an_endpoint_and_sees_the_secret_once(
    manager_api: Any, receiver: Any, acme_outdoor: Any
) -> None:
    body = {"url": receiver.url, "topics": ["order.created", "order.shipped"]}
    response = manager_api.post("/webhook-endpoints", body | {"client": "acme-outdoor"})

    assert response.status_code == 201, response.content
    made = response.json()
    assert made["secret"].startswith("whsec_") and made["client"] == "acme-outdoor"
    stored = Endpoint.objects.get(pk=made["id"])
    assert decrypt(stored.secret_encrypted) == made["secret"]
    assert made["secret"] not in stored.secret_encrypted
    listed = manager_api.get("/webhook-endpoints").json()
    assert [e["id"] for e in listed["items"]] == [made["id"]]
    assert made["secret"] not in str(listed)
    assert "secret" not in manager_api.get(f"/webhook-endpoints/{made['id']}").json()


def test_rotation_returns_a_new_secret_and_keeps_the_old_one_for_a_grace_period(
    manager_api: Any, receiver: Any
) -> None:
    made = manager_api.post(
        "/webhook-endpoints", {"url": receiver.url, "topics": ["order.created"]}
    )
    first = made.json()["secret"]
    rotated = manager_api.post(f"/webhook-endpoints/{made.json()['id']}/rotate-secret", {}).json()
    stored = Endpoint.objects.get(pk=rotated["id"])
    assert rotated["secret"] != first and rotated["secret"].startswith("whsec_")
    assert decrypt(stored.secret_encrypted) == rotated["secret"]
    assert decrypt(stored.previous_secret_encrypted) == first
    assert rotated["previous_secret_expires_at"] is not None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://8.8.8.8/hook", "https only"),
        ("https://10.1.2.3/hook", "inside a private network"),
        ("https://192.168.0.10/hook", "inside a private network"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[fd00::1]/hook", "inside a private network"),
        ("https://metadata.google.internal/", "metadata"),
        ("https://user:pw@8.8.8.8/hook", "credentials"),
        ("ftp://8.8.8.8/hook", "https://host/path"),
    ],
)
def test_an_endpoint_inside_the_network_or_not_https_is_refused(
    manager_api: Any, url: str, says: str
) -> None:
    with assert_nothing_written(except_tables=("accounts_apitoken",)):
        response = manager_api.post("/webhook-endpoints", {"url": url, "topics": ["order.created"]})
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "webhook_endpoint_refused"
    assert says in error["field_errors"]["url"][0]


def test_loopback_is_refused_unless_the_setting_allows_it(manager_api: Any, receiver: Any) -> None:
    with override_settings(WEBHOOK_ALLOW_LOOPBACK=False):
        with assert_nothing_written(except_tables=("accounts_apitoken",)):
            response = manager_api.post(
                "/webhook-endpoints", {"url": receiver.url, "topics": ["order.created"]}
            )
        assert response.status_code == 422
        assert "this machine" in response.json()["error"]["field_errors"]["url"][0]
    allowed = manager_api.post(
        "/webhook-endpoints", {"url": receiver.url, "topics": ["order.created"]}
    )
    assert allowed.status_code == 201


def test_an_unknown_topic_is_refused_with_the_topics_there_are(
    manager_api: Any, receiver: Any
) -> None:
    with assert_nothing_written(except_tables=("accounts_apitoken",)):
        response = manager_api.post(
            "/webhook-endpoints", {"url": receiver.url, "topics": ["order.created", "order.eaten"]}
        )
    assert response.status_code == 422
    message = response.json()["error"]["field_errors"]["topics"][0]
    assert message.startswith("Unknown topic order.eaten; use any of asn.received")


def test_a_client_user_subscribes_to_their_own_client_only(
    client_api: Any, receiver: Any, acme_outdoor: Any, other_client: Any, manager_api: Any
) -> None:
    with assert_nothing_written(except_tables=("accounts_apitoken",)):
        refused = client_api.post(
            "/webhook-endpoints",
            {"url": receiver.url, "topics": ["order.created"], "client": "other-brand"},
        )
    assert refused.status_code == 422
    assert refused.json()["error"]["field_errors"]["client"]

    own = client_api.post("/webhook-endpoints", {"url": receiver.url, "topics": ["order.created"]})
    assert own.status_code == 201 and own.json()["client"] == "acme-outdoor"
    everyone = manager_api.post(
        "/webhook-endpoints", {"url": receiver.url, "topics": ["order.created"]}
    ).json()
    assert everyone["client"] is None
    # The manager's endpoint (every client's events) does not exist for the client user.
    assert [e["id"] for e in client_api.get("/webhook-endpoints").json()["items"]] == [
        own.json()["id"]
    ]
    assert client_api.get(f"/webhook-endpoints/{everyone['id']}").status_code == 404
    with assert_nothing_written(except_tables=("accounts_apitoken",)):
        assert (
            client_api.post(f"/webhook-endpoints/{everyone['id']}/rotate-secret", {}).status_code
            == 404
        )


def test_operators_get_403_and_nothing_is_written(operator_api: Any, receiver: Any) -> None:
    with assert_nothing_written(except_tables=("accounts_apitoken",)):
        assert operator_api.get("/webhook-endpoints").status_code == 403
        assert (
            operator_api.post(
                "/webhook-endpoints", {"url": receiver.url, "topics": ["order.created"]}
            ).status_code
            == 403
        )


def test_the_topics_are_listed_and_documented_with_examples(manager_api: Any, acme: Any) -> None:
    listed = manager_api.get("/webhook-topics").json()
    assert [t["name"] for t in listed] == list(TOPICS)
    assert all(t["example"] for t in listed)
    schema = manager_api.get("/openapi.json").json()
    description = schema["paths"]["/api/v1/webhook-endpoints"]["post"]["description"]
    for name in TOPICS:
        assert f"`{name}`" in description


def test_an_endpoint_is_changed_and_deleted(manager_api: Any, receiver: Any) -> None:
    made = manager_api.post(
        "/webhook-endpoints", {"url": receiver.url, "topics": ["order.created"]}
    ).json()
    changed = manager_api.http.put(
        f"/api/v1/webhook-endpoints/{made['id']}",
        {"url": receiver.url, "topics": ["order.shipped"], "is_enabled": False},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["topics"] == ["order.shipped"]
    assert changed.json()["is_enabled"] is False
    deleted = manager_api.http.delete(f"/api/v1/webhook-endpoints/{made['id']}")
    assert deleted.status_code == 204
    assert not Endpoint.objects.filter(pk=made["id"]).exists()
