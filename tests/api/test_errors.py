from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient


@pytest.fixture
def token(acme: Any, admin_user: Any, client_user: Any) -> str:
    from wms.accounts.services import create_api_token

    return create_api_token(by=admin_user, user=client_user, name="t")[1]


def api(token: str) -> HttpClient:
    return HttpClient(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_missing_token_is_401_json(acme: Any) -> None:
    response = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "unauthenticated",
            "message": "Send a valid API token: Authorization: Bearer <token>.",
            "field_errors": {},
        }
    }


def test_bad_path_parameter_is_422_with_field_errors(token: str) -> None:
    response = api(token).get("/api/v1/warehouses/not-a-number")
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert list(body["field_errors"]) == ["pk"]


def test_unknown_object_is_404_json(token: str) -> None:
    response = api(token).get("/api/v1/clients/999999")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "No client 999999.",
        "field_errors": {},
    }


def test_openapi_and_docs_are_served_without_a_cdn(acme: Any) -> None:
    http = HttpClient(HTTP_HOST="acme.localhost")
    schema = http.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/me" in schema.json()["paths"]
    docs = http.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
